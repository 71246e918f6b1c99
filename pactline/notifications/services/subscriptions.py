"""Webhook and chat subscriptions: create, change, delete, redeliver, test."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.errors import ValidationFailed
from pactline.notifications import outgoing
from pactline.notifications.channels import registry
from pactline.notifications.models import Delivery, DeliveryStatus, Subscription
from pactline.notifications.subscriptions import CHAT_DEFAULT, check_types
from pactline.validation import Errors, check_required_text
from pactline.versioning import bump, lock

FIELDS = ("channel", "name", "url", "event_types", "contract_id", "active")
SHOWN = ("channel", "name", "url", "event_types", "contract_id", "active")


def _manage(actor: Actor) -> None:
    require(
        permissions.can_manage_notifications(actor),
        "only admins manage webhooks and chat integrations",
    )


def _snapshot(sub: Subscription) -> dict[str, Any]:
    return {f: getattr(sub, f) for f in SHOWN}  # never the secret


def _validate(actor: Actor, sub: Subscription) -> None:
    errors = Errors()
    check_required_text(errors, "name", sub.name, 100)
    names = [c.name for c in registry.subscription_channels()]
    if sub.channel not in names:
        errors.add("channel", f"must be one of {', '.join(names)}")
    elif not isinstance(sub.url, str) or len(sub.url) > 500:
        errors.add("url", "must be a URL of at most 500 characters")
    else:
        check = registry.get(sub.channel).validate_url
        problem = check(sub.url) if check else None
        if problem:
            errors.add("url", problem)
    types = check_types(sub.event_types)
    if isinstance(types, str):
        errors.add("event_types", types)
    else:
        sub.event_types = types
    if sub.contract_id is not None:
        if sub.channel == "webhook":
            errors.add("contract_id", "webhooks are for the whole organisation")
        elif not permissions.visible_contracts(actor).filter(pk=sub.contract_id).exists():
            errors.add("contract_id", f"no such contract: {sub.contract_id}")
    if not isinstance(sub.active, bool):
        errors.add("active", "must be true or false")
    errors.raise_if_any()


def _reject_unknown(data: Mapping[str, Any]) -> None:
    extra = sorted(set(data) - set(FIELDS))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


@transaction.atomic
def create_subscription(actor: Actor, data: Mapping[str, Any]) -> Subscription:
    _manage(actor)
    _reject_unknown(data)
    sub = Subscription(organisation=actor.organisation, created_by=actor.user, **data)
    sub.name = (sub.name or "").strip()
    if "event_types" not in data and sub.channel != "webhook":
        sub.event_types = list(CHAT_DEFAULT)
    _validate(actor, sub)
    sub.secret = "whsec_" + secrets.token_urlsafe(32) if sub.channel == "webhook" else ""
    sub.save()
    record(
        actor,
        "created",
        sub,
        summary=f"{registry.get(sub.channel).label} {sub.name} created",
        changes=diff({}, _snapshot(sub)),
    )
    return sub


@transaction.atomic
def update_subscription(
    actor: Actor, sub: Subscription, data: Mapping[str, Any], expected_version: int | None
) -> Subscription:
    """Change a subscription; `active: true` switches a disabled one on again."""
    _manage(actor)
    _reject_unknown(data)
    sub = lock(sub, expected_version)
    before = _snapshot(sub)
    for name, value in data.items():
        setattr(sub, name, value.strip() if name == "name" and isinstance(value, str) else value)
    _validate(actor, sub)
    changes = diff(before, _snapshot(sub))
    if not changes:
        return sub
    if changes.get("active", {}).get("after") is True:
        sub.disabled_at, sub.disabled_reason, sub.consecutive_failures = None, "", 0
        outgoing.flush_soon([sub.pk])
    bump(sub)
    sub.updated_at = timezone.now()
    sub.save()
    record(actor, "updated", sub, summary=f"{sub.name} updated", changes=changes)
    return sub


@transaction.atomic
def rotate_secret(actor: Actor, sub: Subscription) -> Subscription:
    _manage(actor)
    sub = lock(sub, None)
    sub.secret = "whsec_" + secrets.token_urlsafe(32)
    bump(sub)
    sub.save()
    record(actor, "secret_rotated", sub, summary=f"Signing secret of {sub.name} replaced")
    return sub


@transaction.atomic
def delete_subscription(actor: Actor, sub: Subscription) -> None:
    _manage(actor)
    record(
        actor,
        "deleted",
        sub,
        summary=f"{sub.name} deleted",
        changes=diff(_snapshot(sub), {}),
    )
    sub.delete()


@transaction.atomic
def redeliver(actor: Actor, delivery: Delivery) -> Delivery:
    """Send a delivery again by hand (a failed one, or one the receiver lost)."""
    _manage(actor)
    if delivery.subscription_id is None:
        raise ValidationFailed.one("delivery", "only webhook and chat deliveries are redelivered")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
    )
    assert delivery.subscription is not None
    record(
        actor,
        "redelivered",
        delivery.subscription,
        summary=f"Delivery {delivery.pk} to {delivery.subscription.name} queued again",
        changes={"delivery_id": {"before": None, "after": delivery.pk}},
    )
    outgoing.flush_soon([delivery.subscription_id])
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def ping(actor: Actor, sub: Subscription) -> Delivery:
    """Queue a test message ("ping") to a subscription."""
    _manage(actor)
    event = record(actor, "pinged", sub, summary=f"Test message to {sub.name}")
    now = timezone.now()
    delivery = Delivery.objects.create(
        organisation=actor.organisation,
        key=f"ping:{event.pk}:sub:{sub.pk}",
        channel=sub.channel,
        subscription=sub,
        event_id=event.pk,
        payload={
            "id": event.pk,
            "type": "subscription.pinged",
            "api_version": "1",
            "created_at": event.created_at.isoformat(),
            "organisation": {"id": actor.organisation.pk, "name": actor.organisation.name},
            "summary": event.summary,
            "subject": {"type": "subscription", "id": sub.pk, "label": sub.name},
            "data": {},
        },
        next_attempt_at=now,
    )
    outgoing.flush_soon([sub.pk])
    return delivery
