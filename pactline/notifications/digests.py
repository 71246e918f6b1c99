"""Daily and weekly digests: queued e-mail deliveries gathered into one message per person.

A digest goes out at the first run after PACTLINE_DIGEST_HOUR in the person's own time zone
(weekly ones from Monday on). Its key names the day (or ISO week), so it is sent once per
period whatever the number of workers; what is queued after it waits for the next one.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pactline.accounts.models import User
from pactline.notifications import outgoing
from pactline.notifications.models import Delivery, DeliveryStatus, EmailMode
from pactline.notifications.reminders.rules import zone
from pactline.notifications.visibility import still_visible

QUEUED = DeliveryStatus.QUEUED


def period(mode: str, local: datetime) -> str | None:
    """The digest period this local time is in, or None before the digest hour."""
    if local.hour < settings.PACTLINE_DIGEST_HOUR:
        return None
    if mode == EmailMode.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def send_digests(now: datetime | None = None) -> int:
    """Make every digest that is due; returns how many were made."""
    now = now or timezone.now()
    waiting = (
        Delivery.objects.filter(status=QUEUED, batch__isnull=True)
        .values_list("organisation_id", "recipient_id", "digest")
        .distinct()
    )
    zones = dict(User.objects.filter(pk__in={w[1] for w in waiting}).values_list("pk", "time_zone"))
    made = 0
    for organisation_id, user_id, mode in sorted(set(waiting)):
        name = period(mode, now.astimezone(zone(zones.get(user_id, "UTC"))))
        if name and _make(organisation_id, user_id, mode, name):
            made += 1
    if made:
        outgoing.send_soon()
    return made


@transaction.atomic
def _make(organisation_id: int, user_id: int, mode: str, name: str) -> bool:
    key = f"digest:{organisation_id}:{user_id}:{mode}:{name}"
    digest, created = Delivery.objects.get_or_create(
        key=key,
        defaults={
            "organisation_id": organisation_id,
            "channel": "email",
            "topic": "digest",
            "recipient_id": user_id,
            "next_attempt_at": timezone.now(),
        },
    )
    if not created:
        return False  # this period's digest is made; the rest waits for the next one
    items = list(
        Delivery.objects.select_for_update()
        .filter(
            status=QUEUED,
            batch__isnull=True,
            organisation_id=organisation_id,
            recipient_id=user_id,
            digest=mode,
        )
        .order_by("contract_id", "pk")
    )
    unseen = [
        i.pk
        for i in items
        if not still_visible(organisation_id, user_id, i.contract_id, i.milestone_id)
    ]
    if unseen:  # a contract restricted (or a membership changed) since they were queued
        Delivery.objects.filter(pk__in=unseen).update(
            status=DeliveryStatus.CANCELLED, last_error="not visible to the recipient"
        )
        items = [i for i in items if i.pk not in unseen]
    if not items:  # another worker gathered them first
        Delivery.objects.filter(pk=digest.pk).update(
            status=DeliveryStatus.CANCELLED, next_attempt_at=None
        )
        return False
    Delivery.objects.filter(pk__in=[i.pk for i in items]).update(
        status=DeliveryStatus.BATCHED, batch=digest, next_attempt_at=None
    )
    label = "Weekly" if mode == EmailMode.WEEKLY else "Daily"
    digest.payload = {
        "kind": "digest",
        "topic": "digest",
        "mode": mode,
        "period": name,
        "title": f"{label} digest: {len(items)} update{'s' if len(items) != 1 else ''}",
        "items": [i.payload for i in items],
    }
    digest.save(update_fields=["payload"])
    return True
