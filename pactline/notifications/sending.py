"""Sending deliveries: one attempt row per try, exponential backoff, and subscriptions that
deliver in order and switch themselves off after persistent failure."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from pactline.accounts.permissions import Actor
from pactline.activity.services import record
from pactline.milestones.models import OPEN_STATUSES, Milestone
from pactline.notifications.channels import registry
from pactline.notifications.channels.registry import DeliveryError, Outcome
from pactline.notifications.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription
from pactline.notifications.visibility import still_visible

log = logging.getLogger(__name__)
PENDING = DeliveryStatus.PENDING


def lease() -> timedelta:
    """How long a worker holds what it took; after that another may take it."""
    return timedelta(seconds=settings.PACTLINE_DELIVERY_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... times the base, capped: retries spread over hours, not seconds."""
    base = settings.PACTLINE_DELIVERY_BACKOFF_SECONDS
    delay = min(base * 2 ** max(attempts - 1, 0), settings.PACTLINE_DELIVERY_BACKOFF_MAX_SECONDS)
    return timedelta(seconds=delay)


def claim_personal(now: datetime, limit: int = 200) -> tuple[list[int], datetime]:
    """Take due personal deliveries (not subscriptions: those go in order) for a lease.

    Returns the ids and the lease's end, which is also the claim's mark on each row: before
    sending one, `_renew` checks the mark is still ours, so a batch that outlives its lease
    never sends what another worker took over meanwhile.
    """
    until = now + lease()
    due = Delivery.objects.filter(
        status=PENDING, subscription__isnull=True, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True)
    with transaction.atomic():
        ids = list(due.values_list("pk", flat=True)[:limit])
        taken = Delivery.objects.filter(pk__in=ids, status=PENDING, next_attempt_at__lte=now)
        taken.update(next_attempt_at=until)
    return ids, until


def _renew(delivery: Delivery, mark: datetime) -> bool:
    """Extend our claim on one row right before sending it; False when it is no longer ours."""
    fresh = timezone.now() + lease()
    mine = Delivery.objects.filter(pk=delivery.pk, status=PENDING, next_attempt_at=mark)
    if mine.update(next_attempt_at=fresh) != 1:
        return False
    delivery.next_attempt_at = fresh
    return True


def send_pending(now: datetime | None = None, limit: int = 200) -> int:
    """Send due personal deliveries until none is left; returns how many were tried."""
    tried = 0
    while True:
        ids, mark = claim_personal(now or timezone.now(), limit)
        if not ids:
            break
        for delivery in Delivery.objects.filter(pk__in=ids).select_related("recipient"):
            if _renew(delivery, mark):
                attempt(delivery)
                tried += 1
        if len(ids) < limit:
            break
    return tried


def _stale(delivery: Delivery) -> bool:
    """A reminder of a milestone that is done (or gone) by now is not sent."""
    if not delivery.rule or delivery.milestone_id is None or delivery.target != "due":
        return False
    status = Milestone.objects.filter(pk=delivery.milestone_id).values_list("status", flat=True)
    return not status or status[0] not in OPEN_STATUSES


def _unseen(delivery: Delivery) -> bool:
    """A personal message about a contract its recipient may no longer see is not sent."""
    if delivery.recipient_id is None or delivery.contract_id is None:
        return False
    return not still_visible(
        delivery.organisation_id, delivery.recipient_id, delivery.contract_id, delivery.milestone_id
    )


def attempt(delivery: Delivery) -> bool:
    """Try once; record the attempt; schedule a retry or give up. True when it went out."""
    for gone, why in ((_stale, "no longer due"), (_unseen, "not visible to the recipient")):
        if gone(delivery):
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.CANCELLED, next_attempt_at=None, last_error=why
            )
            return False
    number = delivery.attempts + 1
    started, clock = timezone.now(), time.monotonic()
    error: DeliveryError | None = None
    outcome: Outcome | None = None
    try:
        outcome = registry.get(delivery.channel).notify(delivery.payload, delivery)
    except DeliveryError as exc:
        error = exc
    except Exception as exc:  # a bug or an unexpected failure is retried, and shown
        log.exception("delivery %s failed", delivery.pk)
        error = DeliveryError(f"{type(exc).__name__}: {exc}")
    duration = int((time.monotonic() - clock) * 1000)
    _record(delivery, number, started, duration, outcome, error)
    return error is None


def _record(
    delivery: Delivery,
    number: int,
    started: datetime,
    duration: int,
    outcome: Outcome | None,
    error: DeliveryError | None,
) -> None:
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=started,
            duration_ms=duration,
            ok=error is None,
            status_code=(error.status_code if error else outcome.status_code if outcome else None),
            error=(error.message if error else "")[:1000],
        )
        fields: dict[str, object] = {"attempts": number}
        if error is None:
            fields.update(
                status=DeliveryStatus.SENT,
                sent_at=timezone.now(),
                next_attempt_at=None,
                last_error="",
            )
        elif error.permanent or number >= settings.PACTLINE_DELIVERY_MAX_ATTEMPTS:
            fields.update(
                status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=error.message[:1000]
            )
        else:
            fields.update(
                next_attempt_at=timezone.now() + backoff(number), last_error=error.message[:1000]
            )
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        for name, value in fields.items():
            setattr(delivery, name, value)
        if delivery.subscription_id is not None:
            _subscription_health(delivery.subscription_id, ok=error is None)


def _subscription_health(subscription_id: int, ok: bool) -> None:
    subs = Subscription.objects.filter(pk=subscription_id)
    if ok:
        subs.exclude(consecutive_failures=0).update(consecutive_failures=0)
        return
    subs.update(consecutive_failures=F("consecutive_failures") + 1)
    sub = subs.select_related("organisation").first()
    if sub is None or not sub.active:
        return
    if sub.consecutive_failures >= settings.PACTLINE_WEBHOOK_DISABLE_AFTER:
        disable(sub, f"{sub.consecutive_failures} failed attempts in a row")


def disable(sub: Subscription, reason: str) -> None:
    """Switch a failing subscription off and tell the organisation's admins (via the event)."""
    now = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(
        active=False, disabled_at=now, disabled_reason=reason[:500], updated_at=now
    )
    actor = Actor.system(sub.organisation, label="webhooks")
    record(
        actor,
        "disabled",
        sub,
        summary=f"{sub.name} was disabled: {reason}",
        changes={
            "active": {"before": True, "after": False},
            "reason": {"before": None, "after": reason},
        },
    )


# --- subscriptions: one worker at a time, in order --------------------------------------------


def _take(subscription_id: int, now: datetime) -> datetime | None:
    """Hold a subscription for a lease; returns the lease's end (our mark), or None."""
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    until = now + lease()
    taken = Subscription.objects.filter(free, pk=subscription_id, active=True)
    return until if taken.update(claimed_until=until) == 1 else None


def _keep(subscription_id: int, mark: datetime) -> datetime | None:
    """Extend our hold before each send; None when the lease ran out and someone took over."""
    until = timezone.now() + lease()
    held = Subscription.objects.filter(pk=subscription_id, claimed_until=mark)
    return until if held.update(claimed_until=until) == 1 else None


def flush(subscription_id: int, limit: int = 500) -> int:
    """Send a subscription's pending deliveries in order, stopping at the first that must wait.

    Order is kept by never sending a later delivery while an earlier one waits for its retry,
    and by one worker at a time holding the subscription.
    """
    mark = _take(subscription_id, timezone.now())
    if mark is None:
        return 0
    sent = 0
    try:
        pending = Delivery.objects.filter(subscription_id=subscription_id, status=PENDING)
        for delivery in pending.select_related("subscription").order_by("pk")[:limit]:
            if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
                break
            mark = _keep(subscription_id, mark)
            if mark is None or not delivery.subscription.active or not attempt(delivery):
                break
            sent += 1
    finally:
        if mark is not None:
            Subscription.objects.filter(pk=subscription_id, claimed_until=mark).update(
                claimed_until=None
            )
    return sent


def due_subscriptions(now: datetime | None = None) -> list[int]:
    """Active subscriptions whose first pending delivery is due."""
    now = now or timezone.now()
    return sorted(
        set(
            Delivery.objects.filter(
                status=PENDING,
                subscription__active=True,
                next_attempt_at__lte=now,
            ).values_list("subscription_id", flat=True)
        )
    )


def undelivered_mail(organisation_id: int, days: int = 14) -> list[Delivery]:
    """The organisation's e-mails that failed at least once and are not out: still retrying
    (pending), or given up (failed) in the last `days`. Newest first; shown to admins."""
    since = timezone.now() - timedelta(days=days)
    rows = Delivery.objects.filter(organisation_id=organisation_id, channel="email").filter(
        Q(status=PENDING, attempts__gt=0) | Q(status=DeliveryStatus.FAILED, created_at__gte=since)
    )
    return list(rows.select_related("recipient").order_by("-pk")[:50])
