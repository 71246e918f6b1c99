"""Restricted contracts do not exist for people not named on them, in notifications too: no
reminder, escalation, activity message or digest about one reaches them (real SMTP server).
Guests hear only about the milestones shared with them."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.contracts import services as contracts
from pactline.milestones import services as milestones
from pactline.notifications import services
from pactline.notifications.models import Delivery
from pactline.notifications.reminders import schedule
from tests.factories import ContractFactory, MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db


def to(smtp, email: str) -> list[str]:
    return [m.subject for m in smtp.mails if email in m.to]


@pytest.fixture
def secret(world):
    """A contract owned by the manager; the viewer and the member watch it; then it becomes
    restricted, naming the member (the owner is named by restricting)."""
    c = ContractFactory(
        organisation=world.acme, number="SEC-1", title="Secret merger", owner=world.user("manager")
    )
    for role in ("viewer", "member"):
        services.watch(world.actor(role), contract=c)
    owner = world.actor("owner")
    c = contracts.update_contract(owner, c, {"restricted": True}, None)
    contracts.add_contract_member(owner, c, world.user("member").pk)
    return c


def test_reminders_of_a_restricted_contract_reach_only_named_people(
    smtp, world, secret, clock
) -> None:
    # The organisation's default policy escalates to the viewer, who is not named.
    services.set_policy(world.actor("owner"), {"escalation_contact_id": world.user("viewer").pk})
    m = MilestoneFactory(
        contract=secret,
        title="Sign the term sheet",
        owner=world.user("manager"),
        due_date=dt.date(2027, 1, 22),  # ten days overdue: owner and contact escalations due
    )
    schedule.refresh_milestones([m.pk])
    work()
    assert to(smtp, "vera@acme.test") == []
    assert any("Sign the term sheet" in s for s in to(smtp, "mike@acme.test"))  # named watcher
    assert any("Sign the term sheet" in s for s in to(smtp, "maria@acme.test"))  # owner
    assert not Delivery.objects.filter(recipient=world.user("viewer")).exists()


def test_activity_and_digests_of_a_restricted_contract_skip_unnamed_watchers(
    smtp, world, secret, clock
) -> None:
    m = MilestoneFactory(contract=secret, title="Due diligence", due_date=dt.date(2027, 6, 1))
    milestones.update_milestone(world.actor("owner"), m, {"title": "Due diligence (legal)"}, None)
    work()  # queued for the watchers' daily digests
    contracts.delete_contract(world.actor("owner"), secret)  # its history stays restricted
    clock.move_to(dt.datetime(2027, 2, 2, 10, 0, tzinfo=dt.UTC))  # digests go out
    work()
    member_mail = " ".join(m.part("plain") for m in smtp.mails if "mike@acme.test" in m.to)
    assert "Due diligence (legal)" in member_mail
    assert to(smtp, "vera@acme.test") == []
    assert not Delivery.objects.filter(recipient=world.user("viewer")).exists()


def test_a_restriction_after_queueing_drops_the_queued_digest_items(smtp, world, clock) -> None:
    clock.move_to(dt.datetime(2027, 2, 1, 6, 0, tzinfo=dt.UTC))  # before the digest hour
    c = ContractFactory(organisation=world.acme, number="SEC-2", title="Quiet deal")
    services.watch(world.actor("viewer"), contract=c)
    m = MilestoneFactory(contract=c, title="Kick-off", due_date=dt.date(2027, 6, 1))
    milestones.update_milestone(world.actor("owner"), m, {"title": "Kick-off call"}, None)
    work()  # queued for the viewer's daily digest
    assert Delivery.objects.filter(recipient=world.user("viewer"), status="queued").exists()
    contracts.update_contract(world.actor("owner"), c, {"restricted": True}, None)
    clock.move_to(dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC))
    work()
    assert to(smtp, "vera@acme.test") == []
    assert (
        Delivery.objects.get(
            recipient=world.user("viewer"), topic="activity", channel="email"
        ).status
        == "cancelled"
    )


def test_guests_hear_only_of_milestones_shared_with_them(smtp, world, clock) -> None:
    c = ContractFactory(organisation=world.acme, number="VEN-1", title="Vendor deal")
    c.parties.add(world.guest_party)
    guest = world.actor("guest")
    services.watch(guest, contract=c)
    for title, shared in (("Shared delivery", True), ("Internal budget", False)):
        m = MilestoneFactory(
            contract=c, title=title, due_date=dt.date(2027, 2, 8), shared_with_guests=shared
        )
        schedule.refresh_milestones([m.pk])
    work()
    subjects = to(smtp, "gus@vendor.test")
    assert any("Shared delivery" in s for s in subjects)
    assert not any("Internal budget" in s for s in subjects)
