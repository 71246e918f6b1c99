"""A contract's penalty terms over the API: the fields the services accept, their checks, and
the exposure totals they lead to."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from pactline.contracts.models import Contract
from pactline.reports import penalties
from tests.api.conftest import ApiClient, url
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

TERMS = {
    "penalty_kind": "fixed",
    "penalty_rate": "150.00",
    "penalty_grace_days": 2,
    "penalty_working_days": False,
    "penalty_cap_kind": "amount",
    "penalty_cap": "1000",
}


def test_create_with_penalty_terms_returns_them(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("contract-create"), {"number": "PEN-1", "title": "Late fees", **TERMS}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["penalty_kind"] == "fixed"
    assert Decimal(body["penalty_rate"]) == Decimal("150")
    assert (body["penalty_grace_days"], body["penalty_cap_kind"]) == (2, "amount")
    assert Decimal(body["penalty_cap"]) == Decimal("1000")
    stored = Contract.objects.get(pk=body["id"])
    assert (stored.penalty_kind, stored.penalty_rate) == ("fixed", Decimal("150.0000"))


def test_contract_terms_cannot_point_at_the_contract(as_manager: ApiClient) -> None:
    response = as_manager.post(
        url("contract-create"), {"number": "PEN-2", "title": "x", "penalty_kind": "contract"}
    )
    assert response.status_code == 422


def test_a_rate_is_needed_for_a_fixed_penalty(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.patch(
        url("contract-update", contract_id=contract.pk), {"penalty_kind": "fixed", "version": 1}
    )
    assert response.status_code == 422
    assert "penalty_rate" in response.json()["errors"]


def test_patched_terms_drive_the_exposure_of_milestones_that_follow_them(
    as_manager: ApiClient, contract: Contract
) -> None:
    MilestoneFactory(
        contract=contract, due_date=dt.date(2027, 1, 10), status="planned", penalty_kind="contract"
    )
    target = url("contract-update", contract_id=contract.pk)
    with time_machine.travel(dt.date(2027, 1, 20), tick=False):
        response = as_manager.patch(target, {**TERMS, "version": 1})
        assert response.status_code == 200, response.json()
        penalties.ensure_fresh(contract.organisation, dt.date(2027, 1, 20))
        got = as_manager.get(url("contract-detail", contract_id=contract.pk)).json()
    # 10 days late less 2 days' grace = 8 x 150 = 1200, capped at 1000.
    assert Decimal(got["penalty_accrued"]) == Decimal("1000.00")
    assert got["penalties_as_of"] == "2027-01-20"
