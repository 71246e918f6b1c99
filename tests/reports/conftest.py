"""A small portfolio for the report tests: two contracts in two currencies, milestones in
every health, payments and a penalty. The clock stands at 2027-02-01 (frozen_today)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

D = dt.date


@pytest.fixture
def portfolio(world: World, frozen_today):
    euro = ContractFactory(
        organisation=world.acme, number="EU-1", currency="EUR", value=Decimal("200000.00")
    )
    dollar = ContractFactory(
        organisation=world.acme, number="US-1", currency="USD", value=Decimal("50000.00")
    )
    mike, maria = world.user("member"), world.user("manager")
    rows = [
        # (contract, title, status, due, completed, owner, payment, paid_on)
        (euro, "Late 3", "in_progress", D(2027, 1, 29), None, mike, Decimal("1000.00"), None),
        (euro, "Late 20", "planned", D(2027, 1, 12), None, maria, None, None),
        (euro, "Late 100", "planned", D(2026, 10, 24), None, mike, Decimal("500.00"), None),
        (euro, "Soon", "planned", D(2027, 2, 5), None, mike, Decimal("2000.00"), None),
        (euro, "Month", "planned", D(2027, 2, 20), None, None, None, None),
        (euro, "Later", "planned", D(2027, 6, 1), None, maria, Decimal("3000.00"), None),
        (
            euro,
            "Done on time",
            "done",
            D(2027, 1, 10),
            D(2027, 1, 8),
            mike,
            Decimal("4000.00"),
            D(2027, 1, 20),
        ),
        (euro, "Done late", "done", D(2027, 1, 5), D(2027, 1, 15), maria, None, None),
        (dollar, "US late", "planned", D(2027, 1, 25), None, mike, Decimal("700.00"), None),
        (dollar, "US done", "accepted", D(2026, 12, 1), D(2026, 12, 31), mike, None, None),
        (dollar, "US cancelled", "cancelled", D(2027, 1, 2), None, mike, Decimal("99.00"), None),
    ]
    made = {}
    for contract, title, status, due, done, owner, payment, paid in rows:
        made[title] = MilestoneFactory(
            contract=contract,
            title=title,
            status=status,
            due_date=due,
            completed_on=done,
            owner=owner,
            payment_amount=payment,
            paid_on=paid,
            forecast_date=due,
        )
    return made


from tests.web.conftest import login  # noqa: E402,F401  (a signed-in client per persona)
