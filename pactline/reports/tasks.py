"""Periodic work of the reports (Huey, `pactline worker`): subscribed reports by e-mail, and
the daily refresh of penalty exposure (it grows with each day a milestone is late)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="7"), name="reports.send_subscriptions")
def send_subscriptions() -> int:
    from pactline.reports.subscriptions import send_due

    with lock_task("report-subscriptions"):
        return send_due()


@db_periodic_task(crontab(hour="1", minute="47"), name="reports.refresh_penalties")
def refresh_penalties() -> int:
    from pactline.reports.penalties import refresh_all

    with lock_task("refresh-penalties"):
        return refresh_all()
