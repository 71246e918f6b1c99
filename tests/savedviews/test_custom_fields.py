"""Custom fields in list columns, filters, sorts, exports and saved views."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pactline.customfields import services as cf_services
from pactline.savedviews import services
from pactline.savedviews.models import SavedView
from tests.factories import ContractFactory, PartyFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db
CONTRACTS = reverse("contract-list")


def headers(response) -> list[str]:
    return re.findall(r'data-column="([^"]+)"', text(response))


def numbers(response) -> list[str]:
    return re.findall(r'href="/contracts/\d+/">(ACME-\d+)</a>', text(response))


@pytest.fixture
def fields(world, owner):
    made = {
        "cost_centre": cf_services.create_field(
            owner,
            {
                "object_type": "contract",
                "key": "cost_centre",
                "label": "Cost centre",
                "field_type": "text",
            },
        ),
        "budget": cf_services.create_field(
            owner,
            {"object_type": "contract", "key": "budget", "label": "Budget", "field_type": "number"},
        ),
        "secret": cf_services.create_field(
            owner,
            {
                "object_type": "contract",
                "key": "internal_note",
                "label": "Internal note",
                "field_type": "text",
                "hidden_from_guests": True,
            },
        ),
    }
    for n, (centre, budget) in enumerate([("CC-1", "9"), ("CC-2", "100"), ("CC-1", "25")], 1):
        ContractFactory(
            organisation=world.acme,
            number=f"ACME-00{n}",
            custom_fields={"cost_centre": centre, "budget": budget, "internal_note": "x"},
        )
    return made


def test_custom_field_columns_filters_and_numeric_sort(login, fields):
    client = login("viewer")
    page = client.get(CONTRACTS, {"cols": "number,cf_cost_centre,cf_budget", "sort": "-cf_budget"})
    assert headers(page) == ["number", "cf_cost_centre", "cf_budget"]
    assert numbers(page) == ["ACME-002", "ACME-003", "ACME-001"]  # 100 > 25 > 9: numbers
    assert "Cost centre" in text(page) and "CC-2" in text(page)
    filtered = client.get(CONTRACTS, {"cf_cost_centre": "cc-1", "sort": "cf_budget"})
    assert numbers(filtered) == ["ACME-001", "ACME-003"]
    ranged = client.get(CONTRACTS, {"cf_budget__gte": "20"})
    assert numbers(ranged) == ["ACME-002", "ACME-003"]
    bad = client.get(CONTRACTS, {"cf_budget": "lots", "cf_nope": "1"})
    assert bad.status_code == 200 and len(numbers(bad)) == 3  # ignored, never an error


def test_custom_field_export_is_typed(login, fields):
    response = login("viewer").get(
        reverse("list-export", args=["contracts"]),
        {"cols": "number,cf_budget,cf_cost_centre", "sort": "cf_budget", "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Number", "Budget", "Cost centre"],
        ["ACME-001", "9", "CC-1"],
        ["ACME-003", "25", "CC-1"],
        ["ACME-002", "100", "CC-2"],
    ]


def test_fields_hidden_from_guests_are_not_their_columns(login, fields, world):
    from pactline.contracts.models import Contract

    for c in Contract.objects.all():
        c.parties.add(world.guest_party)
    page = login("guest").get(CONTRACTS, {"cols": "number,cf_internal_note"})
    assert headers(page) == ["number"]
    assert 'value="cf_internal_note"' not in text(page)
    assert 'value="cf_internal_note"' in text(login("viewer").get(CONTRACTS))


def test_a_view_naming_a_deleted_field_opens_with_a_notice(login, fields, world, owner):
    client = login("manager")
    client.post(
        reverse("saved-view-create"),
        {
            "list": "contracts",
            "name": "By centre",
            "query": "cf_cost_centre=CC-1&sort=-cf_budget&cols=number,cf_budget,cf_cost_centre",
        },
    )
    view = SavedView.objects.get(name="By centre")
    assert view.params == {"cf_cost_centre": ["CC-1"], "sort": ["-cf_budget"]}
    opened = client.get(CONTRACTS, {"view": view.pk}, follow=True)
    assert numbers(opened) == ["ACME-003", "ACME-001"]
    cf_services.delete_field(owner, fields["cost_centre"])
    reopened = client.get(CONTRACTS, {"view": view.pk}, follow=True)
    assert reopened.status_code == 200
    body = text(reopened)
    assert "no longer applies" in body and "no longer exist" in body
    assert headers(reopened) == ["number", "cf_budget"]
    assert numbers(reopened) == ["ACME-002", "ACME-003", "ACME-001"]


def test_api_saves_and_reads_rows_with_custom_fields(fields, world, manager):
    from tests.api.conftest import ApiClient, make_token, url

    client = ApiClient(make_token(world.user("manager"), world.acme))
    created = client.post(
        url("saved-view-create"),
        {
            "list": "contracts",
            "name": "Budgets",
            "columns": ["number", "cf_budget"],
            "params": {"cf_cost_centre": "CC-1", "sort": "-cf_budget"},
            "shared": True,
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["params"] == {"cf_cost_centre": ["CC-1"], "sort": ["-cf_budget"]}
    rows = client.get(url("saved-view-rows", view_id=body["id"])).json()
    assert [c["key"] for c in rows["columns"]] == ["number", "cf_budget"]
    assert rows["items"] == [
        {"number": "ACME-003", "cf_budget": "25"},
        {"number": "ACME-001", "cf_budget": "9"},
    ]
    bad = client.post(
        url("saved-view-create"),
        {"list": "contracts", "name": "Bad", "params": {"cf_nope": "1"}, "columns": ["cf_x"]},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"params.cf_nope", "columns"}


def test_parties_and_milestones_get_their_own_fields(login, world, owner, contract):
    cf_services.create_field(
        owner, {"object_type": "party", "key": "tier", "label": "Tier", "field_type": "text"}
    )
    PartyFactory(organisation=world.acme, name="Globex", custom_fields={"tier": "gold"})
    page = login("viewer").get(reverse("party-list"), {"cols": "name,cf_tier"})
    assert headers(page) == ["name", "cf_tier"] and "gold" in text(page)
    milestones = login("viewer").get(reverse("milestone-list"), {"cols": "title,cf_tier"})
    assert headers(milestones) == ["title"]  # a party field is not a milestone column


def test_custom_field_columns_cost_a_fixed_number_of_queries(login, fields, world):
    client = login("viewer")
    params = {"cols": "number,cf_cost_centre,cf_budget", "sort": "cf_budget", "cf_budget__gte": "1"}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CONTRACTS, params).status_code == 200
        return len(ctx.captured_queries)

    client.get(CONTRACTS, params)
    few = count()
    for n in range(10, 25):
        ContractFactory(
            organisation=world.acme, number=f"ACME-{n:03d}", custom_fields={"budget": str(n)}
        )
    assert count() == few


def test_service_rejects_sorting_by_an_unknown_field(world, member, fields):
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_view(
            member, {"list": "contracts", "name": "X", "params": {"sort": "cf_nope"}}
        )
    assert set(exc.value.errors) == {"params.sort"}


def test_an_unknown_filter_in_the_url_is_named_not_silently_ignored(login, fields):
    viewer = login("viewer")
    page = viewer.get(CONTRACTS, {"cf_nonsense": "x", "cf_cost_centre": "CC-1"})
    assert page.status_code == 200
    body = text(page)
    assert "The filter “cf_nonsense” was ignored" in body and "no custom field" in body
    assert numbers(page) and "ACME-002" not in numbers(page)  # the known filter still applies
    bad = text(viewer.get(CONTRACTS, {"cf_budget__gte": "lots"}))
    assert "The filter “cf_budget__gte” was ignored" in bad
    milestones = text(viewer.get(reverse("milestone-list"), {"cf_cost_centre": "x"}))
    assert "The filter “cf_cost_centre” was ignored" in milestones  # a contract field
    assert "was ignored" not in text(viewer.get(CONTRACTS, {"cf_cost_centre": "CC-1"}))
