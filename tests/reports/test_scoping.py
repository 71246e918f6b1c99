"""The reports' own scoping says the same as permissions.visible_milestones for every persona,
and the open statuses are written as the partial indexes say them (or SQLite ignores them)."""

from __future__ import annotations

import pytest
from django.db.models import Q

from pactline.accounts import permissions
from pactline.contracts.models import Contract, ContractMember, Party
from pactline.milestones.models import Milestone
from pactline.reports.queries.filters import OPEN, visible_milestones
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_world(world: World) -> World:
    open_one = ContractFactory(organisation=world.acme, number="OPEN-1")
    secret = ContractFactory(organisation=world.acme, number="SECRET-1", restricted=True)
    named = ContractFactory(organisation=world.acme, number="SECRET-2", restricted=True)
    ContractMember.objects.create(
        organisation=world.acme, contract=named, user=world.user("member")
    )
    world.add_guest()
    vendor = Party.objects.get(organisation=world.acme, name="Globex Vendor")
    for c in (open_one, secret, named):
        c.parties.add(vendor)
        MilestoneFactory(contract=c, shared_with_guests=True)
        MilestoneFactory(contract=c, shared_with_guests=False)
    MilestoneFactory(contract=ContractFactory(organisation=world.rival))
    return world


@pytest.mark.parametrize(
    "role", ["owner", "admin", "manager", "member", "viewer", "guest", "outsider"]
)
def test_report_scope_is_the_permission_scope(restricted_world: World, role: str) -> None:
    actor = restricted_world.actor(role)
    ours = set(visible_milestones(actor).values_list("pk", flat=True))
    theirs = set(permissions.visible_milestones(actor).values_list("pk", flat=True))
    assert ours == theirs
    if role in ("manager", "viewer"):
        secret = Contract.objects.get(number="SECRET-1")
        assert not Milestone.objects.filter(pk__in=ours, contract=secret).exists()


def test_open_statuses_are_written_as_the_partial_indexes_say_them() -> None:
    conditions = [
        index.condition
        for index in Milestone._meta.indexes
        if index.name in ("milestone_open_due", "milestone_open_covering")
    ]
    assert len(conditions) == 2
    assert all(c == Q(status__in=OPEN) for c in conditions)
