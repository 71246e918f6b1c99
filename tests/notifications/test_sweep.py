"""The sweep end to end in one process: due rows are claimed, reminded once, and move on."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.activity.models import Event
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from pactline.notifications import services
from pactline.notifications.models import Delivery, Notification, Reminder
from pactline.notifications.reminders import schedule, sweep
from tests.factories import MilestoneFactory
from tests.notifications.conftest import deliver, run_sweep, work

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def due_soon(world, contract, clock):
    """Design approval due Monday 8 Feb 2027, owned by mike (London); today is 1 Feb."""
    world.users["member"].time_zone = "Europe/London"
    world.users["member"].save()
    m = MilestoneFactory(
        contract=contract,
        title="Design approval",
        owner=world.user("member"),
        due_date=dt.date(2027, 2, 8),
    )
    schedule.refresh_milestones([m.pk])
    m.refresh_from_db()
    return m


def test_next_reminder_at_is_the_next_occurrence(due_soon) -> None:
    # 7 days before is today, 09:00 London = 09:00 UTC, already past at 10:00: due now.
    assert due_soon.next_reminder_at == dt.datetime(2027, 2, 1, 10, 0, tzinfo=UTC)


def test_sweep_reminds_once_and_schedules_the_next(due_soon, world, clock) -> None:
    work()
    mike = world.user("member")
    mail = Delivery.objects.get(recipient=mike, channel="email")
    assert (mail.rule, mail.occurrence, mail.status) == ("before:7", dt.date(2027, 2, 1), "sent")
    assert Notification.objects.filter(user=mike).count() == 1
    assert Reminder.objects.filter(subject_id=due_soon.pk, rule="before:7").count() == 1
    assert Event.objects.filter(verb="reminded", subject_id=due_soon.pk).count() == 1
    due_soon.refresh_from_db()
    assert due_soon.next_reminder_at == dt.datetime(2027, 2, 7, 9, tzinfo=UTC)  # 1 day before
    # A second sweep at the same moment finds nothing due and sends nothing.
    assert run_sweep() == 0
    assert deliver() == 0
    assert Delivery.objects.filter(recipient=mike).count() == 2  # e-mail + in-app


def test_a_retaken_claim_sends_nothing_twice(due_soon, clock) -> None:
    ids = sweep.claim("milestone", dt.datetime.now(UTC), 100)
    assert ids == [due_soon.pk]
    assert sweep.claim("milestone", dt.datetime.now(UTC), 100) == []  # held by the lease
    sweep.process("milestone", ids)
    # The worker "died" before writing? Force the row due again and process again.
    Milestone.objects.filter(pk=due_soon.pk).update(next_reminder_at=dt.datetime.now(UTC))
    again = sweep.claim("milestone", dt.datetime.now(UTC), 100)
    sweep.process("milestone", again)
    assert Delivery.objects.filter(milestone_id=due_soon.pk).count() == 2


def test_claims_expire(due_soon, clock, settings) -> None:
    settings.PACTLINE_REMINDER_LEASE_SECONDS = 60
    assert sweep.claim("milestone", dt.datetime.now(UTC), 100) == [due_soon.pk]
    clock.shift(dt.timedelta(seconds=61))
    assert sweep.claim("milestone", dt.datetime.now(UTC), 100) == [due_soon.pk]


def test_done_milestones_stop_reminding(due_soon, world, member, clock) -> None:
    milestone_services.transition(member, due_soon, "done")
    work()
    due_soon.refresh_from_db()
    assert due_soon.next_reminder_at is None
    assert not Delivery.objects.filter(milestone_id=due_soon.pk, rule__gt="").exists()


def test_snooze_holds_reminders(due_soon, member, world, clock) -> None:
    services.snooze(member, due_soon, dt.date(2027, 2, 5))
    work()
    assert not Delivery.objects.filter(recipient=world.user("member")).exists()
    due_soon.refresh_from_db()
    assert due_soon.next_reminder_at == dt.datetime(2027, 2, 5, 9, tzinfo=UTC)
    assert Event.objects.filter(verb="snoozed", subject_id=due_soon.pk).exists()
    clock.move_to(dt.datetime(2027, 2, 5, 9, 1, tzinfo=UTC))
    work()
    assert Delivery.objects.filter(recipient=world.user("member"), channel="email").count() == 1
