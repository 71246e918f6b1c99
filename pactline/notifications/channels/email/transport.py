"""Render and send one e-mail (a message or a digest) through Django's mail backend."""

from __future__ import annotations

import hashlib
import smtplib
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from pactline.accounts.terminology import terms_for
from pactline.notifications.channels.registry import DeliveryError, Outcome
from pactline.notifications.links import make_url
from pactline.notifications.messages import absolute
from pactline.notifications.models import Delivery

SNOOZE_DAYS = 3


def message_id(delivery: Delivery) -> str:
    """The same for every attempt of a delivery, so receivers can drop a duplicate."""
    digest = hashlib.sha256(delivery.key.encode()).hexdigest()[:32]
    host = urlsplit(settings.BASE_URL).hostname or "pactline.local"
    return f"<{digest}@{host}>"


def _actions(message: dict[str, Any], delivery: Delivery) -> dict[str, str]:
    milestone = message.get("milestone") or {}
    if not message.get("actions") or not milestone or delivery.recipient_id is None:
        return {}
    args = (delivery.recipient_id, delivery.organisation_id, int(milestone["id"]))
    return {
        "done": make_url(*args, "done"),
        "snooze": make_url(*args, "snooze", SNOOZE_DAYS),
    }


def _groups(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Digest items grouped by contract, in the order they came."""
    groups: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for item in items:
        contract = item.get("contract") or {}
        label = f"{contract.get('number', '')} {contract.get('title', '')}".strip() or "General"
        groups.setdefault(label, []).append(item)
    return list(groups.items())


def render(message: dict[str, Any], delivery: Delivery) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a delivery."""
    digest = message.get("kind") == "digest"
    context = {
        "m": message,
        "actions": {} if digest else _actions(message, delivery),
        "groups": _groups(message.get("items", [])) if digest else [],
        "snooze_days": SNOOZE_DAYS,
        "preferences_url": absolute(reverse("notification-preferences")),
        "recipient": delivery.recipient,
        # the organisation's words for Milestone, Contract, Party (pactline.accounts.terminology)
        "terms": terms_for(delivery.organisation_id),
    }
    name = "digest" if digest else "message"
    text = render_to_string(f"notifications/email/{name}.txt", context)
    html = render_to_string(f"notifications/email/{name}.html", context)
    # One line: a title's CR/LF would be a "bad header" (or, unchecked, an injected one).
    subject = " ".join(str(message.get("title", "Pactline")).split())
    return subject[:200], text, html


def notify(message: dict[str, Any], delivery: Delivery) -> Outcome:
    user = delivery.recipient
    if user is None or not user.email:
        raise DeliveryError("no e-mail address to send to", permanent=True)
    subject, text, html = render(message, delivery)
    mail = EmailMultiAlternatives(
        subject=f"[Pactline] {subject}",
        body=text,
        to=[user.email],
        headers={
            "Message-ID": message_id(delivery),
            "X-Pactline-Delivery": str(delivery.pk),
            "X-Pactline-Organisation": str(delivery.organisation_id),
            "Auto-Submitted": "auto-generated",
        },
    )
    mail.attach_alternative(html, "text/html")
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"the server refused {user.email}: {exc}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    return Outcome(detail=f"to {user.email}")
