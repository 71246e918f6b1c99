"""List pages run a fixed number of SQL queries whatever their length (no N+1). The contract
list has its own test (test_contract_list.py); these are the other list pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pactline.accounts.models import Membership
from pactline.accounts.services import create_token
from pactline.milestones import services as milestone_services
from tests.conftest import World
from tests.factories import ContractFactory, MembershipFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db


def _milestones(world: World, n: int) -> None:
    contract = ContractFactory(organisation=world.acme, number=f"QC-{n:03d}")
    contract.parties.add(PartyFactory(organisation=world.acme))
    milestone_services.create_milestone(
        world.actor("manager"),
        contract,
        {
            "title": f"Step {n}",
            "due_date": dt.date(2027, 1, 5),
            "owner_id": world.user("member").pk,
        },
    )
    MilestoneFactory(contract=contract, owner=world.user("manager"), due_date=dt.date(2027, 2, 1))


def _parties(world: World, n: int) -> None:
    party = PartyFactory(organisation=world.acme, name=f"Party {n:03d}")
    ContractFactory(organisation=world.acme).parties.add(party)


def _templates(world: World, n: int) -> None:
    milestone_services.create_template(
        world.actor("manager"), f"Template {n:03d}", "", [{"title": "a"}, {"title": "b"}]
    )


def _members(world: World, n: int) -> None:
    MembershipFactory(organisation=world.acme, role="member")


def _tokens(world: World, n: int) -> None:
    membership = Membership.objects.get(user=world.user("owner"), organisation=world.acme)
    create_token(membership, f"token {n}")


# (page, persona, maker of one more row): the events pages grow through the milestones made
# by the services (each records events).
PAGES: list[tuple[str, str, Callable[[World, int], None]]] = [
    ("milestone-list", "member", _milestones),
    ("party-list", "member", _parties),
    ("template-list", "manager", _templates),
    ("activity-feed", "member", _milestones),
    ("audit-list", "owner", _milestones),
    ("member-list", "owner", _members),
    ("token-list", "owner", _tokens),
]


@pytest.mark.parametrize("page,persona,make", PAGES, ids=[p[0] for p in PAGES])
def test_list_page_query_count_does_not_grow(
    login, world: World, frozen_today, page: str, persona: str, make
) -> None:
    client = login(persona)
    target = reverse(page)
    assert client.get(target).status_code == 200  # the session's organisation is stored once

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(target)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.content)

    for n in range(2):
        make(world, n)
    few, few_size = count()
    for n in range(2, 14):
        make(world, n)
    many, many_size = count()
    assert many_size > few_size  # the rows are on the page
    assert many == few, f"{page}: {few} queries with few rows, {many} with many"
