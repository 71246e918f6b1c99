"""Deliver to the inbox: one Notification row per delivery (a retry finds it there)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from pactline.notifications.channels.registry import DeliveryError, Outcome
from pactline.notifications.models import Delivery, Notification


def notify(message: dict[str, Any], delivery: Delivery) -> Outcome:
    if delivery.recipient_id is None:
        raise DeliveryError("an in-app notification needs a person", permanent=True)
    Notification.objects.get_or_create(
        delivery=delivery,
        defaults={
            "organisation_id": delivery.organisation_id,
            "user_id": delivery.recipient_id,
            "topic": str(message.get("topic") or delivery.topic)[:16],
            "title": str(message.get("title", ""))[:300],
            "body": str(message.get("text", ""))[:2000],
            "url": _local(str(message.get("url", "")))[:500],
            "contract_id": delivery.contract_id,
            "milestone_id": delivery.milestone_id,
            "created_at": delivery.created_at,
        },
    )
    return Outcome(detail="in the inbox")


def _local(url: str) -> str:
    """Links inside the app are paths, so they work whatever host name the browser used."""
    return url.removeprefix(settings.BASE_URL) if url.startswith(settings.BASE_URL) else url
