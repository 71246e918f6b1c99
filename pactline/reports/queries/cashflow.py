"""Cash flow: what is due, invoiceable, invoiced, paid and overdue, by week or month.

A payment milestone brings two streams: its amount less retention follows the milestone (due
on its due date, invoiceable once accepted, then invoiced and paid); the retention follows the
milestone that releases it (due on that one's due date, or the contract's end without one;
invoiceable once that one is complete) with its own invoiced and paid dates. Currencies are
kept apart, never summed together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from pactline.accounts.permissions import Actor
from pactline.milestones.models import COMPLETE_STATUSES, Milestone
from pactline.milestones.queries import portfolio_today
from pactline.reports.queries.filters import (
    PeriodStart,
    PortfolioFilter,
    net_amount,
    scoped_milestones,
)

COLUMNS = ("due", "invoiceable", "invoiced", "paid", "overdue")
GRAINS = ("week", "month")
ZERO = Decimal("0.00")
COMPLETE = sorted(s.value for s in COMPLETE_STATUSES)


@dataclass
class CashFlow:
    grain: str
    today: date
    start: date | None
    end: date | None
    # currency -> period -> column -> amount
    periods: dict[str, dict[date, dict[str, Decimal]]] = field(default_factory=dict)

    def rows(self, currency: str) -> list[dict[str, Any]]:
        return [
            {"period": period, **{c: values.get(c, ZERO) for c in COLUMNS}}
            for period, values in sorted(self.periods.get(currency, {}).items())
        ]

    def totals(self, currency: str) -> dict[str, Decimal]:
        out = dict.fromkeys(COLUMNS, ZERO)
        for values in self.periods.get(currency, {}).values():
            for c in COLUMNS:
                out[c] += values.get(c, ZERO)
        return out

    @property
    def currencies(self) -> list[str]:
        return sorted(self.periods)

    def add(self, currency: str, period: date, column: str, amount: Decimal | None) -> None:
        cell = self.periods.setdefault(currency, {}).setdefault(period, {})
        cell[column] = cell.get(column, ZERO) + (amount or ZERO)


def _in_range(qs: QuerySet[Milestone], path: str, start: date | None, end: date | None) -> Any:
    if start is not None:
        qs = qs.filter(**{f"{path}__gte": start})
    if end is not None:
        qs = qs.filter(**{f"{path}__lte": end})
    return qs.filter(**{f"{path}__isnull": False})


def _stream(
    flow: CashFlow, qs: QuerySet[Milestone], column: str, date_expr: Any, amount: Any
) -> None:
    rows = (
        qs.annotate(day=date_expr)
        .annotate(period=PeriodStart(F("day"), flow.grain))
        .values("currency", "period")
        .annotate(amount=Sum(amount))
        .order_by()
    )
    for row in rows:
        period = row["period"]
        if isinstance(period, str):  # a backend returning text for a computed date
            period = date.fromisoformat(period)
        flow.add(row["currency"], period, column, row["amount"])


def _net(flow: CashFlow, base: QuerySet[Milestone]) -> None:
    net, s, e, today = net_amount(), flow.start, flow.end, flow.today
    for column, path in (
        ("due", "due_date"),
        ("invoiceable", "invoiceable_on"),
        ("invoiced", "invoiced_on"),
        ("paid", "paid_on"),
    ):
        _stream(flow, _in_range(base, path, s, e), column, F(path), net)
    late = _in_range(base, "due_date", s, e).filter(due_date__lt=today, paid_on__isnull=True)
    _stream(flow, late, "overdue", F("due_date"), net)


def _retention(flow: CashFlow, base: QuerySet[Milestone]) -> None:
    held = base.filter(retention_amount__gt=0)
    release_due = Coalesce(F("retention_release_milestone__due_date"), F("contract__end_on"))
    s, e, today = flow.start, flow.end, flow.today
    due = held.annotate(release_due=release_due)
    due = _in_range(due, "release_due", s, e)
    _stream(flow, due, "due", F("release_due"), F("retention_amount"))
    late = due.filter(release_due__lt=today, retention_paid_on__isnull=True)
    _stream(flow, late, "overdue", F("release_due"), F("retention_amount"))
    released = held.filter(retention_release_milestone__status__in=COMPLETE)
    released = _in_range(released, "retention_release_milestone__completed_on", s, e)
    path = F("retention_release_milestone__completed_on")
    _stream(flow, released, "invoiceable", path, F("retention_amount"))
    for column, field_name in (
        ("invoiced", "retention_invoiced_on"),
        ("paid", "retention_paid_on"),
    ):
        rows = _in_range(held, field_name, s, e)
        _stream(flow, rows, column, F(field_name), F("retention_amount"))


def cash_flow(
    actor: Actor,
    f: PortfolioFilter,
    grain: str = "month",
    start: date | None = None,
    end: date | None = None,
) -> CashFlow:
    """Ten grouped SUM queries (five per stream), whatever the number of milestones."""
    if grain not in GRAINS:
        grain = "month"
    flow = CashFlow(grain=grain, today=portfolio_today(actor), start=start, end=end)
    base = scoped_milestones(actor, f).filter(payment_amount__isnull=False)
    base = base.exclude(status="cancelled")
    _net(flow, base)
    _retention(flow, base)
    return flow


def outstanding_q(kind: str, today: date) -> Q:
    """Milestones behind a payment figure of the dashboard (for the milestone list)."""
    from datetime import timedelta

    unpaid = Q(payment_amount__isnull=False, paid_on__isnull=True) & ~Q(status="cancelled")
    return {
        "overdue": unpaid & Q(due_date__lt=today),
        "due_30": unpaid & Q(due_date__gte=today, due_date__lte=today + timedelta(days=30)),
        "invoiceable": unpaid & Q(invoiceable_on__isnull=False, invoiced_on__isnull=True),
        "invoiced": unpaid & Q(invoiced_on__isnull=False),
        "received": Q(paid_on__gte=today - timedelta(days=30), paid_on__lte=today),
        "retention": Q(retention_amount__isnull=False, retention_paid_on__isnull=True)
        & ~Q(status="cancelled"),
    }.get(kind, Q(payment_amount__isnull=False))
