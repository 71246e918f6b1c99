"""Custom fields through the API: definitions, values on contracts, milestones and parties,
validation naming the field, filters and sorting in SQL, guests."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.customfields.models import CustomField
from tests.api.conftest import url
from tests.conftest import World
from tests.customfields.conftest import define
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def _contract(api: Any, number: str, cf: dict[str, Any], **extra: Any) -> Any:
    return api.post(
        url("contract-create"), {"number": number, "title": number, "custom_fields": cf, **extra}
    )


GOOD = {
    "po_number": "PO-17",
    "notes_long": "line one\nline two",
    "risk_score": 7.5,
    "budget": {"amount": "1200", "currency": "usd"},
    "review_on": "2026-05-01",
    "audited": True,
    "risk": "High",
    "regions": ["us", "eu"],
    "reviewer": "maria@acme.test",
    "portal": "https://example.com/po/17",
}

BAD = {
    "po_number": ("XY-1", "does not match"),
    "notes_long": (12, "must be text"),
    "risk_score": ("11", "at most 10"),
    "budget": ({"amount": "10", "currency": "XXZ"}, "ISO 4217"),
    "review_on": ("2019-12-31", "at least 2020-01-01"),
    "audited": ("perhaps", "true or false"),
    "risk": ("extreme", "not one of the choices"),
    "regions": (["mars"], "not one of the choices"),
    "reviewer": ("rita@rival.test", "not a member"),
    "portal": ("ftp://x", "http://"),
}


def test_each_type_is_stored_canonically(world: World, all_fields: list, api: Any) -> None:
    manager = api("manager")
    response = _contract(manager, "C-1", GOOD)
    assert response.status_code == 201, response.json()
    values = response.json()["custom_fields"]
    assert values == {
        "po_number": "PO-17",
        "notes_long": "line one\nline two",
        "risk_score": "7.5",
        "budget": {"amount": "1200.00", "currency": "USD"},
        "review_on": "2026-05-01",
        "audited": True,
        "risk": "high",
        "regions": ["eu", "us"],
        "reviewer": world.user("manager").pk,
        "portal": "https://example.com/po/17",
    }
    event = Event.objects.filter(verb="created", subject_type="contract").latest("seq")
    assert event.changes["custom_fields.risk"] == {"before": None, "after": "high"}


@pytest.mark.parametrize("key", sorted(BAD))
def test_bad_values_are_422_naming_the_field(
    world: World, all_fields: list, api: Any, key: str
) -> None:
    value, message = BAD[key]
    response = _contract(api("manager"), "C-bad", {key: value})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == [f"custom_fields.{key}"]
    assert message in " ".join(errors[f"custom_fields.{key}"])
    assert not Contract.objects.filter(number="C-bad").exists()


def test_unknown_key_is_422(world: World, api: Any) -> None:
    response = _contract(api("manager"), "C-2", {"nope": "x"})
    assert response.status_code == 422
    assert "custom_fields.nope" in response.json()["errors"]


def test_required_field_added_later_does_not_break_existing_rows(world: World, api: Any) -> None:
    manager = api("manager")
    old = _contract(manager, "C-old", {}).json()
    define(world, key="cost_centre", label="Cost centre", field_type="text", required=True)
    # An old row without the value still saves with other changes...
    response = manager.patch(url("contract-update", contract_id=old["id"]), {"title": "Renamed"})
    assert response.status_code == 200, response.json()
    # ...but clearing it explicitly, or creating without it, is refused.
    response = manager.patch(
        url("contract-update", contract_id=old["id"]), {"custom_fields": {"cost_centre": ""}}
    )
    assert response.status_code == 422
    assert "custom_fields.cost_centre" in response.json()["errors"]
    assert _contract(manager, "C-new", {}).status_code == 422
    assert _contract(manager, "C-new", {"cost_centre": "CC-1"}).status_code == 201


def test_default_fills_new_rows_only(world: World, api: Any) -> None:
    manager = api("manager")
    old = _contract(manager, "C-old", {}).json()
    define(world, key="tier", label="Tier", field_type="choice", choices=["a", "b"], default="b")
    assert _contract(manager, "C-new", {}).json()["custom_fields"] == {"tier": "b"}
    again = manager.get(url("contract-detail", contract_id=old["id"])).json()
    assert again["custom_fields"] == {}


def test_partial_update_and_clear_are_audited(world: World, all_fields: list, api: Any) -> None:
    manager = api("manager")
    created = _contract(manager, "C-1", {"risk": "low", "po_number": "PO-1"}).json()
    response = manager.patch(
        url("contract-update", contract_id=created["id"]),
        {"custom_fields": {"risk": "medium", "po_number": None}},
    )
    assert response.status_code == 200
    assert response.json()["custom_fields"] == {"risk": "medium"}
    event = Event.objects.filter(verb="updated", subject_type="contract").latest("seq")
    assert event.changes["custom_fields.risk"] == {"before": "low", "after": "medium"}
    assert event.changes["custom_fields.po_number"] == {"before": "PO-1", "after": None}


def test_milestones_and_parties_carry_values(world: World, api: Any) -> None:
    define(world, "milestone", key="gate", label="Gate", field_type="number")
    define(world, "party", key="vat", label="VAT id", field_type="text")
    manager = api("manager")
    contract = _contract(manager, "C-1", {}).json()
    made = manager.post(
        url("milestone-create"),
        {"contract_id": contract["id"], "title": "M", "custom_fields": {"gate": "3"}},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["custom_fields"] == {"gate": "3"}
    bad = manager.patch(
        url("milestone-update", milestone_id=made.json()["id"]),
        {"custom_fields": {"gate": "three"}},
    )
    assert bad.status_code == 422 and "custom_fields.gate" in bad.json()["errors"]
    party = manager.post(url("party-create"), {"name": "P", "custom_fields": {"vat": "DE1"}})
    assert party.status_code == 201 and party.json()["custom_fields"] == {"vat": "DE1"}


def test_definitions_are_for_owners_and_admins(world: World, api: Any) -> None:
    body = {"object_type": "contract", "key": "x", "label": "X", "field_type": "text"}
    assert api("manager").post(url("custom-field-create"), body).status_code == 403
    created = api("admin").post(url("custom-field-create"), body)
    assert created.status_code == 201, created.json()
    assert created.json()["filter_parameter"] == "cf_x"
    listed = api("viewer").get(url("custom-field-list"), {"object_type": "contract"})
    assert [f["key"] for f in listed.json()] == ["x"]
    bad = api("owner").post(url("custom-field-create"), {**body, "key": "Bad Key"})
    assert bad.status_code == 422 and "key" in bad.json()["errors"]


def test_rename_and_delete_rewrite_rows(world: World, api: Any) -> None:
    owner = api("owner")
    field = define(world, key="cc", label="CC", field_type="text")
    ids = [_contract(owner, f"C-{i}", {"cc": f"v{i}"}).json()["id"] for i in range(3)]
    response = owner.patch(url("custom-field-update", field_id=field.pk), {"key": "cost_centre"})
    assert response.status_code == 200, response.json()
    values = [Contract.objects.get(pk=i).custom_fields for i in ids]
    assert values == [{"cost_centre": "v0"}, {"cost_centre": "v1"}, {"cost_centre": "v2"}]
    found = owner.get(url("contract-list"), {"cf_cost_centre": "v1"}).json()
    assert [c["id"] for c in found["items"]] == [ids[1]]
    assert owner.delete(url("custom-field-delete", field_id=field.pk)).status_code == 204
    assert [Contract.objects.get(pk=i).custom_fields for i in ids] == [{}, {}, {}]
    rewritten = Event.objects.filter(verb="values_rewritten").order_by("seq")
    assert [e.changes["rows"]["after"] for e in rewritten] == [3, 3]


def _numbers(items: list[dict]) -> list[str]:
    return [c["number"] for c in items]


def test_filters_and_sorting(world: World, all_fields: list, api: Any) -> None:
    m = api("manager")
    _contract(
        m,
        "A",
        {
            "risk_score": 2,
            "review_on": "2026-01-10",
            "regions": ["eu"],
            "risk": "low",
            "audited": True,
            "budget": "500 EUR",
            "po_number": "PO-100",
        },
    )
    _contract(
        m,
        "B",
        {
            "risk_score": 9,
            "review_on": "2026-03-10",
            "regions": ["eu", "us"],
            "risk": "high",
            "budget": "1500 EUR",
        },
    )
    _contract(m, "C", {"risk_score": 10, "regions": ["us"], "po_number": "PO-2"})
    _contract(m, "D", {})

    def numbers(**params: str) -> list[str]:
        response = m.get(url("contract-list"), params)
        assert response.status_code == 200, response.json()
        return _numbers(response.json()["items"])

    assert numbers(cf_risk_score__gte="9") == ["B", "C"]
    assert numbers(cf_risk_score="9") == ["B"]
    assert numbers(cf_review_on__lt="2026-02-01") == ["A"]
    assert numbers(cf_regions="eu") == ["A", "B"]
    assert numbers(cf_risk="HIGH") == ["B"]
    assert numbers(cf_audited="true") == ["A"]
    assert numbers(cf_audited="false") == ["B", "C", "D"]
    assert numbers(cf_budget__gt="600") == ["B"]
    assert numbers(cf_po_number="po-1") == ["A"]
    assert numbers(cf_risk_score__empty="true") == ["D"]
    assert numbers(sort="cf_risk_score") == ["A", "B", "C", "D"]
    assert numbers(sort="-cf_risk_score") == ["C", "B", "A", "D"]
    assert numbers(sort="-cf_review_on") == ["B", "A", "C", "D"]
    unknown = m.get(url("contract-list"), {"cf_nope": "1"})
    assert unknown.status_code == 422 and "cf_nope" in unknown.json()["errors"]
    bad = m.get(url("contract-list"), {"cf_risk_score__gte": "lots"})
    assert bad.status_code == 422 and "cf_risk_score__gte" in bad.json()["errors"]
    assert m.get(url("contract-list"), {"sort": "cf_nope"}).status_code == 422


def test_filters_run_in_sql_with_a_fixed_number_of_queries(
    world: World, all_fields: list, api: Any
) -> None:
    m = api("manager")

    def count(**params: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = m.get(url("contract-list"), params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        _contract(m, f"A{i}", {"risk_score": i, "regions": ["eu"]})
    few = count(cf_risk_score__gte="0", cf_regions="eu", sort="cf_risk_score")
    for i in range(20):
        _contract(m, f"B{i}", {"risk_score": i, "regions": ["eu"]})
    assert count(cf_risk_score__gte="0", cf_regions="eu", sort="cf_risk_score") == few
    with CaptureQueriesContext(connection) as ctx:
        m.get(url("contract-list"), {"cf_risk_score__gte": "5"})
    page = [q["sql"] for q in ctx.captured_queries if "contracts_contract" in q["sql"]]
    assert any("risk_score" in sql for sql in page)  # the filter is in the SQL


def test_milestone_list_filters(world: World, api: Any) -> None:
    define(world, "milestone", key="gate", label="Gate", field_type="number")
    contract = ContractFactory(organisation=world.acme)
    for i, gate in enumerate(["1", "5", None]):
        MilestoneFactory(
            organisation=world.acme,
            contract=contract,
            title=f"M{i}",
            custom_fields={} if gate is None else {"gate": gate},
        )
    response = api("manager").get(url("milestone-list"), {"cf_gate__gte": "2"})
    assert response.status_code == 200, response.json()
    assert [m["title"] for m in response.json()["items"]] == ["M1"]


def test_guests_never_see_hidden_fields(world: World, api: Any) -> None:
    define(world, key="internal", label="Internal", field_type="text", hidden_from_guests=True)
    define(world, key="public", label="Public", field_type="text")
    contract = ContractFactory(
        organisation=world.acme, custom_fields={"internal": "secret", "public": "hello"}
    )
    contract.parties.add(world.guest_party)
    guest = api("guest")
    seen = guest.get(url("contract-detail", contract_id=contract.pk))
    assert seen.status_code == 200
    assert seen.json()["custom_fields"] == {"public": "hello"}
    # The definitions: the guest reads those not hidden from guests, list and detail.
    listed = guest.get(url("custom-field-list"))
    assert listed.status_code == 200
    assert [f["key"] for f in listed.json()] == ["public"]
    hidden = CustomField.objects.get(key="internal")
    assert guest.get(url("custom-field-detail", field_id=hidden.pk)).status_code == 404
    public = CustomField.objects.get(key="public")
    detail = guest.get(url("custom-field-detail", field_id=public.pk))
    assert detail.status_code == 200 and detail.json()["label"] == "Public"
    assert guest.get(url("custom-field-list"), {"object_type": "milestone"}).json() == []
    probe = guest.get(url("contract-list"), {"cf_internal": "secret"})
    assert probe.status_code == 422


def test_openapi_describes_custom_fields(client: Any) -> None:
    doc = client.get("/api/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert "custom_fields" in schemas["ContractOut"]["properties"]
    assert "custom_fields" in schemas["MilestoneIn"]["properties"] or any(
        "custom_fields" in s.get("properties", {}) for n, s in schemas.items() if "Milestone" in n
    )
    params = [p["name"] for p in doc["paths"]["/api/v1/contracts"]["get"]["parameters"]]
    assert "cf_{key}" in params


def test_party_list_filters(world: World, api: Any) -> None:
    define(world, "party", key="tier", label="Tier", field_type="choice", choices=["gold", "tin"])
    m = api("manager")
    for name, tier in (("A", "gold"), ("B", "tin"), ("C", None)):
        m.post(url("party-create"), {"name": name, "custom_fields": {"tier": tier}})
    found = m.get(url("party-list"), {"cf_tier": "gold"}).json()["items"]
    assert [p["name"] for p in found] == ["A"]
    ordered = m.get(url("party-list"), {"sort": "-cf_tier"}).json()["items"]
    assert [p["name"] for p in ordered] == ["B", "A", "C"]


def test_guests_read_events_without_hidden_values(world: World, api: Any) -> None:
    define(
        world, "milestone", key="cost", label="Cost", field_type="number", hidden_from_guests=True
    )
    define(world, "milestone", key="phase", label="Phase", field_type="text")
    contract = ContractFactory(organisation=world.acme)
    contract.parties.add(world.guest_party)
    manager = api("manager")
    made = manager.post(
        url("milestone-create"),
        {
            "contract_id": contract.pk,
            "title": "Shared",
            "shared_with_guests": True,
            "custom_fields": {"cost": "5", "phase": "one"},
        },
    ).json()
    events = api("guest").get(url("event-list"), {"subject_id": made["id"]}).json()["items"]
    created = next(e for e in events if e["verb"] == "created")
    assert "custom_fields.phase" in created["changes"]
    assert "custom_fields.cost" not in created["changes"]
    staff = manager.get(url("event-list"), {"subject_id": made["id"]}).json()["items"]
    assert "custom_fields.cost" in next(e for e in staff if e["verb"] == "created")["changes"]


def test_webhook_payload_carries_custom_fields(world: World, api: Any) -> None:
    from pactline.notifications import messages

    define(world, key="cc", label="CC", field_type="text", hidden_from_guests=True)
    contract = ContractFactory(organisation=world.acme, custom_fields={"cc": "CC-1"})
    m = MilestoneFactory(contract=contract, custom_fields={})
    event = Event.objects.create(
        organisation=world.acme,
        seq=999,
        verb="updated",
        subject_type="milestone",
        subject_id=m.pk,
        contract_id=contract.pk,
    )
    body = messages.event_payload(event, world.acme, contract, m)
    assert body["data"]["contract"]["custom_fields"] == {"cc": "CC-1"}
    assert body["data"]["milestone"]["custom_fields"] == {}
