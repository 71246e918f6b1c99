"""Reminder policies: the most specific wins; escalations go up the ladder; time zones and
working days decide the next reminder time; contracts remind of notice and end dates."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.contracts import services as contract_services
from pactline.errors import Forbidden, ValidationFailed
from pactline.notifications import outbox, policies, services
from pactline.notifications.models import Delivery
from pactline.notifications.reminders import schedule
from tests.api.conftest import url
from tests.factories import MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def test_the_most_specific_policy_wins(world, contract, clock) -> None:
    m = MilestoneFactory(contract=contract)
    org_id = world.acme.pk
    assert policies.resolve(org_id, contract.pk, m.pk).source == "default"
    services.set_policy(world.actor("admin"), {"days_before": [30]})
    assert policies.resolve(org_id, contract.pk, m.pk).days_before == (30,)
    services.set_policy(world.actor("manager"), {"send_hour": 7}, contract=contract)
    found = policies.resolve(org_id, contract.pk, m.pk)
    assert (found.source, found.days_before, found.send_hour) == ("contract", (30,), 7)
    services.set_policy(world.actor("manager"), {"enabled": False}, milestone=m)
    assert policies.resolve(org_id, contract.pk, m.pk).enabled is False
    services.clear_policy(world.actor("manager"), milestone=m)
    assert policies.resolve(org_id, contract.pk, m.pk).source == "contract"


def test_who_may_set_which_policy(world, contract) -> None:
    with pytest.raises(Forbidden):
        services.set_policy(world.actor("manager"), {"days_before": [3]})
    with pytest.raises(Forbidden):
        services.set_policy(world.actor("member"), {"days_before": [3]}, contract=contract)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days_before": [0]}, "days_before"),
        ({"days_before": [400]}, "days_before"),
        ({"days_before": list(range(1, 13))}, "days_before"),
        ({"send_hour": 24}, "send_hour"),
        ({"overdue_every_days": -1}, "overdue_every_days"),
        ({"escalation_contact_id": 10**9}, "escalation_contact_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_policies_are_refused(world, data, field) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.set_policy(world.actor("admin"), data)
    assert field in caught.value.errors


# due date, zone of the owner, policy -> expected next reminder (now: Mon 1 Feb 2027 10:00 UTC)
CASES = [
    (dt.date(2027, 3, 1), "Europe/London", {}, dt.datetime(2027, 2, 15, 9, tzinfo=UTC)),
    (dt.date(2027, 3, 1), "Asia/Tokyo", {}, dt.datetime(2027, 2, 15, 0, tzinfo=UTC)),
    (dt.date(2027, 3, 1), "America/Los_Angeles", {}, dt.datetime(2027, 2, 15, 17, tzinfo=UTC)),
    (dt.date(2027, 3, 1), "UTC", {"send_hour": 6}, dt.datetime(2027, 2, 15, 6, tzinfo=UTC)),
    # 10 working days before Mon 1 March (GB): Mon 15 Feb
    (
        dt.date(2027, 3, 1),
        "UTC",
        {"days_before": [10], "business_days": True},
        dt.datetime(2027, 2, 15, 9, tzinfo=UTC),
    ),
    # 5 calendar days before Wed 3 March is Fri 26 Feb; skipping weekends changes nothing
    (
        dt.date(2027, 3, 3),
        "UTC",
        {"days_before": [5], "skip_non_working_days": True},
        dt.datetime(2027, 2, 26, 9, tzinfo=UTC),
    ),
    # 6 days before Fri 5 March is Sat 27 Feb: moved to Fri 26 Feb
    (
        dt.date(2027, 3, 5),
        "UTC",
        {"days_before": [6], "skip_non_working_days": True},
        dt.datetime(2027, 2, 26, 9, tzinfo=UTC),
    ),
    # overdue since 29 January, repeats every 3 days: 1 Feb at 09:00 has passed, so 4 Feb...
    # ...but 1 Feb 09:00 is within the grace period and unsent: due now
    (
        dt.date(2027, 1, 29),
        "UTC",
        {"escalate_owner_after_days": None, "escalate_contact_after_days": None},
        dt.datetime(2027, 2, 1, 10, tzinfo=UTC),
    ),
    (dt.date(2027, 3, 1), "UTC", {"enabled": False}, None),
]


@pytest.mark.parametrize(("due", "zone", "policy", "expected"), CASES)
def test_next_reminder_at(world, contract, clock, due, zone, policy, expected) -> None:
    contract.calendar_country = "GB"
    contract.save()
    owner = world.user("member")
    owner.time_zone = zone
    owner.save()
    if policy:
        services.set_policy(world.actor("manager"), policy, contract=contract)
    m = MilestoneFactory(contract=contract, owner=owner, due_date=due)
    # The organisation's own reminder events go at 09:00 London: take the owner's time alone.
    schedule.refresh_milestones([m.pk])
    m.refresh_from_db()
    if expected is None:
        assert m.next_reminder_at is None
    else:
        assert m.next_reminder_at <= expected


def test_escalation_ladder(world, contract, clock) -> None:
    contract.owner = world.user("manager")
    contract.save()
    services.set_policy(
        world.actor("admin"),
        {
            "days_before": [],
            "on_due_date": False,
            "overdue_every_days": None,
            "escalate_owner_after_days": 2,
            "escalate_contact_after_days": 5,
        },
    )
    m = MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 1, 31)
    )
    schedule.refresh_milestones([m.pk])
    clock.move_to(dt.datetime(2027, 2, 2, 9, 30, tzinfo=UTC))
    work()
    first = Delivery.objects.filter(rule="escalate:owner", channel="email")
    assert [d.recipient.email for d in first] == ["maria@acme.test"]
    clock.move_to(dt.datetime(2027, 2, 5, 9, 30, tzinfo=UTC))
    work()
    admins = Delivery.objects.filter(rule="escalate:contact", channel="email")
    assert sorted(d.recipient.email for d in admins) == ["adam@acme.test", "olivia@acme.test"]
    assert admins[0].payload["title"].startswith("Escalation:")
    # A named contact replaces the admins.
    services.set_policy(world.actor("admin"), {"escalation_contact_id": world.user("viewer").pk})
    m2 = MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 1, 31)
    )
    schedule.refresh_milestones([m2.pk])
    work()
    named = Delivery.objects.filter(rule="escalate:contact", milestone_id=m2.pk, channel="email")
    assert [d.recipient.email for d in named] == ["vera@acme.test"]


def test_watchers_and_approvers_are_reminded(world, contract, clock) -> None:
    services.watch(world.actor("viewer"), contract=contract)
    m = MilestoneFactory(
        contract=contract,
        owner=world.user("member"),
        approver=world.user("manager"),
        due_date=dt.date(2027, 2, 8),
    )
    schedule.refresh_milestones([m.pk])
    work()
    people = set(
        Delivery.objects.filter(milestone_id=m.pk, channel="email", rule="before:7").values_list(
            "recipient__email", flat=True
        )
    )
    assert people == {"mike@acme.test", "maria@acme.test", "vera@acme.test"}


def test_contract_notice_deadline_and_end(world, contract, clock) -> None:
    contract = contract_services.update_contract(
        world.actor("manager"),
        contract,
        {
            "owner_id": world.user("manager").pk,
            "end_on": dt.date(2027, 3, 31),
            "notice_period_days": 52,
        },
        None,
    )
    assert contract.notice_deadline == dt.date(2027, 2, 7)
    outbox.dispatch()  # the contract's event reaches the outbox, which computes the time
    contract.refresh_from_db()
    assert contract.next_reminder_at == dt.datetime(2027, 2, 1, 10, tzinfo=UTC)  # 7 days before
    work()
    sent = Delivery.objects.get(contract_id=contract.pk, milestone_id=None, channel="email")
    assert (sent.target, sent.rule) == ("notice", "before:7")
    assert sent.payload["title"] == "Notice deadline for ACME-001 Billing platform in 7 days"
    contract.refresh_from_db()
    assert contract.next_reminder_at == dt.datetime(2027, 2, 6, 9, tzinfo=UTC)


def test_closed_contracts_stop_reminding(world, contract, clock) -> None:
    m = MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 2, 8)
    )
    contract_services.close_contract(world.actor("manager"), contract, "terminated", None)
    work()
    m.refresh_from_db()
    assert m.next_reminder_at is None
    assert not Delivery.objects.filter(milestone_id=m.pk).exists()


def test_policies_over_the_api(api_as, world, contract, clock) -> None:
    m = MilestoneFactory(contract=contract)
    admin, manager = api_as("admin"), api_as("manager")
    put = admin._send("put", url("reminder-policy-update"), {"days_before": [21, 3]})
    assert put.status_code == 200 and put.json()["source"] == "organisation"
    got = manager.get(url("milestone-reminder-policy-detail", milestone_id=m.pk)).json()
    assert (got["source"], got["days_before"], got["version"]) == ("organisation", [21, 3], 0)
    put = manager._send(
        "put", url("milestone-reminder-policy-update", milestone_id=m.pk), {"business_days": True}
    )
    assert put.json()["source"] == "milestone" and put.json()["days_before"] == [21, 3]
    stale = manager._send(
        "put",
        url("milestone-reminder-policy-update", milestone_id=m.pk),
        {"send_hour": 5, "version": 7},
    )
    assert stale.status_code == 409
    bad = admin._send("put", url("reminder-policy-update"), {"days_before": [0]})
    assert bad.status_code == 422 and "days_before" in bad.json()["errors"]


def test_policy_pages(login, world, contract, clock) -> None:
    admin = login("admin")
    assert admin.get("/settings/reminders/").status_code == 200
    form = {
        "enabled": "on",
        "days_before": "10, 2",
        "on_due_date": "on",
        "overdue_every_days": "2",
        "send_hour": "8",
        "escalation_contact": "",
    }
    assert admin.post("/settings/reminders/", form).status_code == 302
    assert policies.resolve(world.acme.pk, None, None).days_before == (10, 2)
    manager = login("manager")
    page = manager.get(f"/contracts/{contract.pk}/reminders/").content.decode()
    assert "follows the organisation" in page
    bad = manager.post(f"/contracts/{contract.pk}/reminders/", {**form, "days_before": "x"})
    assert bad.status_code == 422
    notice = manager.post(
        f"/contracts/{contract.pk}/notice/",
        {"notice_period_days": "90", "version": contract.version},
    )
    assert notice.status_code == 302
    contract.refresh_from_db()
    assert contract.notice_period_days == 90
    viewer = login("viewer").get(f"/contracts/{contract.pk}/reminders/").content.decode()
    assert "Managers and above change reminder policies" in viewer
