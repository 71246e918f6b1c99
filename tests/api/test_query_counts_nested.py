"""More list endpoints run a fixed number of SQL queries whatever their length (no N+1): the
lists under a contract, milestone or party and the person's own lists. Rows are made through
the API itself (the one write path), a few first, then many more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactline.contracts.models import Contract
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    world: World
    contract: int
    milestone: int
    party: int


def _post(client: ApiClient, target: str, body: dict) -> None:
    response = client.post(target, body)
    assert response.status_code == 201, (target, response.status_code, response.json())


def _checklist(s: Scene, c: ApiClient, n: int) -> None:
    _post(c, url("checklist-create", milestone_id=s.milestone), {"title": f"Step {n}"})


def _dependency(s: Scene, c: ApiClient, n: int) -> None:
    contract = Contract.objects.get(pk=s.contract)
    before = MilestoneFactory(contract=contract, due_date=dt.date(2027, 1, 1))
    target = url("milestone-dependency-create", milestone_id=s.milestone)
    _post(c, target, {"predecessor_id": before.pk})


def _contract_comment(s: Scene, c: ApiClient, n: int) -> None:
    _post(c, url("contract-comment-create", contract_id=s.contract), {"body": f"Note {n}"})


def _milestone_comment(s: Scene, c: ApiClient, n: int) -> None:
    _post(c, url("milestone-comment-create", milestone_id=s.milestone), {"body": f"Note {n}"})


def _contact(s: Scene, c: ApiClient, n: int) -> None:
    body = {"name": f"Contact {n}", "email": f"c{n}@example.com"}
    _post(c, url("contact-create", party_id=s.party), body)


def _closure(s: Scene, c: ApiClient, n: int) -> None:
    day = dt.date(2027, 1, 4) + dt.timedelta(days=n)
    _post(c, url("closure-create"), {"date": str(day), "name": f"Closed {n}"})


def _token(s: Scene, c: ApiClient, n: int) -> None:
    _post(c, url("token-create"), {"name": f"token {n}"})


def _watch(s: Scene, c: ApiClient, n: int) -> None:
    contract = ContractFactory(organisation=s.world.acme)
    _post(c, url("watch-create"), {"contract_id": contract.pk})


def _series(s: Scene, c: ApiClient, n: int) -> None:
    body = {"title": f"Report {n}", "rrule": "FREQ=MONTHLY", "starts_on": "2027-01-01"}
    _post(c, url("contract-series-create", contract_id=s.contract), body)


# (list url name, its kwargs from the scene, a maker of one row)
LISTS: list[tuple[str, Callable[[Scene], dict], Callable[[Scene, ApiClient, int], None]]] = [
    ("checklist-list", lambda s: {"milestone_id": s.milestone}, _checklist),
    ("milestone-dependency-list", lambda s: {"milestone_id": s.milestone}, _dependency),
    ("contract-comment-list", lambda s: {"contract_id": s.contract}, _contract_comment),
    ("milestone-comment-list", lambda s: {"milestone_id": s.milestone}, _milestone_comment),
    ("contact-list", lambda s: {"party_id": s.party}, _contact),
    ("closure-list", lambda s: {}, _closure),
    ("token-list", lambda s: {}, _token),
    ("watch-list", lambda s: {}, _watch),
    ("contract-series-list", lambda s: {"contract_id": s.contract}, _series),
]


def _count(client: ApiClient, target: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200, response.json()
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return len(captured), len(items)


@pytest.mark.parametrize("name,kwargs,make", LISTS, ids=[row[0] for row in LISTS])
def test_nested_list_query_count_does_not_grow(
    api_as, world: World, frozen_today, name: str, kwargs, make
) -> None:
    contract = ContractFactory(organisation=world.acme)
    party = PartyFactory(organisation=world.acme)
    contract.parties.add(party)
    milestone = MilestoneFactory(contract=contract, due_date=dt.date(2027, 3, 1))
    scene = Scene(world, contract.pk, milestone.pk, party.pk)
    client = api_as("owner")
    client.get(url("me"))  # the token's last use is written once a minute, not per call
    target = url(name, **kwargs(scene))
    for n in range(2):
        make(scene, client, n)
    few, few_rows = _count(client, target)
    for n in range(2, 12):
        make(scene, client, n)
    many, many_rows = _count(client, target)
    assert many_rows > few_rows
    assert many == few, f"{name}: {few} queries for {few_rows} rows, {many} for {many_rows}"
