"""Outages of the other side, with real servers stopped and started on the same port: a webhook
receiver that is down gets every event once it is back, in order, with each failed attempt
recorded (and another subscription is not held up); a mail server that is down delays
reminders without losing them, and the organisation's admins see what is waiting and why."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.milestones import services as milestone_services
from pactline.notifications import services
from pactline.notifications.models import Delivery
from pactline.notifications.reminders import schedule
from tests.api.conftest import url
from tests.factories import MilestoneFactory
from tests.notifications.conftest import work
from tests.notifications.receivers import Receiver, SmtpSink

pytestmark = pytest.mark.django_db


def subscribe(world, address: str, name: str):
    return services.create_subscription(
        world.actor("admin"), {"name": name, "url": address, "event_types": ["milestone.*"]}
    )


def events(world, contract, count: int, start: int = 0) -> None:
    manager = world.actor("manager")
    for i in range(start, start + count):
        milestone_services.create_milestone(
            manager, contract, {"title": f"Step {i}", "due_date": dt.date(2027, 6, 1 + i)}
        )


def test_a_receiver_down_for_a_while_gets_every_event_in_order(
    world, contract, clock, api_as, login
) -> None:
    up = Receiver()
    down = Receiver()
    port = down.server.server_address[1]
    down.stop()  # nothing listens there now: connection refused
    back = None
    try:
        steady = subscribe(world, up.url, "Steady")
        up.secret = steady.secret
        flaky = subscribe(world, f"http://127.0.0.1:{port}/hook", "Flaky")
        events(world, contract, 3)
        work()
        head = Delivery.objects.filter(subscription=flaky).order_by("pk").first()
        assert (head.status, head.attempts) == ("pending", 1)
        assert head.last_error
        assert len(up.accepted) == 3  # the other subscription is not held up
        for minutes in (1, 2, 4):  # the backoff: 1, 2, 4 minutes
            clock.shift(dt.timedelta(minutes=minutes, seconds=1))
            work()
        events(world, contract, 2, start=3)  # more arrive while it is down
        work()
        head.refresh_from_db()
        assert (head.status, head.attempts) == ("pending", 4)
        behind = Delivery.objects.filter(subscription=flaky).exclude(pk=head.pk)
        assert set(behind.values_list("attempts", flat=True)) == {0}  # none overtook the head

        back = Receiver(secret=flaky.secret, port=port)
        clock.shift(dt.timedelta(minutes=8, seconds=1))
        work()
        ids = [h.json["id"] for h in back.accepted]
        assert len(ids) == 5 and ids == sorted(ids) and len(set(ids)) == 5
        assert [h.json["id"] for h in up.accepted] == ids  # same events, same order
        assert all(h.signed_ok for h in back.hits)
        assert Delivery.objects.filter(subscription=flaky, status="sent").count() == 5

        # The retries are on record, for the admins, in the API and on the page.
        listed = api_as("admin").get(url("webhook-delivery-list", webhook_id=flaky.pk)).json()
        oldest = listed["items"][-1]
        log = sorted(oldest["attempt_log"], key=lambda a: a["number"])
        assert [a["ok"] for a in log] == [False, False, False, False, True]
        assert all(a["error"] for a in log[:4])
        page = login("admin").get(f"/settings/integrations/{flaky.pk}/").content.decode()
        assert page.count("failed") >= 4
        steady.refresh_from_db()
        assert steady.consecutive_failures == 0
    finally:
        up.stop()
        if back is not None:
            back.stop()


@pytest.fixture
def mike(world):
    user = world.user("member")
    user.time_zone = "Europe/London"
    user.save()
    return user


def test_mail_server_down_retries_reminders_and_tells_the_admins(
    world, contract, mike, clock, settings, login
) -> None:
    sink = SmtpSink()
    port = sink.port
    sink.stop()  # the mail server is down
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    m = MilestoneFactory(
        contract=contract, title="Design approval", owner=mike, due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    work()
    mail = Delivery.objects.get(recipient=mike, channel="email")
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert "refused" in mail.last_error.lower()

    admin = login("admin")
    banner = admin.get("/settings/integrations/").content.decode()
    assert "1 e-mail could not be delivered yet" in banner
    listing = admin.get("/settings/mail/").content.decode()
    assert "Not delivered yet" in listing and mike.email in listing
    assert "Design approval" in listing and "next try" in listing
    assert login("member").get("/settings/mail/").status_code == 403

    clock.shift(dt.timedelta(minutes=1, seconds=1))
    work()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("pending", 2)

    sink = SmtpSink(port=port)  # back up
    try:
        clock.shift(dt.timedelta(minutes=2, seconds=1))
        work()
        clock.shift(dt.timedelta(minutes=10))
        work()
        mail.refresh_from_db()
        assert (mail.status, mail.attempts) == ("sent", 3)
        assert len(sink.mails) == 1 and "Design approval" in sink.mails[0].subject
        attempts = mail.attempt_rows.order_by("number").values_list("ok", flat=True)
        assert list(attempts) == [False, False, True]
        assert "could not be delivered" not in admin.get("/settings/integrations/").content.decode()
    finally:
        sink.stop()
