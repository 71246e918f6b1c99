"""Helpers for notification tests: run the background steps in-process, in order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from pactline.notifications import digests, outbox, sending
from pactline.notifications.reminders import sweep
from tests.api.conftest import api_as  # noqa: F401 (the API clients per persona)
from tests.web.conftest import login  # noqa: F401 (the web clients per persona)


@pytest.fixture(autouse=True)
def _notification_settings(settings: Any, tmp_path: Any) -> None:
    settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS = True
    settings.BASE_URL = "http://testserver"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")


def run_sweep() -> int:
    """Claim what is due and process each batch at once (the worker would enqueue it)."""
    return sweep.sweep(lambda kind, ids: sweep.process(kind, ids))


def deliver() -> int:
    """Send everything due: personal deliveries, then each subscription in order."""
    sent = sending.send_pending()
    for pk in sending.due_subscriptions():
        sent += sending.flush(pk)
    return sent


def work() -> None:
    """One round of the worker: outbox, sweep, outbox again (reminder events), deliveries."""
    outbox.dispatch()
    run_sweep()
    outbox.dispatch()
    digests.send_digests()
    deliver()


@pytest.fixture
def clock():
    """A frozen clock the test moves: clock.move_to(...)."""
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        yield t


@pytest.fixture
def smtp(settings: Any):
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    from tests.notifications.receivers import SmtpSink

    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    yield sink
    sink.stop()


@pytest.fixture
def receiver():
    from tests.notifications.receivers import Receiver

    server = Receiver()
    yield server
    server.stop()
