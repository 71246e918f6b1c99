"""Analytics by every dimension against the same figures computed in Python from the rows:
completed, on time, days late and the percentiles of each group (histograms of days
late per dimension and key, grouped and windowed in SQL)."""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections import defaultdict

import pytest

from pactline.milestones.models import COMPLETE_STATUSES, Milestone
from pactline.reports.queries import PortfolioFilter, analytics
from pactline.reports.queries.percentiles import python_percentile
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db
SINCE, UNTIL = dt.date(2026, 1, 1), dt.date(2027, 2, 1)


@pytest.fixture
def history(world, frozen_today):
    rnd = random.Random(3)
    parties = [PartyFactory(organisation=world.acme, name=f"P{i}") for i in range(3)]
    owners = [world.user("member"), world.user("manager"), None]
    kinds = ["design_approval", "go_live", "payment"]
    for c in range(4):
        contract = ContractFactory(organisation=world.acme, number=f"AN-{c}")
        if c < 3:  # the last one has no party; the first has two
            contract.parties.add(parties[c])
        if c == 0:
            contract.parties.add(parties[2])
        for i in range(5 + 3 * c):
            due = dt.date(2026, 2, 1) + dt.timedelta(days=rnd.randrange(0, 300))
            MilestoneFactory(
                contract=contract,
                kind=kinds[i % 3],
                owner=owners[(i + c) % 3],
                status="done" if i % 4 else "accepted",
                due_date=due,
                completed_on=due + dt.timedelta(days=rnd.choice([-3, 0, 0, 1, 2, 5, 13, 40])),
            )
    MilestoneFactory(contract=contract, status="planned", due_date=dt.date(2026, 5, 1))


def _expected(dimension: str) -> dict:
    groups: dict = defaultdict(list)
    for m in Milestone.objects.prefetch_related("contract__parties"):
        if m.status not in COMPLETE_STATUSES or not (SINCE <= m.completed_on <= UNTIL):
            continue
        late = max(0, (m.completed_on - m.due_date).days)
        if dimension == "month":
            keys = [m.completed_on.replace(day=1)]
        elif dimension == "kind":
            keys = [m.kind]
        elif dimension == "owner":
            keys = [m.owner_id]
        elif dimension == "contract":
            keys = [m.contract_id]
        else:
            keys = [p.pk for p in m.contract.parties.all()] or [None]
        for key in keys:
            groups[key].append(late)
    return groups


@pytest.mark.parametrize("dimension", ["month", "kind", "owner", "party", "contract"])
def test_each_group_matches_python(history, owner, dimension):
    a = analytics(owner, PortfolioFilter(), since=SINCE, until=UNTIL)
    expected = _expected(dimension)
    got = {g.key: g for g in a.by[dimension]}
    assert set(got) == set(expected)
    for key, lates in expected.items():
        g = got[key]
        assert g.completed == len(lates), key
        assert g.on_time == sum(1 for n in lates if n == 0), key
        assert g.late_days_total == sum(lates), key
        assert g.median == pytest.approx(python_percentile(lates, 0.5)), key
        assert g.p90 == pytest.approx(python_percentile(lates, 0.9)), key
    if dimension == "month":
        assert [g.key for g in a.by["month"]] == sorted(expected)
    else:  # most completions first
        sizes = [g.completed for g in a.by[dimension]]
        assert sizes == sorted(sizes, reverse=True)


def test_overall_and_top_groups(history, owner, monkeypatch):
    module = importlib.import_module("pactline.reports.queries.analytics")

    everything = [n for lates in _expected("kind").values() for n in lates]
    a = analytics(owner, PortfolioFilter(), since=SINCE, until=UNTIL)
    assert a.overall.completed == len(everything)
    assert a.overall.median == pytest.approx(python_percentile(everything, 0.5))
    assert a.overall.p90 == pytest.approx(python_percentile(everything, 0.9))
    monkeypatch.setattr(module, "TOP", 2)
    contracts = _expected("contract")
    top = sorted(contracts, key=lambda k: (-len(contracts[k]), k))[:2]
    a = analytics(owner, PortfolioFilter(), since=SINCE, until=UNTIL)
    assert [g.key for g in a.by["contract"]] == top
    for dimension in ("kind", "owner", "party"):  # grouped in one statement with the others
        sizes = sorted((len(v) for v in _expected(dimension).values()), reverse=True)
        assert [g.completed for g in a.by[dimension]] == sizes[:2], dimension
    assert len(a.by["month"]) == len(_expected("month"))  # every month, whatever TOP


def test_nothing_completed(world, owner, frozen_today):
    a = analytics(owner, PortfolioFilter(), since=SINCE, until=UNTIL)
    assert (a.overall.completed, a.overall.median, a.by["kind"]) == (0, None, [])


@pytest.mark.parametrize("rows_read", [200, 1])
def test_open_work_matches_python(world, owner, frozen_today, monkeypatch, rows_read):
    # rows_read=1: the most-slipping rows read first hold too few contracts, so more are read
    monkeypatch.setattr(
        importlib.import_module("pactline.reports.queries.analytics"), "WORST_ROWS", rows_read
    )
    a_contract = ContractFactory(organisation=world.acme, number="OW-1")
    b_contract = ContractFactory(organisation=world.acme, number="OW-2")
    base = dt.date(2027, 3, 1)
    rows = [
        (a_contract, base, base + dt.timedelta(days=5), base),  # forecast 5 days late
        (a_contract, base, None, base + dt.timedelta(days=2)),  # no forecast, due moved 2
        (a_contract, base, base - dt.timedelta(days=3), base),  # ahead by 3
        (b_contract, base, base + dt.timedelta(days=9), base),
        (b_contract, None, None, base),  # no baseline: left out
    ]
    for contract, baseline, forecast, due in rows:
        MilestoneFactory(
            contract=contract,
            status="planned",
            baseline_due_date=baseline,
            forecast_date=forecast,
            due_date=due,
        )
    MilestoneFactory(contract=b_contract, status="done", baseline_due_date=base, due_date=base)
    work = analytics(owner, PortfolioFilter()).open_work
    slips = [5, 2, -3, 9]
    assert (work["open"], work["slipping"]) == (4, 3)
    assert work["average_slip"] == pytest.approx(sum(slips) / 4)
    assert work["worst_slip"] == 9
    assert [(c["number"], c["milestones"], c["worst"], c["total"]) for c in work["contracts"]] == [
        ("OW-2", 1, 9, 9),
        ("OW-1", 2, 5, 7),
    ]


def test_workload_overdue_and_week_match_python(portfolio, owner):
    from pactline.milestones.models import OPEN_STATUSES
    from pactline.reports.queries import dashboard

    today = dt.date(2027, 2, 1)
    expected: dict = {}
    for m in Milestone.objects.filter(status__in=[s.value for s in OPEN_STATUSES]):
        row = expected.setdefault(m.owner_id, {"open": 0, "overdue": 0, "due_7": 0})
        row["open"] += 1
        row["overdue"] += int(m.due_date is not None and m.due_date < today)
        row["due_7"] += int(m.due_date is not None and 0 <= (m.due_date - today).days <= 7)
    got = {
        r["owner_id"]: {k: r[k] for k in ("open", "overdue", "due_7")}
        for r in dashboard(owner, PortfolioFilter()).workload
    }
    assert got == expected
    opens = [r["open"] for r in dashboard(owner, PortfolioFilter()).workload]
    assert opens == sorted(opens, reverse=True)
