"""Creating delivery rows for people, and asking the worker to send them after commit.

The kicks only shorten the wait: the periodic tasks find every due row anyway, so a kick lost
to a crash costs a minute, never a message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from pactline.notifications.models import Delivery, DeliveryStatus, EmailMode
from pactline.notifications.preferences import Choice

log = logging.getLogger(__name__)


def personal_deliveries(base_key: str, choice: Choice, fields: dict[str, Any]) -> list[Delivery]:
    """The rows one person gets for one message: in-app, and e-mail now or in a digest."""
    out = []
    now = timezone.now()
    if choice.in_app:
        out.append(
            Delivery(key=f"{base_key}:in_app", channel="in_app", next_attempt_at=now, **fields)
        )
    if choice.email == EmailMode.IMMEDIATE:
        out.append(
            Delivery(key=f"{base_key}:email", channel="email", next_attempt_at=now, **fields)
        )
    elif choice.email in (EmailMode.DAILY, EmailMode.WEEKLY):
        out.append(
            Delivery(
                key=f"{base_key}:email",
                channel="email",
                status=DeliveryStatus.QUEUED,
                digest=choice.email,
                **fields,
            )
        )
    return out


def _after_commit(name: str, call: Callable[[], object]) -> None:
    def run() -> None:
        try:
            call()
        except Exception:  # the queue being down must not fail the write that committed
            log.warning(
                "could not enqueue %s; the periodic task will pick it up", name, exc_info=True
            )

    transaction.on_commit(run)


def send_soon() -> None:
    from pactline.notifications import tasks

    _after_commit("send_pending", tasks.send_pending)


def flush_soon(subscription_ids: Iterable[int]) -> None:
    from pactline.notifications import tasks

    for pk in sorted(set(subscription_ids)):
        _after_commit(f"flush {pk}", lambda pk=pk: tasks.flush_subscription(pk))


def dispatch_soon() -> None:
    from pactline.notifications import tasks

    _after_commit("dispatch", tasks.dispatch_outbox)


def on_events_recorded(sender: object, **kwargs: object) -> None:
    """New events: have the dispatcher run right after the commit (once per transaction)."""
    from django.db import connection

    if any(getattr(func, "pactline_dispatch", False) for _, func, _ in connection.run_on_commit):
        return

    def run() -> None:
        from pactline.notifications import tasks

        try:
            tasks.dispatch_outbox()
        except Exception:
            log.warning("could not enqueue the dispatcher; its periodic run will", exc_info=True)

    run.pactline_dispatch = True  # type: ignore[attr-defined]
    transaction.on_commit(run)
