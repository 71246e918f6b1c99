"""No input may produce a 500: every bad request is a 4xx in the one error shape.

The Django test client re-raises server errors, so a 500 fails these tests loudly.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from django.test import Client

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from tests.api.conftest import ApiClient, url
from tests.factories import ChecklistItemFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

HUGE = 10**30


def assert_refused(response, *allowed: int) -> dict[str, Any]:
    codes = allowed or (400, 422)
    assert response.status_code in codes, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize(
    "raw",
    [
        "{",
        "{'number': 'x'}",
        '{"number": "x",}',
        "",
        "nul",
        "\ufeff{}",
        "[" * 50000,
        b"\xff\xfe\x00",
    ],
)
def test_malformed_json_is_400(as_manager: ApiClient, raw) -> None:
    assert_refused(as_manager.post(url("contract-create"), raw), 400, 422)


@pytest.mark.parametrize("raw", ["[]", "null", '"text"', "123", "true", '[{"number": "x"}]'])
def test_json_that_is_not_an_object_is_422(as_manager: ApiClient, raw: str) -> None:
    body = assert_refused(as_manager.post(url("contract-create"), raw), 422)
    assert "body" in body["errors"]


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"value": HUGE}, "value"),
        ({"value": 1e308}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": "Infinity"}, "value"),
        ({"value": "-5"}, "value"),
        ({"value": "1.234"}, "value"),
        ({"value": "a lot"}, "value"),
        ({"number": 123}, "number"),
        ({"number": "x" * 100}, "number"),
        ({"title": ["list"]}, "title"),
        ({"title": "x" * 400}, "title"),
        ({"start_on": "0000-01-01"}, "start_on"),
        ({"start_on": "9999-12-31"}, "start_on"),
        ({"start_on": "0001-01-01"}, "start_on"),
        ({"start_on": "-2027-01-01"}, "start_on"),
        ({"start_on": "2027-02-29"}, "start_on"),
        ({"start_on": 20270101}, "start_on"),
        ({"party_ids": [HUGE]}, "party_ids.0"),
        ({"party_ids": "1,2"}, "party_ids"),
        ({"party_ids": [0]}, "party_ids.0"),
        ({"owner_id": HUGE}, "owner_id"),
        ({"owner_id": "me"}, "owner_id"),
        ({"owner_id": 999999}, "owner_id"),
        ({"tags": [123]}, "tags.0"),
        ({"tags": ["x" * 60]}, "tags"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"calendar_country": "ÄÄ"}, "calendar_country"),
        ({"currency": "€"}, "currency"),
        ({"status": "deleted"}, "status"),
        ({"template_id": HUGE}, "template_id"),
        ({"title": "nul\x00byte"}, "title"),
        ({"tags": ["ok", "nul\x00"]}, "tags"),
        ({"nested": {"a": [1, {"b": None}]}}, "nested"),
    ],
)
def test_hostile_contract_fields_are_422_naming_the_field(
    as_manager: ApiClient, payload: dict[str, Any], field: str
) -> None:
    body = assert_refused(
        as_manager.post(url("contract-create"), {"number": "H-1", "title": "Hostile", **payload}),
        422,
    )
    assert field in body["errors"], body
    assert not Contract.objects.filter(number="H-1").exists()


def test_lone_surrogates_are_refused(as_manager: ApiClient) -> None:
    raw = '{"number": "H-2", "title": "\\ud800"}'
    assert_refused(as_manager.post(url("contract-create"), raw), 400, 422)


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"due_offset": HUGE}, "due_offset"),
        ({"due_offset": 1.5}, "due_offset"),
        ({"due_offset": "ten"}, "due_offset"),
        (
            {"due_anchor": "contract_start", "due_offset": -36600, "due_unit": "months"},
            "due_offset",
        ),
        ({"due_anchor": "contract_start", "due_offset": 36601}, "due_offset"),
        ({"due_unit": "fortnights"}, "due_unit"),
        ({"due_anchor": "yesterday"}, "due_anchor"),
        ({"due_anchor": "milestone"}, "anchor_milestone_id"),
        ({"due_date": "0000-01-01"}, "due_date"),
        ({"due_date": "9999-12-31"}, "due_date"),
        ({"payment_share": 1000}, "payment_share"),
        ({"payment_share": "12.34567"}, "payment_share"),
        ({"payment_share": -1}, "payment_share"),
        ({"payment_amount": -1}, "payment_amount"),
        ({"payment_amount": HUGE}, "payment_amount"),
        ({"owner_id": HUGE}, "owner_id"),
        ({"approver_id": -3}, "approver_id"),
        ({"kind": "party"}, "kind"),
        ({"title": ""}, "title"),
        ({"checklist": [""]}, "checklist.0"),
        ({"checklist": "step"}, "checklist"),
        ({"checklist": ["x"] * 201}, "checklist"),
        ({"shared_with_guests": "perhaps"}, "shared_with_guests"),
    ],
)
def test_hostile_milestone_fields_are_422(
    as_manager: ApiClient, contract: Contract, payload: dict[str, Any], field: str
) -> None:
    body = assert_refused(
        as_manager.post(
            url("contract-milestone-create", contract_id=contract.pk), {"title": "H", **payload}
        ),
        422,
    )
    assert field in body["errors"], body
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"status": "finished"}, "status"),
        ({"status": "done", "completed_on": "0001-01-01"}, "completed_on"),
        ({"status": "done", "completed_on": "2027-13-01"}, "completed_on"),
        ({"status": "in_progress", "note": "x" * 3000}, "note"),
        ({"status": "in_progress", "version": HUGE}, "version"),
        ({"status": "in_progress", "version": "latest"}, "version"),
        ({"status": "in_progress", "version": 0}, "version"),
        ({}, "status"),
    ],
)
def test_hostile_transitions_are_422(
    as_manager: ApiClient, contract: Contract, payload: dict[str, Any], field: str
) -> None:
    milestone = MilestoneFactory(contract=contract)
    response = as_manager.post(url("milestone-transition", milestone_id=milestone.pk), payload)
    assert field in assert_refused(response, 422)["errors"]
    milestone.refresh_from_db()
    assert milestone.status == "planned"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": HUGE}, "limit"),
        ({"offset": HUGE}, "offset"),
        ({"contract_id": HUGE}, "contract_id"),
        ({"owner_id": -1}, "owner_id"),
        ({"due_before": "0000-00-00"}, "due_before"),
        ({"due_after": "tomorrow"}, "due_after"),
        ({"health": ""}, "health"),
        ({"q": "x" * 1000}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"tag": "x" * 100}, "tag"),
    ],
)
def test_hostile_query_parameters_are_422(as_viewer: ApiClient, params, field: str) -> None:
    body = assert_refused(as_viewer.get(url("milestone-list"), params), 422)
    assert field in body["errors"]


@pytest.mark.parametrize("segment", ["abc", "-1", "0", "1.5", str(HUGE), "%00", "1%20OR%201=1"])
def test_odd_ids_in_paths_are_404(as_viewer: ApiClient, segment: str) -> None:
    response = as_viewer.get(f"/api/v1/contracts/{segment}")
    assert response.status_code in (404, 422)


def test_if_match_garbage_is_422(as_manager: ApiClient, contract: Contract) -> None:
    target = url("contract-update", contract_id=contract.pk)
    for header in ("abc", "9" * 40, '"-1"', "*"):
        assert_refused(as_manager.patch(target, {"title": "x"}, **{"If-Match": header}), 422)


def test_reorder_with_hostile_ids(as_manager: ApiClient, contract: Contract) -> None:
    target = url("contract-milestone-reorder", contract_id=contract.pk)
    assert_refused(as_manager.post(target, {"ids": [HUGE]}), 422)
    assert_refused(as_manager.post(target, {"ids": "all"}), 422)
    assert_refused(as_manager.post(target, {"ids": [1, "two"]}), 422)
    assert_refused(as_manager.post(target, {"ids": [7]}), 422)


def test_checklist_with_hostile_input(as_manager: ApiClient, contract: Contract) -> None:
    item = ChecklistItemFactory(milestone=MilestoneFactory(contract=contract))
    target = url("checklist-item-update", item_id=item.pk)
    assert_refused(as_manager.patch(target, {"done": "maybe"}), 422)
    assert_refused(as_manager.patch(target, {"title": " "}), 422)
    assert_refused(as_manager.patch(target, {"title": None}), 422)
    created = url("checklist-create", milestone_id=item.milestone_id)
    assert_refused(as_manager.post(created, {"title": "x" * 301}), 422)


def test_templates_with_hostile_input(as_manager: ApiClient) -> None:
    target = url("template-create")
    assert_refused(
        as_manager.post(target, {"name": "T", "items": [{"title": "x", "offset": HUGE}]})
    )
    assert_refused(as_manager.post(target, {"name": "T", "items": [{"title": "x", "unit": "yr"}]}))
    assert_refused(as_manager.post(target, {"name": "T", "items": "all"}))
    assert_refused(as_manager.post(target, {"name": "T", "items": [{"titel": "x"}]}))
    assert_refused(as_manager.post(target, {"name": ""}))


def test_oversized_body_is_refused(as_manager: ApiClient) -> None:
    huge = json.dumps({"number": "B-1", "title": "x" * (3 * 1024 * 1024)})
    assert_refused(as_manager.post(url("contract-create"), huge), 400, 413)


def test_wrong_content_type_is_refused(as_manager: ApiClient) -> None:
    client = Client(headers=as_manager.headers)
    response = client.post(url("contract-create"), {"number": "F-1", "title": "form"})
    assert_refused(response, 400, 422)


# --- a seeded fuzz: valid requests with one to three fields replaced by hostile values ----------

HOSTILE_VALUES: list[Any] = [
    None,
    0,
    -1,
    2**63,
    HUGE,
    1.5,
    1e308,
    "",
    " ",
    "x" * 5000,
    "\x00",
    "NaN",
    "Infinity",
    "0000-01-01",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2200-12-31",
    "9999-12-31",
    True,
    [],
    [1],
    ["a"],
    {},
    {"a": 1},
    "absolute",
    "contract_start",
    "milestone",
    "months",
    "working_days",
    "done",
    "accepted",
    "cancelled",
    "completed",
    "EUR",
    "DE",
    "BY",
    "Europe/Berlin",
    "12.345",
    "99.999",
    "100",
    "-0",
]
FUZZ_FIELDS = {
    "contract": [
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
        "status",
        "tags",
        "template_id",
    ],
    "milestone": [
        "title",
        "kind",
        "description",
        "owner_id",
        "approver_id",
        "due_anchor",
        "due_offset",
        "due_unit",
        "anchor_milestone_id",
        "due_date",
        "payment_amount",
        "payment_share",
        "shared_with_guests",
        "checklist",
        "reason",
    ],
    "transition": ["status", "note", "completed_on"],
    "template": ["name", "description", "items"],
    "item": ["title", "done"],
}


def _fuzzed(kind: str, base: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    payload = dict(base)
    fields = FUZZ_FIELDS[kind]
    for field in rng.sample(fields, rng.randint(1, min(3, len(fields)))):
        payload[field] = rng.choice(HOSTILE_VALUES)
    return payload


def test_seeded_fuzz_never_produces_a_500(as_owner: ApiClient, contract: Contract) -> None:
    rng = random.Random(20270201)
    first = MilestoneFactory(contract=contract)
    chained = MilestoneFactory(contract=contract, due_anchor="milestone", anchor_milestone=first)
    item = ChecklistItemFactory(milestone=first)
    milestone_urls = [url("milestone-update", milestone_id=m.pk) for m in (first, chained)]
    for n in range(400):
        kind = rng.choice(sorted(FUZZ_FIELDS))
        if kind == "contract":
            body = _fuzzed(kind, {"number": f"F-{n}", "title": "Fuzz"}, rng)
            target, method = url("contract-create"), "post"
            if rng.random() < 0.5:
                body.pop("number")
                target, method = url("contract-update", contract_id=contract.pk), "patch"
        elif kind == "milestone":
            body = _fuzzed(kind, {"title": "Fuzz"}, rng)
            target, method = url("contract-milestone-create", contract_id=contract.pk), "post"
            if rng.random() < 0.5:
                target, method = rng.choice(milestone_urls), "patch"
            else:
                body.pop("reason", None)
        elif kind == "transition":
            body = _fuzzed(kind, {"status": "in_progress"}, rng)
            target, method = url("milestone-transition", milestone_id=first.pk), "post"
        elif kind == "template":
            body = _fuzzed(kind, {"name": f"Fuzz {n}"}, rng)
            target, method = url("template-create"), "post"
        else:
            body = _fuzzed(kind, {}, rng)
            target, method = url("checklist-item-update", item_id=item.pk), "patch"
        response = getattr(as_owner, method)(target, body)
        assert response.status_code < 500, (method, target, body)
