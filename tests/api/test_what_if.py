"""What-if over the API: preview moves without saving, apply exactly that, or 409 if stale."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.accounts.permissions import Actor
from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(manager: Actor, contract: Contract) -> list[Milestone]:
    """Design (fixed 1 March) -> Build (10 working days after) -> Test (5 after, pays 5000)."""
    design = services.create_milestone(
        manager, contract, {"title": "Design", "due_date": dt.date(2027, 3, 1)}
    )
    build = services.create_milestone(
        manager,
        contract,
        {
            "title": "Build",
            "due_anchor": "milestone",
            "anchor_milestone_id": design.pk,
            "due_offset": 10,
            "due_unit": "working_days",
        },
    )
    test = services.create_milestone(
        manager,
        contract,
        {
            "title": "Test",
            "due_anchor": "milestone",
            "anchor_milestone_id": build.pk,
            "due_offset": 5,
            "due_unit": "working_days",
            "payment_amount": "5000",
        },
    )
    return [design, build, test]


def state() -> list[tuple]:
    return list(Milestone.objects.order_by("pk").values_list("pk", "due_date", "version"))


def propose(chain: list[Milestone], day: str = "2027-03-05") -> dict:
    return {"milestones": [{"id": chain[0].pk, "due_date": day}]}


def test_preview_lists_moves_and_payments_and_saves_nothing(
    as_manager: ApiClient, contract: Contract, chain
) -> None:
    before, events = state(), Event.objects.count()
    response = as_manager.post(url("contract-what-if", contract_id=contract.pk), propose(chain))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert state() == before and Event.objects.count() == events
    assert set(body) == {"basis", "moves", "payments", "penalties"}
    moves = {m["title"]: (m["old_due_date"], m["new_due_date"]) for m in body["moves"]}
    assert moves == {
        "Design": ("2027-03-01", "2027-03-05"),
        "Build": ("2027-03-15", "2027-03-19"),
        "Test": ("2027-03-22", "2027-03-26"),
    }
    test = next(m for m in body["moves"] if m["title"] == "Test")
    assert test["trace"].startswith("2027-03-26 = Build (2027-03-19) + 5 working days")
    assert test["payment_amount"] == "5000.00" and test["provisional"] is False
    assert body["payments"] == [
        {
            "milestone_id": chain[2].pk,
            "title": "Test",
            "amount": "5000.00",
            "currency": "EUR",
            "old_due_date": "2027-03-22",
            "new_due_date": "2027-03-26",
        }
    ]
    assert body["penalties"] == []


def test_apply_commits_the_preview_with_one_event_per_move(
    as_manager: ApiClient, contract: Contract, chain
) -> None:
    target = url("contract-what-if", contract_id=contract.pk)
    preview = as_manager.post(target, propose(chain)).json()
    response = as_manager.post(
        url("contract-what-if-apply", contract_id=contract.pk),
        {**propose(chain), "basis": preview["basis"], "reason": "design slipped"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["moves"] == preview["moves"]
    assert {m.title: m.due_date.isoformat() for m in Milestone.objects.all()} == {
        m["title"]: m["new_due_date"] for m in preview["moves"]
    }
    assert Event.objects.filter(verb="rescheduled").count() == 3
    moved = Event.objects.get(verb="rescheduled", subject_id=chain[2].pk)
    assert "design slipped" in moved.summary


def test_apply_after_a_change_is_409_and_changes_nothing(
    as_manager: ApiClient, manager: Actor, contract: Contract, chain
) -> None:
    preview = as_manager.post(
        url("contract-what-if", contract_id=contract.pk), propose(chain)
    ).json()
    services.update_milestone(manager, chain[2], {"title": "Testing"}, None)
    before = state()
    response = as_manager.post(
        url("contract-what-if-apply", contract_id=contract.pk),
        {**propose(chain), "basis": preview["basis"], "reason": "too late"},
    )
    assert response.status_code == 409
    assert "preview again" in response.json()["detail"]
    assert state() == before


def test_apply_needs_a_reason(as_manager: ApiClient, contract: Contract, chain) -> None:
    basis = services.basis_of(contract)
    response = as_manager.post(
        url("contract-what-if-apply", contract_id=contract.pk),
        {**propose(chain), "basis": basis, "reason": "  "},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]


def test_contract_dates_are_previewed(as_manager: ApiClient, contract: Contract) -> None:
    as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {
            "title": "Kick-off",
            "due_anchor": "contract_start",
            "due_offset": 5,
            "due_unit": "working_days",
        },
    )
    response = as_manager.post(
        url("contract-what-if", contract_id=contract.pk), {"contract": {"start_on": "2027-01-11"}}
    )
    assert response.status_code == 200
    [move] = response.json()["moves"]
    assert (move["old_due_date"], move["new_due_date"]) == ("2027-01-11", "2027-01-18")


def test_override_and_completion_are_previewed(
    as_manager: ApiClient, contract: Contract, chain, frozen_today
) -> None:
    response = as_manager.post(
        url("contract-what-if", contract_id=contract.pk),
        {"milestones": [{"id": chain[1].pk, "due_override": "2027-04-01"}]},
    )
    moves = {m["title"]: m["new_due_date"] for m in response.json()["moves"]}
    assert moves == {"Build": "2027-04-01", "Test": "2027-04-08"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"milestones": [{"id": 10**9, "due_date": "2027-03-05"}]}, "milestones.0.id"),
        ({"milestones": [{"id": 1, "due_date": "2027-02-30"}]}, "milestones.0.due_date"),
        ({"milestones": [{"id": 1, "title": "x"}]}, "milestones.0.title"),
        ({"contract": {"value": "1"}}, "contract.value"),
    ],
)
def test_bad_proposals_are_422_naming_the_field(
    as_manager: ApiClient, contract: Contract, chain, body: dict, field: str
) -> None:
    response = as_manager.post(url("contract-what-if", contract_id=contract.pk), body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]


def test_a_milestone_of_another_contract_is_not_part_of_the_proposal(
    as_manager: ApiClient, world: World, contract: Contract, chain
) -> None:
    other = MilestoneFactory(contract=ContractFactory(organisation=world.acme))
    response = as_manager.post(
        url("contract-what-if", contract_id=contract.pk),
        {"milestones": [{"id": other.pk, "due_date": "2027-03-05"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "milestones.0.id": ["must be a milestone of this contract"]
    }


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_what_if_is_for_managers(api_as, contract: Contract, chain, role: str) -> None:
    client = api_as(role)
    assert (
        client.post(url("contract-what-if", contract_id=contract.pk), propose(chain)).status_code
        == 403
    )
    basis = services.basis_of(contract)
    response = client.post(
        url("contract-what-if-apply", contract_id=contract.pk),
        {**propose(chain), "basis": basis, "reason": "mine"},
    )
    assert response.status_code == 403
