"""The contract list: search, filters, sort, pagination, health badge, next due, htmx."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pactline.contracts.models import Tag
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory
from tests.web.conftest import text

URL = reverse("contract-list")


def numbers(response) -> list[str]:
    """Contract numbers in the results table, in order."""
    return re.findall(r'href="/contracts/\d+/">(ACME-\d+)</a>', text(response))


@pytest.fixture
def portfolio(world, frozen_today):
    """Four contracts of Acme with distinct parties, owners, tags, statuses and health."""
    acme = world.acme
    globex = PartyFactory(organisation=acme, name="Globex", kind="vendor")
    initech = PartyFactory(organisation=acme, name="Initech", kind="client")
    it = Tag.objects.create(organisation=acme, name="it")
    facilities = Tag.objects.create(organisation=acme, name="facilities")
    c1 = ContractFactory(
        organisation=acme,
        number="ACME-001",
        title="Billing platform",
        owner=world.user("manager"),
        status="active",
        value=Decimal("250000"),
    )
    c1.parties.add(globex)
    c1.tags.add(it)
    MilestoneFactory(contract=c1, title="Kick-off", due_date=dt.date(2027, 1, 15))  # overdue
    MilestoneFactory(contract=c1, title="Go-live", due_date=dt.date(2027, 5, 3))
    c2 = ContractFactory(
        organisation=acme,
        number="ACME-002",
        title="Office cleaning",
        owner=world.user("admin"),
        status="draft",
        value=Decimal("12000"),
    )
    c2.parties.add(initech)
    c2.tags.add(facilities)
    MilestoneFactory(contract=c2, title="First clean", due_date=dt.date(2027, 2, 5))  # soon
    c3 = ContractFactory(
        organisation=acme,
        number="ACME-003",
        title="Data centre lease",
        owner=world.user("admin"),
        status="completed",
        value=Decimal("5000000"),
    )
    c3.parties.add(globex, initech)
    c4 = ContractFactory(
        organisation=acme,
        number="ACME-004",
        title="Cloud consulting",
        owner=world.user("manager"),
        status="on_hold",
        value=Decimal("80000"),
    )
    MilestoneFactory(contract=c4, title="Report", due_date=dt.date(2027, 6, 1))  # on track
    ContractFactory(organisation=world.rival, number="ACME-999", title="Rival's secret")
    return {"globex": globex, "initech": initech, "contracts": [c1, c2, c3, c4]}


def test_lists_only_own_organisation_with_facts(login, portfolio):
    response = login("viewer").get(URL)
    assert response.status_code == 200
    assert numbers(response) == ["ACME-001", "ACME-002", "ACME-003", "ACME-004"]
    body = text(response)
    assert "Rival" not in body and "ACME-999" not in body
    assert "250,000.00 EUR" in body
    assert "Globex" in body and "Initech" in body
    assert "4 contracts" in body


def test_health_badge_and_next_due(login, portfolio):
    body = text(login("viewer").get(URL))
    row1 = body[body.index(">ACME-001<") : body.index(">ACME-002<")]
    assert 'class="badge health-overdue">Overdue<' in row1
    assert "Kick-off" in row1 and "15 Jan 2027" in row1
    row2 = body[body.index(">ACME-002<") : body.index(">ACME-003<")]
    assert "Due soon" in row2 and "First clean" in row2
    row3 = body[body.index(">ACME-003<") : body.index(">ACME-004<")]
    assert "No milestones" in row3


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cleaning"}, ["ACME-002"]),
        ({"q": "globex"}, ["ACME-001", "ACME-003"]),
        ({"status": "on_hold"}, ["ACME-004"]),
        ({"tag": "facilities"}, ["ACME-002"]),
        ({"health": "overdue"}, ["ACME-001"]),
        ({"health": "on_track"}, ["ACME-004"]),
        ({"health": "none"}, ["ACME-003"]),
        ({"health": "due_soon", "status": "draft"}, ["ACME-002"]),
    ],
)
def test_filters_narrow_the_list(login, portfolio, params, expected):
    assert numbers(login("viewer").get(URL, params)) == expected


def test_party_and_owner_filters(login, portfolio, world):
    client = login("viewer")
    assert numbers(client.get(URL, {"party": portfolio["initech"].pk})) == ["ACME-002", "ACME-003"]
    assert numbers(client.get(URL, {"owner": world.user("manager").pk})) == ["ACME-001", "ACME-004"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-number", ["ACME-004", "ACME-003", "ACME-002", "ACME-001"]),
        ("-value", ["ACME-003", "ACME-001", "ACME-004", "ACME-002"]),
        ("title", ["ACME-001", "ACME-004", "ACME-003", "ACME-002"]),
        ("health", ["ACME-001", "ACME-002", "ACME-004", "ACME-003"]),
    ],
)
def test_sorting(login, portfolio, sort, expected):
    assert numbers(login("viewer").get(URL, {"sort": sort})) == expected


def test_sort_header_marks_the_current_order(login, portfolio):
    body = text(login("viewer").get(URL, {"sort": "-value"}))
    assert 'aria-sort="descending"' in body
    assert "sort=value" in body  # the header link flips the order


def test_bad_filter_values_are_ignored_not_errors(login, portfolio):
    response = login("viewer").get(
        URL,
        {
            "health": "bogus",
            "party": "x",
            "owner": "999999",
            "sort": "drop table",
            "page": "-3",
            "status": "nope",
        },
    )
    assert response.status_code == 200
    assert len(numbers(response)) == 4


def test_pagination(login, world, settings):
    settings.PACTLINE_PAGE_SIZE = 2
    for n in range(1, 6):
        ContractFactory(organisation=world.acme, number=f"ACME-{n:03d}")
    client = login("viewer")
    assert numbers(client.get(URL)) == ["ACME-001", "ACME-002"]
    page3 = client.get(URL, {"page": 3})
    assert numbers(page3) == ["ACME-005"]
    assert "Page 3 of 3" in text(page3)
    filtered = client.get(URL, {"q": "ACME-00", "sort": "-number", "page": 2})
    assert numbers(filtered) == ["ACME-003", "ACME-002"]
    assert "q=ACME-00" in text(filtered) and "sort=-number" in text(filtered)


def test_htmx_request_gets_only_the_results(login, portfolio):
    response = login("viewer").get(URL, {"status": "active"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="contract-results"' in body
    assert numbers(response) == ["ACME-001"]
    assert 'hx-swap-oob="true"' in body  # keeps the sort select in step with header clicks
    assert "HX-Request" in response["Vary"]


def test_filter_form_works_with_and_without_javascript(login, portfolio):
    body = text(login("viewer").get(URL))
    assert 'method="get"' in body and 'hx-get="/contracts/"' in body
    assert 'role="search"' in body
    for field in ("q", "status", "party", "owner", "tag", "health", "sort"):
        assert f'for="id_{field}"' in body


def test_query_count_does_not_grow_with_rows(login, world, frozen_today):
    client = login("viewer")
    party = PartyFactory(organisation=world.acme, name="Globex")
    tag = Tag.objects.create(organisation=world.acme, name="it")

    def add_contracts(count: int, start: int) -> None:
        for n in range(start, start + count):
            c = ContractFactory(
                organisation=world.acme, number=f"ACME-{n:03d}", owner=world.user("manager")
            )
            c.parties.add(party)
            c.tags.add(tag)
            MilestoneFactory(contract=c, due_date=dt.date(2027, 3, n % 28 + 1))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    add_contracts(2, 1)
    client.get(URL)  # warm up: the first request also stores the session's organisation
    few = count_queries()
    add_contracts(15, 3)
    many = count_queries()
    assert many == few
    assert few <= 14
