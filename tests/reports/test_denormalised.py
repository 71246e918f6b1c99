"""Derived columns the reports read stay equal to what they are derived from, whichever write
path made the rows: the milestone's copy of its contract's currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F

from pactline.contracts import services as contract_services
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from pactline.reports.queries import PortfolioFilter, cash_flow, dashboard

pytestmark = pytest.mark.django_db


def _stale() -> list[tuple[int, str, str]]:
    return list(
        Milestone.objects.exclude(currency=F("contract__currency")).values_list(
            "pk", "currency", "contract__currency"
        )
    )


def test_currency_follows_the_contract_on_every_write_path(world, manager, owner, frozen_today):
    contract = contract_services.create_contract(
        manager,
        {
            "number": "CUR-1",
            "title": "Currency",
            "currency": "USD",
            "start_on": dt.date(2027, 1, 1),
            "end_on": dt.date(2027, 12, 31),
        },
    )
    made = milestone_services.create_milestone(
        manager,
        contract,
        {"title": "Pay", "due_date": dt.date(2027, 3, 1), "payment_amount": Decimal("100")},
    )
    assert made.currency == "USD"
    milestone_services.create_series(
        manager,
        contract,
        {
            "title": "Monthly",
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=1",
            "starts_on": dt.date(2027, 2, 1),
            "payment_amount": "10",
            "window_days": 90,
        },
    )
    assert Milestone.objects.filter(contract=contract).count() > 1
    assert _stale() == []
    contract_services.update_contract(manager, contract, {"currency": "CHF"}, None)
    assert _stale() == []
    assert set(Milestone.objects.filter(contract=contract).values_list("currency", flat=True)) == {
        "CHF"
    }
    # The figures follow at once (no cached figure goes stale).
    assert list(dashboard(owner, PortfolioFilter()).payments) == ["CHF"]
    assert cash_flow(owner, PortfolioFilter()).currencies == ["CHF"]
