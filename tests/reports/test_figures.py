"""Dashboard, analytics and cash-flow figures against the same figures computed in plain
Python from the fixture's rows, and a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pactline.milestones.health import health_of
from pactline.milestones.models import COMPLETE_STATUSES, OPEN_STATUSES, Milestone
from pactline.reports.queries import PortfolioFilter, analytics, cash_flow, dashboard
from pactline.reports.queries.percentiles import python_percentile
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 2, 1)


def _rows() -> list[Milestone]:
    return list(Milestone.objects.select_related("contract"))


def test_health_counts_match_python(portfolio, owner):
    d = dashboard(owner, PortfolioFilter())
    figures = {f.key: f.value for f in d.health}
    healths = [health_of(m, TODAY).value for m in _rows()]
    for key in ("overdue", "at_risk", "due_soon", "on_track", "unscheduled"):
        assert figures[key] == healths.count(key), key
    assert figures["done"] == sum(1 for m in _rows() if m.status in COMPLETE_STATUSES)
    open_rows = [m for m in _rows() if m.status in OPEN_STATUSES and m.due_date]
    assert figures["due_7"] == sum(1 for m in open_rows if 0 <= (m.due_date - TODAY).days <= 7)
    assert figures["due_30"] == sum(1 for m in open_rows if 0 <= (m.due_date - TODAY).days <= 30)
    assert figures["overdue"] == 4  # Late 3, Late 20, Late 100, US late


def test_ageing_buckets_match_python(portfolio, owner):
    d = dashboard(owner, PortfolioFilter())
    late = [
        (TODAY - m.due_date).days
        for m in _rows()
        if m.status in OPEN_STATUSES and m.due_date and m.due_date < TODAY
    ]
    expected = {
        "age_1-7": sum(1 for n in late if 1 <= n <= 7),
        "age_8-30": sum(1 for n in late if 8 <= n <= 30),
        "age_31-90": sum(1 for n in late if 31 <= n <= 90),
        "age_90+": sum(1 for n in late if n > 90),
    }
    assert {f.key: f.value for f in d.ageing} == expected
    assert expected == {"age_1-7": 2, "age_8-30": 1, "age_31-90": 0, "age_90+": 1}


def test_at_risk_includes_late_predecessors(portfolio, owner, manager):
    from pactline.milestones.services import add_dependency

    add_dependency(manager, portfolio["Soon"], portfolio["Late 3"].pk)
    Milestone.objects.filter(pk=portfolio["Soon"].pk).update(due_date=dt.date(2027, 2, 5))
    figures = {f.key: f.value for f in dashboard(owner, PortfolioFilter()).health}
    soon = Milestone.objects.get(pk=portfolio["Soon"].pk)
    assert health_of(soon, TODAY, predecessor_late=True).value == "at_risk"
    assert figures["at_risk"] >= 1


def test_filters_narrow_the_figures(portfolio, owner, world):
    mike = world.user("member")
    d = dashboard(owner, PortfolioFilter(owner_id=mike.pk))
    figures = {f.key: f.value for f in d.health}
    mine = [m for m in _rows() if m.owner_id == mike.pk]
    assert figures["overdue"] == sum(1 for m in mine if health_of(m, TODAY).value == "overdue")
    assert "owner=" in d.health[0].href
    usd = dashboard(owner, PortfolioFilter(contract_id=portfolio["US late"].contract_id))
    assert {f.key: f.value for f in usd.health}["overdue"] == 1


def test_every_figure_links_to_a_list_with_the_same_count(portfolio, owner, login):
    client = login("owner")
    d = dashboard(owner, PortfolioFilter())
    for figure in [*d.health, *d.ageing]:
        page = client.get(figure.href)
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count == figure.value, figure.key


def test_workload_matches_python(portfolio, owner, world):
    d = dashboard(owner, PortfolioFilter())
    by_owner: dict[int | None, int] = {}
    for m in _rows():
        if m.status in OPEN_STATUSES:
            by_owner[m.owner_id] = by_owner.get(m.owner_id, 0) + 1
    assert {r["owner_id"]: r["open"] for r in d.workload} == by_owner


def test_payments_by_currency_match_python(portfolio, owner):
    d = dashboard(owner, PortfolioFilter())
    values = {c: {f.key: f.value for f in figs} for c, figs in d.payments.items()}
    unpaid = [m for m in _rows() if m.payment_amount and not m.paid_on and m.status != "cancelled"]
    for currency in ("EUR", "USD"):
        rows = [m for m in unpaid if m.contract.currency == currency]
        overdue = sum((m.payment_amount for m in rows if m.due_date < TODAY), Decimal(0))
        assert values[currency]["overdue"] == overdue
    assert values["EUR"]["overdue"] == Decimal("1500.00")  # 1,000 + 500
    assert values["USD"]["overdue"] == Decimal("700.00")  # the cancelled 99 is left out
    assert values["EUR"]["received"] == Decimal("4000.00")


def test_penalty_exposure_on_the_dashboard(portfolio, owner, manager):
    from pactline.milestones.services import update_milestone

    late = portfolio["Late 20"]  # due 12 January: 20 days late on 1 February
    update_milestone(manager, late, {"penalty_kind": "fixed", "penalty_rate": Decimal("150")}, None)
    d = dashboard(owner, PortfolioFilter())
    figures = {f.key: f.value for f in d.penalties["EUR"]}
    assert figures["accrued"] == Decimal("3000.00")  # 20 days x 150.00
    # Projected to its forecast: the factory's forecast is its due date, so today counts.
    assert figures["projected"] == Decimal("3000.00")


def test_analytics_match_python(portfolio, owner):
    a = analytics(owner, PortfolioFilter(), since=dt.date(2026, 1, 1), until=TODAY)
    done = [m for m in _rows() if m.status in COMPLETE_STATUSES]
    lates = [max(0, (m.completed_on - m.due_date).days) for m in done]
    assert a.overall.completed == len(done) == 3
    assert a.overall.on_time == sum(1 for n in lates if n == 0) == 1
    assert a.overall.median == python_percentile(lates, 0.5) == 10.0  # [0, 10, 30]
    assert a.overall.p90 == pytest.approx(python_percentile(lates, 0.9))  # 10 + 0.8 x 20 = 26
    months = {g.key: g.completed for g in a.by["month"]}
    assert months == {dt.date(2026, 12, 1): 1, dt.date(2027, 1, 1): 2}


def test_percentiles_match_python_on_many_values(world, owner, frozen_today):
    contract = ContractFactory(organisation=world.acme)
    lates = [0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55]
    for n in lates:
        MilestoneFactory(
            contract=contract,
            status="done",
            due_date=dt.date(2026, 6, 1),
            completed_on=dt.date(2026, 6, 1) + dt.timedelta(days=n),
        )
    a = analytics(owner, PortfolioFilter(), since=dt.date(2026, 1, 1), until=TODAY)
    assert a.overall.median == python_percentile(lates, 0.5) == 5
    assert a.overall.p90 == pytest.approx(python_percentile(lates, 0.9)) == 34


def test_cash_flow_matches_python(portfolio, owner):
    flow = cash_flow(owner, PortfolioFilter(), "month")
    paying = [m for m in _rows() if m.payment_amount and m.status != "cancelled"]
    for currency in ("EUR", "USD"):
        rows = [m for m in paying if m.contract.currency == currency]
        totals = flow.totals(currency)
        assert totals["due"] == sum((m.payment_amount for m in rows), Decimal(0))
        assert totals["paid"] == sum((m.payment_amount for m in rows if m.paid_on), Decimal(0))
        late = [m for m in rows if m.due_date < TODAY and not m.paid_on]
        assert totals["overdue"] == sum((m.payment_amount for m in late), Decimal(0))
    eur = {r["period"]: r for r in flow.rows("EUR")}
    assert eur[dt.date(2027, 1, 1)]["due"] == Decimal("5000.00")  # 1,000 + 4,000
    weekly = cash_flow(owner, PortfolioFilter(), "week")
    assert all(p.weekday() == 0 for c in weekly.currencies for p in weekly.periods[c])


def test_retention_follows_its_release(world, owner, manager, frozen_today):
    from pactline.milestones.services import create_milestone

    contract = ContractFactory(organisation=world.acme, currency="EUR")
    final = MilestoneFactory(contract=contract, due_date=dt.date(2027, 9, 1))
    create_milestone(
        manager,
        contract,
        {
            "title": "Delivery",
            "due_date": dt.date(2027, 3, 1),
            "payment_amount": Decimal("10000.00"),
            "retention_percent": Decimal("10"),
            "retention_release_milestone_id": final.pk,
        },
    )
    flow = cash_flow(owner, PortfolioFilter(contract_id=contract.pk), "month")
    rows = {r["period"]: r["due"] for r in flow.rows("EUR")}
    assert rows == {
        dt.date(2027, 3, 1): Decimal("9000.00"),
        dt.date(2027, 9, 1): Decimal("1000.00"),
    }


def _grow(world, size: int) -> None:
    for i in range(size):
        contract = ContractFactory(organisation=world.acme)
        for j in range(size):
            MilestoneFactory(
                contract=contract,
                owner=world.user("member"),
                due_date=dt.date(2027, 1, 1) + dt.timedelta(days=10 * j + i),
                payment_amount=Decimal("100"),
            )


def _counts(owner) -> list[int]:
    dashboard(owner, PortfolioFilter())  # penalties of new contracts computed once
    counts = []
    for run in (
        lambda: dashboard(owner, PortfolioFilter()),
        lambda: analytics(owner, PortfolioFilter()),
        lambda: cash_flow(owner, PortfolioFilter()),
    ):
        with CaptureQueriesContext(connection) as ctx:
            run()
        counts.append(len(ctx.captured_queries))
    return counts


def test_query_counts_do_not_grow_with_the_data(world, owner, frozen_today):
    _grow(world, 1)
    small = _counts(owner)
    _grow(world, 5)
    assert _counts(owner) == small
    assert small[2] == 10  # cash flow: five grouped sums per stream


def test_xlsx_export_is_typed(portfolio, login):
    from openpyxl import load_workbook

    response = login("viewer").get(reverse("milestone-list") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    ws = book.active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    due = header.index("Due") + 1
    pay = header.index("Payment amount") + 1
    values = {ws.cell(row=r, column=2).value: r for r in range(2, ws.max_row + 1)}
    row = values["Late 3"]
    assert ws.cell(row=row, column=due).value.date() == dt.date(2027, 1, 29)
    cell = ws.cell(row=row, column=pay)
    assert cell.value == 1000 and '"EUR"' in cell.number_format


def test_csv_export_neutralises_formulas(world, login, frozen_today):
    contract = ContractFactory(organisation=world.acme, number="=HYPERLINK(1)")
    MilestoneFactory(contract=contract, title="+cmd|' /C calc'!A0")
    MilestoneFactory(contract=contract, title="@SUM(1)")
    body = (
        login("viewer").get(reverse("milestone-list") + "?format=csv").content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK(1)" in body and "'+cmd" in body and "'@SUM(1)" in body


def test_pdf_reports_open_and_name_their_figures(portfolio, login):
    from pypdf import PdfReader

    client = login("viewer")
    pdf = PdfReader(io.BytesIO(client.get(reverse("portfolio-report")).content))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Portfolio status" in text and "Overdue" in text and "EUR" in text
    contract_id = portfolio["Late 3"].contract_id
    pdf = PdfReader(io.BytesIO(client.get(reverse("contract-report", args=[contract_id])).content))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Contract status: EU-1" in text and "Late 3" in text
