"""Date custom fields with "remind N days before": the reminder sweep sends the owner one
reminder on that day, exactly once, and a changed date reminds again."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.contracts.services import update_contract
from pactline.milestones.models import Milestone
from pactline.notifications.models import Delivery
from pactline.notifications.reminders import schedule
from tests.conftest import World
from tests.customfields.conftest import define
from tests.factories import ContractFactory, MilestoneFactory
from tests.notifications.conftest import clock, run_sweep, work  # noqa: F401

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_contract_date_field_reminds_its_owner_once(world: World, clock) -> None:  # noqa: F811
    define(
        world,
        key="renewal_review",
        label="Renewal review",
        field_type="date",
        remind_days_before=3,
    )
    owner = world.user("manager")
    contract = ContractFactory(
        organisation=world.acme,
        number="C-9",
        status="active",
        owner=owner,
        custom_fields={"renewal_review": "2027-02-04"},  # 3 days after "today" (1 Feb)
    )
    schedule.refresh_contracts([contract.pk])
    contract.refresh_from_db()
    assert contract.next_reminder_at is not None
    assert contract.next_reminder_at <= dt.datetime(2027, 2, 1, 10, tzinfo=UTC)
    work()
    sent = Delivery.objects.filter(recipient=owner, target__startswith="cf:")
    assert sent.count() >= 1
    mail = sent.filter(channel="email").get()
    assert mail.payload["title"] == "Renewal review of C-9 " + contract.title + " is in 3 days"
    assert mail.rule == "before:3" and mail.occurrence == dt.date(2027, 2, 1)
    # The sweep again: nothing new (exactly once, by the deliveries' unique keys).
    before = Delivery.objects.count()
    work()
    assert Delivery.objects.count() == before
    # A new date reminds again, 3 days before it.
    update_contract(
        world.actor("manager"), contract, {"custom_fields": {"renewal_review": "2027-02-10"}}, None
    )
    clock.move_to(dt.datetime(2027, 2, 7, 10, tzinfo=UTC))
    work()
    assert sent.filter(channel="email", occurrence=dt.date(2027, 2, 7)).count() == 1


def test_milestone_date_field_reminds_without_a_due_date(
    world: World,
    clock,  # noqa: F811
) -> None:
    define(
        world,
        "milestone",
        key="fat_on",
        label="Factory test",
        field_type="date",
        remind_days_before=0,
    )
    owner = world.user("member")
    contract = ContractFactory(organisation=world.acme, status="active")
    m = MilestoneFactory(
        contract=contract, owner=owner, due_date=None, custom_fields={"fat_on": "2027-02-01"}
    )
    schedule.refresh_milestones([m.pk])
    assert Milestone.objects.get(pk=m.pk).next_reminder_at is not None
    run_sweep()
    work()
    mail = Delivery.objects.get(recipient=owner, channel="email", target__startswith="cf:")
    assert mail.payload["title"].endswith("is today")
    assert mail.milestone_id == m.pk
