"""Contracts over the API: CRUD, filters, health, optimistic locking, closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone, MilestoneTemplate
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "custom_fields",  # the organisation's custom fields (issue 8)
    "notice_period_days",  # reminders of the notice deadline (issue 4)
    "notice_deadline",
    "restricted",  # restricted contracts (access)
    "penalty_kind",  # contract-level penalty terms and exposure (issue 6)
    "penalty_rate",
    "penalty_grace_days",
    "penalty_working_days",
    "penalty_cap_kind",
    "penalty_cap",
    "penalty_accrued",
    "penalty_projected",
    "penalties_as_of",
    "id",
    "number",
    "title",
    "description",
    "party_ids",
    "owner_id",
    "value",
    "currency",
    "signed_on",
    "start_on",
    "end_on",
    "time_zone",
    "calendar_country",
    "calendar_subdivision",
    "workweek",
    "working_days",
    "status",
    "tags",
    "health",
    "next_due_milestone",
    "version",
    "created_at",
    "updated_at",
}


def standard_template() -> MilestoneTemplate:
    return MilestoneTemplate.objects.get(builtin_key="standard-delivery")


def test_create_returns_the_contract_with_defaults(as_manager: ApiClient, world: World) -> None:
    party = PartyFactory(organisation=world.acme, name="Initech")
    response = as_manager.post(
        url("contract-create"),
        {
            "number": " ACME-100 ",
            "title": "Payroll migration",
            "party_ids": [party.pk],
            "value": "250000.50",
            "start_on": "2027-03-01",
            "end_on": "2027-12-31",
            "tags": ["payroll", "priority"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == CONTRACT_KEYS
    assert body["number"] == "ACME-100"
    assert body["value"] == "250000.50"
    assert body["currency"] == "EUR"
    assert body["time_zone"] == "Europe/London"
    assert body["owner_id"] == world.user("manager").pk
    assert (body["workweek"], body["working_days"]) == (31, ["mon", "tue", "wed", "thu", "fri"])
    assert body["party_ids"] == [party.pk]
    assert sorted(body["tags"]) == ["payroll", "priority"]
    assert body["status"] == "draft"
    assert body["health"] == "none"
    assert body["next_due_milestone"] is None
    assert body["version"] == 1


def test_create_with_a_template_adds_its_milestones(as_manager: ApiClient) -> None:
    body = {
        "number": "T-1",
        "title": "With plan",
        "start_on": "2027-03-01",
        "template_id": standard_template().pk,
    }
    response = as_manager.post(url("contract-create"), body)
    assert response.status_code == 201
    assert Milestone.objects.filter(contract_id=response.json()["id"]).count() == 6
    assert response.json()["next_due_milestone"]["title"] == "Project initiation"


def test_create_with_an_unknown_template_names_the_field(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("contract-create"), {"number": "T-2", "title": "x", "template_id": 999999}
    )
    assert response.status_code == 422
    assert "template_id" in response.json()["errors"]
    assert not Contract.objects.filter(number="T-2").exists()


def test_duplicate_number_is_422_on_number(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(url("contract-create"), {"number": "ACME-001", "title": "Again"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["number"]


def test_service_validation_names_each_field(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("contract-create"),
        {
            "number": "V-1",
            "title": " ",
            "currency": "XXY",
            "time_zone": "Mars/Base",
            "start_on": "2027-05-01",
            "end_on": "2027-04-01",
            "calendar_country": "ZZ",
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"title", "currency", "time_zone", "end_on", "calendar_country"} <= set(errors)
    assert all(isinstance(messages, list) and messages for messages in errors.values())


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_create_contracts(api_as, role: str) -> None:
    response = api_as(role).post(url("contract-create"), {"number": "X-1", "title": "No"})
    assert response.status_code == 403
    assert not Contract.objects.filter(number="X-1").exists()


def test_get_one(as_viewer: ApiClient, contract: Contract) -> None:
    response = as_viewer.get(url("contract-detail", contract_id=contract.pk))
    assert response.status_code == 200
    assert response.json()["number"] == "ACME-001"
    assert response.json()["value"] == "100000.00"


def test_unknown_id_is_404(as_viewer: ApiClient) -> None:
    response = as_viewer.get(url("contract-detail", contract_id=424242))
    assert response.status_code == 404
    assert response.json() == {"detail": "contract not found", "errors": None}


def test_patch_changes_fields_and_bumps_the_version(
    as_manager: ApiClient, contract: Contract
) -> None:
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk),
        {"title": "Billing platform v2", "value": "120000", "version": 1},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Billing platform v2"
    assert response.json()["value"] == "120000.00"
    assert response.json()["version"] == 2


def test_patch_with_a_stale_version_is_409_and_changes_nothing(
    as_manager: ApiClient, contract: Contract, manager: Actor
) -> None:
    contract_services.update_contract(manager, contract, {"title": "Changed elsewhere"}, 1)
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk), {"title": "Mine", "version": 1}
    )
    assert response.status_code == 409
    assert "version" in response.json()["detail"]
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("Changed elsewhere", 2)


def test_if_match_header_guards_a_patch(as_manager: ApiClient, contract: Contract) -> None:
    target = url("contract-update", contract_id=contract.pk)
    stale = as_manager.patch(target, {"title": "A"}, **{"If-Match": '"7"'})
    assert stale.status_code == 409
    fresh = as_manager.patch(target, {"title": "A"}, **{"If-Match": '"1"'})
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 2
    garbage = as_manager.patch(target, {"title": "B"}, **{"If-Match": "yesterday"})
    assert garbage.status_code == 422
    assert "If-Match" in garbage.json()["errors"]


def test_patch_rejects_null_for_a_required_field(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.patch(url("contract-update", contract_id=contract.pk), {"title": None})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["title"]


def test_patch_of_the_start_date_moves_rule_based_milestones(
    as_manager: ApiClient, contract: Contract, manager: Actor
) -> None:
    from pactline.milestones.services import apply_template

    apply_template(manager, contract, standard_template().pk)
    first = Milestone.objects.filter(contract=contract).order_by("position").first()
    before = first.due_date
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk), {"start_on": "2027-01-11"}
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.due_date == before + dt.timedelta(days=7)


def test_patch_parties_and_tags(as_manager: ApiClient, contract: Contract, world: World) -> None:
    party = PartyFactory(organisation=world.acme)
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk),
        {"party_ids": [party.pk], "tags": ["gold"]},
    )
    assert response.status_code == 200
    assert (response.json()["party_ids"], response.json()["tags"]) == ([party.pk], ["gold"])


def test_another_organisations_party_is_not_a_valid_party(
    as_manager: ApiClient, contract: Contract, world: World
) -> None:
    foreign = PartyFactory(organisation=world.rival)
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk), {"party_ids": [foreign.pk]}
    )
    assert response.status_code == 422
    assert "party_ids" in response.json()["errors"]


def test_viewer_cannot_patch(as_viewer: ApiClient, contract: Contract) -> None:
    response = as_viewer.patch(url("contract-update", contract_id=contract.pk), {"title": "x"})
    assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.title == "Billing platform"


def test_only_admins_delete(api_as, contract: Contract) -> None:
    target = url("contract-delete", contract_id=contract.pk)
    assert api_as("manager").delete(target).status_code == 403
    assert api_as("owner").delete(target, **{"If-Match": "5"}).status_code == 409
    assert api_as("owner").delete(target).status_code == 204
    assert api_as("owner").get(url("contract-detail", contract_id=contract.pk)).status_code == 404


def test_close_as_completed(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("contract-close", contract_id=contract.pk), {"status": "completed", "version": 1}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("completed", 2)


def test_close_needs_a_closing_status(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(url("contract-close", contract_id=contract.pk), {"status": "active"})
    assert response.status_code == 422
    assert "status" in response.json()["errors"]


def test_close_with_a_stale_version_is_409(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("contract-close", contract_id=contract.pk), {"status": "terminated", "version": 3}
    )
    assert response.status_code == 409
    contract.refresh_from_db()
    assert contract.status == "active"


# --- list and filters -------------------------------------------------------------------------


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [c["number"] for c in response.json()["items"]]


@pytest.fixture
def portfolio(world: World, frozen_today) -> dict[str, Contract]:
    acme = world.acme
    client = PartyFactory(organisation=acme, name="Globex")
    late = ContractFactory(
        organisation=acme,
        number="A-1",
        title="Late one",
        status="active",
        owner=world.user("manager"),
    )
    late.parties.add(client)
    MilestoneFactory(contract=late, due_date=dt.date(2027, 1, 20))
    fine = ContractFactory(organisation=acme, number="A-2", title="Fine one", status="draft")
    MilestoneFactory(contract=fine, due_date=dt.date(2027, 6, 1), title="Far away")
    empty = ContractFactory(organisation=acme, number="A-3", title="Empty", status="on_hold")
    tagged = contract_services._resolve_tags(world.actor("manager"), ["gold"])
    fine.tags.set(tagged)
    ContractFactory(organisation=world.rival, number="R-1", title="Rival's")
    return {"late": late, "fine": fine, "empty": empty}


def test_list_shape_and_pagination(as_viewer: ApiClient, portfolio) -> None:
    response = as_viewer.get(url("contract-list"), {"limit": 2, "offset": 1})
    assert response.status_code == 200
    assert set(response.json()) == {"items", "count"}
    assert response.json()["count"] == 3
    assert numbers(response) == ["A-2", "A-3"]
    assert numbers(as_viewer.get(url("contract-list"))) == ["A-1", "A-2", "A-3"]


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"offset": -1}])
def test_page_bounds_are_422_on_the_parameter(as_viewer: ApiClient, params) -> None:
    response = as_viewer.get(url("contract-list"), params)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == list(params)


def test_list_filters(as_viewer: ApiClient, portfolio, world: World) -> None:
    late = portfolio["late"]
    party_id = late.parties.get().pk
    assert numbers(as_viewer.get(url("contract-list"), {"q": "fine"})) == ["A-2"]
    assert numbers(as_viewer.get(url("contract-list"), {"q": "globex"})) == ["A-1"]
    assert numbers(as_viewer.get(url("contract-list"), {"status": ["draft", "on_hold"]})) == [
        "A-2",
        "A-3",
    ]
    assert numbers(as_viewer.get(url("contract-list"), {"party_id": party_id})) == ["A-1"]
    owner = world.user("manager").pk
    assert numbers(as_viewer.get(url("contract-list"), {"owner_id": owner})) == ["A-1"]
    assert numbers(as_viewer.get(url("contract-list"), {"tag": "gold"})) == ["A-2"]
    assert numbers(as_viewer.get(url("contract-list"), {"sort": "-number"})) == [
        "A-3",
        "A-2",
        "A-1",
    ]


def test_health_of_contracts(as_viewer: ApiClient, portfolio) -> None:
    items = {c["number"]: c for c in as_viewer.get(url("contract-list")).json()["items"]}
    assert (items["A-1"]["health"], items["A-2"]["health"], items["A-3"]["health"]) == (
        "overdue",
        "on_track",
        "none",
    )
    assert items["A-2"]["next_due_milestone"]["title"] == "Far away"
    assert items["A-2"]["next_due_milestone"]["due_date"] == "2027-06-01"
    assert numbers(as_viewer.get(url("contract-list"), {"health": "overdue"})) == ["A-1"]
    assert numbers(as_viewer.get(url("contract-list"), {"health": "none"})) == ["A-3"]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"health": "sick"}, "health"),
        ({"status": "open"}, "status"),
        ({"sort": "random"}, "sort"),
        ({"owner_id": "me"}, "owner_id"),
    ],
)
def test_invalid_filters_are_422(as_viewer: ApiClient, params, field: str) -> None:
    response = as_viewer.get(url("contract-list"), params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_money_stays_decimal(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("contract-create"), {"number": "M-1", "title": "Money", "value": 0.1}
    )
    assert response.status_code == 201
    assert Contract.objects.get(number="M-1").value == Decimal("0.10")
    assert response.json()["value"] == "0.10"
