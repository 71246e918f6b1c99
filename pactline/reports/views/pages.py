"""The dashboard (the home page), analytics and cash flow, each with its CSV/XLSX export."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pactline.accounts.terminology import Terms, terms_of
from pactline.reports import exports
from pactline.reports.bars import Bar, Series, bar_chart, column_chart, line_chart
from pactline.reports.charts import HEALTH_COLOURS
from pactline.reports.exports import Column
from pactline.reports.params import as_date, choices, portfolio_filter
from pactline.reports.queries import analytics, cash_flow, dashboard
from pactline.reports.queries.analytics import DIMENSIONS, Analytics, Group
from pactline.reports.queries.cashflow import COLUMNS as CASH_COLUMNS
from pactline.reports.queries.cashflow import CashFlow
from pactline.reports.queries.dashboard import Dashboard
from pactline.web.http import actor_of, member_view

AGEING_COLOURS = ("#f79009", "#dc6803", "#d92d20", "#912018")
CASH_COLOURS = {
    "due": "#1849a9",
    "invoiceable": "#6941c6",
    "invoiced": "#dc6803",
    "paid": "#067647",
    "overdue": "#d92d20",
}


def dashboard_charts(d: Dashboard, words: Terms | None = None) -> dict[str, str]:
    """The dashboard's charts, titled in the organisation's words (`words`)."""
    words = words or Terms()
    health = [
        Bar(f.label, f.value, f.href, HEALTH_COLOURS.get(f.key, "#067647"))
        for f in d.health
        if f.key not in ("due_7", "due_30")
    ]
    ageing = [
        Bar(f.label, f.value, f.href, colour)
        for f, colour in zip(d.ageing, AGEING_COLOURS, strict=True)
    ]
    workload = [Bar(r["name"], r["open"], r["href"]) for r in d.workload]
    return {
        "health": bar_chart(health, f"{words.milestones} by health"),
        "ageing": bar_chart(ageing, f"Overdue {words.milestones_lower} by days late"),
        "workload": bar_chart(workload, f"Open {words.milestones_lower} per owner"),
    }


@member_view
def dashboard_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = portfolio_filter(request.GET)
    d = dashboard(actor, f)
    context = {
        "d": d,
        "charts": dashboard_charts(d, terms_of(actor.organisation)),
        "filters": choices(actor, f),
        "filtered": bool(f.query()),
    }
    return render(request, "reports/dashboard.html", context)


# --- analytics ----------------------------------------------------------------------------------


def _group_columns(dimension: str) -> list[Column]:
    return [
        Column(dimension.capitalize(), lambda g: g.label, width=24),
        Column("Completed", lambda g: g.completed, "int"),
        Column("On time", lambda g: g.on_time, "int"),
        Column("On-time rate", lambda g: g.on_time_rate, "percent"),
        Column("Average days late", lambda g: g.average_late, "float"),
        Column("Median days late", lambda g: g.median, "float"),
        Column("90th percentile days late", lambda g: g.p90, "float"),
    ]


def analytics_charts(a: Analytics, words: Terms | None = None) -> dict[str, str]:
    words = words or Terms()
    months = a.by["month"]
    labels = [g.label for g in months]
    rate = Series("On-time rate %", [(g.on_time_rate or 0) * 100 for g in months], "#067647")
    median = Series("Median days late", [g.median for g in months], "#dc6803")
    p90 = Series("90th percentile", [g.p90 for g in months], "#d92d20")
    kinds = [Bar(g.label, round(g.average_late or 0, 1)) for g in a.bottlenecks["kind"]]
    parties = [Bar(g.label, round(g.average_late or 0, 1)) for g in a.bottlenecks["party"]]
    return {
        "rate": line_chart(labels, [rate], "On-time completion by month", maximum=100, unit="%"),
        "slip": line_chart(labels, [median, p90], "Days late by month"),
        "kinds": bar_chart(kinds, f"{words.milestone} types that slip most (average days late)"),
        "parties": bar_chart(parties, f"{words.parties} that slip most (average days late)"),
    }


@member_view
def analytics_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = portfolio_filter(request.GET)
    a = analytics(actor, f, as_date(request.GET.get("since")), as_date(request.GET.get("until")))
    fmt = request.GET.get("format")
    dimension = request.GET.get("by", "month")
    if fmt in ("csv", "xlsx") and dimension in DIMENSIONS:
        rows: list[Group] = [a.overall, *a.by[dimension]]
        return exports.table_response(
            fmt, f"analytics-{dimension}", _group_columns(dimension), rows
        )
    context: dict[str, Any] = {
        "a": a,
        "charts": analytics_charts(a, terms_of(actor.organisation)),
        "filters": choices(actor, f),
        "dimensions": [(d, a.by[d]) for d in DIMENSIONS if d != "month"],
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/analytics.html", context)


# --- cash flow ----------------------------------------------------------------------------------


def cash_columns() -> list[Column]:
    cols = [
        Column("Currency", lambda r: r["currency"], width=8),
        Column("Period", lambda r: r["period"], "date", width=12),
    ]
    for name in CASH_COLUMNS:
        cols.append(
            Column(name.capitalize(), lambda r, n=name: r[n], "money", lambda r: r["currency"])
        )
    return cols


def cash_chart(flow: CashFlow, currency: str) -> str:
    rows = flow.rows(currency)
    fmt = "%d %b" if flow.grain == "week" else "%b %Y"
    labels = [r["period"].strftime(fmt) for r in rows]
    series = [Series(c.capitalize(), [r[c] for r in rows], CASH_COLOURS[c]) for c in CASH_COLUMNS]
    return column_chart(labels, series, f"Cash flow in {currency} by {flow.grain}")


@member_view
def cash_flow_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = portfolio_filter(request.GET)
    grain = request.GET.get("grain", "month")
    start, end = as_date(request.GET.get("start")), as_date(request.GET.get("end"))
    flow = cash_flow(actor, f, grain, start, end)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        rows = [{"currency": c, **r} for c in flow.currencies for r in flow.rows(c)]
        return exports.table_response(fmt, "cash-flow", cash_columns(), rows)
    tables = [
        {
            "currency": c,
            "rows": flow.rows(c),
            "totals": flow.totals(c),
            "chart": cash_chart(flow, c),
        }
        for c in flow.currencies
    ]
    context = {
        "flow": flow,
        "tables": tables,
        "columns": CASH_COLUMNS,
        "filters": choices(actor, f),
        "query": request.GET.urlencode(),
        "grain": flow.grain,
        "today": date.today(),
    }
    return render(request, "reports/cash_flow.html", context)
