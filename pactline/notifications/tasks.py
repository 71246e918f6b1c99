"""Background work on Huey (`pactline worker`): the outbox, the reminder sweep, deliveries,
digests, and the daily upkeep of recurring series, forecasts and reminder times.

Every periodic task is safe to run in several workers at once: rows are claimed with
conditional updates and deliveries have unique keys, so a duplicate run only finds less to do.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from pactline.notifications import digests, outbox, sending
from pactline.notifications.reminders import schedule, sweep

log = logging.getLogger(__name__)
DISPATCH_EVERY_SECONDS = 5


@db_task(name="notifications.dispatch_outbox")
def dispatch_outbox() -> int:
    return outbox.dispatch()


@db_periodic_task(crontab(minute="*"), name="notifications.outbox_tick")
def outbox_tick() -> int:
    """Every minute: dispatch now, and every few seconds until the next tick."""
    for delay in range(DISPATCH_EVERY_SECONDS, 60, DISPATCH_EVERY_SECONDS):
        dispatch_outbox.schedule(delay=delay)
    return outbox.dispatch()


@db_task(name="notifications.process_reminders")
def process_reminders(kind: str, ids: list[int]) -> int:
    return sweep.process(kind, ids)


def _enqueue(kind: str, ids: list[int]) -> None:
    process_reminders(kind, ids)


@db_periodic_task(crontab(minute="*"), name="notifications.sweep_reminders")
def sweep_reminders() -> int:
    return sweep.sweep(_enqueue)


@db_task(name="notifications.send_pending")
def send_pending() -> int:
    return sending.send_pending()


@db_task(name="notifications.flush_subscription")
def flush_subscription(subscription_id: int) -> int:
    return sending.flush(subscription_id)


@db_periodic_task(crontab(minute="*"), name="notifications.retry_due")
def retry_due() -> int:
    """The safety net: whatever is due and was not sent by a kick goes now."""
    for subscription_id in sending.due_subscriptions():
        flush_subscription(subscription_id)
    return sending.send_pending()


@db_periodic_task(crontab(minute="2"), name="notifications.digests")
def send_digests() -> int:
    return digests.send_digests()


@db_periodic_task(crontab(hour="1", minute="17"), name="milestones.extend_series")
def extend_series() -> int:
    from pactline.milestones.services import extend_all

    with lock_task("extend-series"):
        return extend_all()


@db_periodic_task(crontab(hour="1", minute="37"), name="milestones.refresh_forecasts")
def refresh_forecasts() -> int:
    """Forecasts and 'at risk' depend on today: solve every organisation's contracts again."""
    from pactline.accounts.models import Organisation
    from pactline.accounts.permissions import Actor
    from pactline.milestones.services import recompute_organisation

    moved = 0
    with lock_task("refresh-forecasts"):
        for org in Organisation.objects.order_by("pk"):
            actor = Actor.system(org, label="daily refresh")
            moved += recompute_organisation(actor, "daily refresh of forecasts")
    return moved


@db_periodic_task(crontab(hour="2", minute="7"), name="notifications.refresh_reminders")
def refresh_reminders() -> int:
    with lock_task("refresh-reminders"):
        return schedule.refresh_all()


__all__ = ["HUEY"]
