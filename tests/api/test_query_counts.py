"""Lists run a fixed number of SQL queries whatever their length (no N+1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactline.accounts.permissions import Actor
from pactline.contracts import services as contract_services
from pactline.milestones import services as milestone_services
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import (
    ChecklistItemFactory,
    ContractFactory,
    MilestoneFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


def queries_for(client: ApiClient, target: str, params: dict | None = None) -> tuple[int, int]:
    """(number of SQL queries, number of items) of one list request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target, params)
    assert response.status_code == 200, response.json()
    return len(captured), len(response.json()["items"])


def grow(world: World, manager: Actor, start: int, stop: int) -> None:
    """Contracts with parties, tags, and milestones with owners, approvers and checklists."""
    party = PartyFactory(organisation=world.acme)
    for n in range(start, stop):
        contract = ContractFactory(
            organisation=world.acme, number=f"Q-{n:03d}", owner=world.user("manager")
        )
        contract.parties.add(party)
        contract.tags.set(contract_services._resolve_tags(manager, [f"tag{n}"]))
        first = MilestoneFactory(
            contract=contract,
            owner=world.user("member"),
            approver=world.user("manager"),
            due_date=dt.date(2027, 1, 5),
        )
        ChecklistItemFactory(milestone=first, done=True)
        MilestoneFactory(contract=contract, due_anchor="milestone", anchor_milestone=first)
    milestone_services.create_template(manager, f"Template {start}", "", [{"title": "a"}])


LISTS: list[tuple[str, dict]] = [
    ("contract-list", {}),
    ("contract-list", {"health": "overdue", "q": "Q-"}),
    ("milestone-list", {}),
    ("milestone-list", {"health": ["overdue", "on_track"], "tag": "tag1"}),
    ("party-list", {}),
    ("template-list", {}),
    ("event-list", {}),
]


@pytest.mark.parametrize("name,params", LISTS)
def test_list_query_count_does_not_grow_with_rows(
    as_member: ApiClient, world: World, manager: Actor, frozen_today, name: str, params: dict
) -> None:
    as_member.get(url("me"))  # the token's last_used_at is written once a minute, not per call
    grow(world, manager, 0, 2)
    few, few_rows = queries_for(as_member, url(name), params)
    grow(world, manager, 2, 20)
    many, many_rows = queries_for(as_member, url(name), params)
    assert many_rows >= few_rows
    assert many == few, f"{name}: {few} queries for {few_rows} rows, {many} for {many_rows}"


def test_contract_milestones_query_count(
    as_member: ApiClient, world: World, manager: Actor, frozen_today
) -> None:
    contract = ContractFactory(organisation=world.acme)
    as_member.get(url("me"))
    target = url("contract-milestone-list", contract_id=contract.pk)
    for _ in range(2):
        MilestoneFactory(contract=contract, owner=world.user("member"))
    few, _ = queries_for(as_member, target)
    for _ in range(18):
        MilestoneFactory(contract=contract, owner=world.user("member"))
    many, rows = queries_for(as_member, target)
    assert (rows, many) == (20, few)


def test_the_lists_stay_small(
    as_member: ApiClient,
    world: World,
    manager: Actor,
    frozen_today,
    django_assert_max_num_queries: Callable,
) -> None:
    as_member.get(url("me"))
    grow(world, manager, 0, 20)
    # 2 to authenticate (token, membership), 1 count, 1 page, plus one per prefetch.
    with django_assert_max_num_queries(6):
        as_member.get(url("contract-list"))
    # ... plus one for the restricted contracts hidden from this person (read first, so the
    # list needs no join with every milestone's contract).
    with django_assert_max_num_queries(5):
        as_member.get(url("milestone-list"))
