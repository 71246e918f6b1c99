"""Due-date rules over the API: anchors, snapping and rolling, overrides, rules in words,
template items following earlier items, and the contract's working week."""

from __future__ import annotations

import pytest

from pactline.contracts.models import Contract
from tests.api.conftest import ApiClient, url

pytestmark = pytest.mark.django_db


def create(client: ApiClient, contract: Contract, **body: object) -> dict:
    response = client.post(url("contract-milestone-create", contract_id=contract.pk), body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_fixed_date_rule_reads_back(as_manager: ApiClient, contract: Contract) -> None:
    body = create(as_manager, contract, title="Go-live", due_date="2027-09-01")
    assert body["due_anchor"] == "absolute" and body["due_fixed"] == "2027-09-01"
    assert body["due_date"] == body["computed_due_date"] == "2027-09-01"
    assert body["rule_text"] == "On 2027-09-01"
    assert (body["due_override"], body["due_override_reason"]) == (None, "")
    assert (body["due_provisional"], body["series_id"], body["detached"]) == (False, None, False)


def test_period_end_and_roll(as_manager: ApiClient, contract: Contract) -> None:
    """Start Mon 4 Jan 2027 + 1 month = 4 Feb, end of the month = Sun 28 Feb -> Fri 26 Feb."""
    body = create(
        as_manager,
        contract,
        title="Monthly close",
        due_anchor="contract_start",
        due_offset=1,
        due_unit="months",
        due_period_end="month_end",
        due_roll="preceding",
    )
    assert body["due_date"] == "2027-02-26"
    assert body["rule_text"] == (
        "1 months after contract start, then the end of the month; "
        "on a non-working day: previous working day"
    )
    assert "rolled to previous working day 2027-02-26" in body["due_date_trace"]


def test_completion_anchor_is_provisional_and_named(
    as_manager: ApiClient, contract: Contract
) -> None:
    accept = create(as_manager, contract, title="Acceptance", due_date="2027-01-20")
    invoice = create(
        as_manager,
        contract,
        title="Invoice",
        due_anchor="milestone_done",
        anchor_milestone_id=accept["id"],
        due_offset=30,
    )
    assert invoice["due_provisional"] is True and invoice["due_date"] == "2027-02-19"
    assert invoice["rule_text"] == "30 calendar days after the completion of Acceptance"
    assert invoice["due_date_trace"].endswith("(provisional until it is complete)")


def test_override_needs_a_reason_and_keeps_the_computed_date(
    as_manager: ApiClient, contract: Contract
) -> None:
    m = create(as_manager, contract, title="Audit", due_date="2027-03-01")
    target = url("milestone-update", milestone_id=m["id"])
    response = as_manager.patch(target, {"due_override": "2027-03-12"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    response = as_manager.patch(
        target, {"due_override": "2027-03-12", "reason": "auditor away", "version": 1}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["due_date"], body["computed_due_date"]) == ("2027-03-12", "2027-03-01")
    assert body["due_override_reason"] == "auditor away"
    assert body["baseline_due_date"] == "2027-03-01" and body["slip_days"] == 11
    assert body["due_date_trace"].startswith("2027-03-12 set by hand; the rule gives 2027-03-01")
    response = as_manager.patch(
        target, {"due_override": None, "reason": "back on plan", "version": body["version"]}
    )
    assert response.json()["due_date"] == "2027-03-01"
    assert response.json()["due_override_reason"] == ""


def test_override_on_create_needs_a_reason(as_manager: ApiClient, contract: Contract) -> None:
    target = url("contract-milestone-create", contract_id=contract.pk)
    response = as_manager.post(target, {"title": "X", "due_override": "2027-05-05"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["reason"]
    body = create(
        as_manager, contract, title="X", due_override="2027-05-05", reason="agreed by phone"
    )
    assert (body["due_date"], body["due_override_reason"]) == ("2027-05-05", "agreed by phone")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_roll": "sideways"}, "due_roll"),
        ({"due_period_end": "week_end"}, "due_period_end"),
        ({"due_anchor": "milestone_done"}, "anchor_milestone_id"),
        ({"due_override": "2027-02-30", "reason": "r"}, "due_override"),
    ],
)
def test_bad_rules_are_422_naming_the_field(
    as_manager: ApiClient, contract: Contract, body: dict, field: str
) -> None:
    response = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk), {"title": "Bad", **body}
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]


def test_template_items_follow_earlier_items(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("template-create"),
        {
            "name": "Chained",
            "items": [
                {"title": "Design", "offset": 5},
                {
                    "title": "Build",
                    "anchor": "milestone_done",
                    "anchor_item": 0,
                    "offset": 10,
                    "period_end": "last_working_day_of_month",
                    "roll": "following",
                },
            ],
        },
    )
    assert response.status_code == 201, response.json()
    build = response.json()["items"][1]
    assert (build["anchor"], build["anchor_item"]) == ("milestone_done", 0)
    assert (build["period_end"], build["roll"]) == ("last_working_day_of_month", "following")
    assert build["rule_text"] == (
        "10 working days after the completion of Design, then the last working day of the "
        "month; on a non-working day: next working day"
    )
    assert response.json()["items"][0]["anchor_item"] is None
    applied = as_manager.post(
        url("contract-apply-template", contract_id=contract.pk),
        {"template_id": response.json()["id"]},
    ).json()["items"]
    assert applied[1]["anchor_milestone_id"] == applied[0]["id"]
    assert applied[1]["due_date"] == "2027-01-29"  # 11 Jan + 10 working days, month's last


def test_template_item_must_follow_an_earlier_item(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("template-create"),
        {"name": "Loop", "items": [{"title": "A", "anchor": "milestone", "anchor_item": 0}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "items.0.anchor_item": ["must be the number of an earlier item"]
    }


def test_the_working_week_moves_working_day_rules(
    as_manager: ApiClient, contract: Contract
) -> None:
    m = create(
        as_manager,
        contract,
        title="Kick-off",
        due_anchor="contract_start",
        due_offset=5,
        due_unit="working_days",
    )
    assert m["due_date"] == "2027-01-11"
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk), {"workweek": 1 | 2 | 4 | 8}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["working_days"] == ["mon", "tue", "wed", "thu"]
    moved = as_manager.get(url("milestone-detail", milestone_id=m["id"])).json()
    assert moved["due_date"] == "2027-01-12"  # Tue, Wed, Thu, Mon, Tue
    for bad in (0, 128):
        response = as_manager.patch(
            url("contract-update", contract_id=contract.pk), {"workweek": bad}
        )
        assert response.status_code == 422 and list(response.json()["errors"]) == ["workweek"]
