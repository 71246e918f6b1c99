"""The dashboard: health counts, overdue ageing, upcoming and own milestones, workload,
payments and penalty exposure, each figure with the link to the list behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse

from pactline.accounts.models import User
from pactline.accounts.permissions import Actor
from pactline.milestones.health import due_soon_limit
from pactline.milestones.models import COMPLETE_STATUSES, Dependency, Milestone
from pactline.milestones.queries import portfolio_today
from pactline.reports import penalties
from pactline.reports.queries.filters import (
    LiteralIn,
    PortfolioFilter,
    is_open,
    link,
    net_amount,
    scoped_contracts,
    scoped_milestones,
)

LIST_SIZE = 10
WORKLOAD_SIZE = 15
COMPLETE = sorted(s.value for s in COMPLETE_STATUSES)
AGEING = (("1-7", 1, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("90+", 91, None))


@dataclass
class Figure:
    key: str
    label: str
    value: int | Decimal
    href: str

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "href": self.href}


@dataclass
class Dashboard:
    today: date
    filter: PortfolioFilter
    health: list[Figure]
    ageing: list[Figure]
    upcoming: list[Milestone]
    mine: list[Milestone]
    workload: list[dict[str, Any]]
    payments: dict[str, list[Figure]] = field(default_factory=dict)
    penalties: dict[str, list[Figure]] = field(default_factory=dict)


def at_risk_q(actor: Actor, today: date) -> Q:
    """health "at risk" less its date conditions: the forecast is late, or an open milestone
    it follows (link or rule anchor) is overdue. The late set is a subquery evaluated once,
    not per row (the same meaning as milestones.health.predecessor_late_q; tests compare)."""
    late = Milestone.objects.filter(
        is_open(), organisation=actor.organisation, due_date__lt=today
    ).values("pk")
    via_links = Dependency.objects.filter(predecessor_id__in=late).values("successor_id")
    via_anchor = Milestone.objects.filter(
        LiteralIn("due_anchor", ["milestone", "milestone_done"]), anchor_milestone_id__in=late
    ).values("pk")
    return (
        Q(forecast_date__gt=F("due_date"), forecast_date__isnull=False)
        | Q(pk__in=via_links)
        | Q(pk__in=via_anchor)
    )


def _open_counts(
    actor: Actor, qs: QuerySet[Milestone], today: date
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Every count of open work and the workload per owner, in one query and one pass over
    the rows: open milestones are counted per owner and due date (and how many of them are at
    risk), read in that order from the milestone_open_covering index, and the figures are sums
    of those counts by date range, so each row is read once and its at-risk test made once."""
    per_day = (
        qs.filter(is_open())
        .values("owner_id", "due_date")
        .annotate(n=Count("pk"), risk=Count("pk", filter=at_risk_q(actor, today)))
        .order_by()
    )
    soon = due_soon_limit(today)
    week = today + timedelta(days=7)
    ranges: dict[str, tuple[date | None, date | None, str]] = {
        # key: (from, to, what is counted); None: open on that side
        "overdue": (None, today - timedelta(days=1), "n"),
        "at_risk": (today, None, "risk"),
        "due_soon": (today, soon, "n - risk"),
        "on_track": (soon + timedelta(days=1), None, "n - risk"),
        "due_7": (today, week, "n"),
        "due_30": (today, today + timedelta(days=30), "n"),
    }
    for key, low, high in AGEING:
        after = today - timedelta(days=high) if high is not None else None
        ranges[f"age_{key}"] = (after, today - timedelta(days=low), "n")
    keys = [*ranges, "unscheduled"]
    try:
        inner, inner_params = per_day.query.sql_with_params()
    except EmptyResultSet:
        return dict.fromkeys(keys, 0), []
    adapt = connection.ops.adapt_datefield_value
    params: list[Any] = list(inner_params)

    def summed(low: date | None, high: date | None, what: str) -> str:
        test = ["due_date IS NOT NULL"]
        if low is not None:
            test.append("due_date >= %s")
            params.append(adapt(low))
        if high is not None:
            test.append("due_date <= %s")
            params.append(adapt(high))
        return f"SUM(CASE WHEN {' AND '.join(test)} THEN {what} ELSE 0 END)"

    totals = [summed(*r) for r in ranges.values()]
    totals.append("SUM(CASE WHEN due_date IS NULL THEN n ELSE 0 END)")
    per_owner = ["SUM(n)", summed(None, today - timedelta(days=1), "n"), summed(today, week, "n")]
    # Typed NULLs: PostgreSQL gives a bare NULL in a subquery the type text.
    padding = ", CAST(NULL AS NUMERIC)" * (len(totals) - len(per_owner))
    sql = f"""
        WITH d AS ({inner})
        SELECT 0, CAST(NULL AS INTEGER), {", ".join(totals)} FROM d
        UNION ALL
        SELECT * FROM (
            SELECT 1, owner_id, {", ".join(per_owner)}{padding} FROM d
            GROUP BY owner_id ORDER BY 3 DESC, owner_id LIMIT {WORKLOAD_SIZE}
        ) w
    """  # nosec B608 # SQL from Django's compiler and constants; values bound
    counts: dict[str, int] = dict.fromkeys(keys, 0)
    workload = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, owner_id, *values in cursor.fetchall():
            if part == 0:
                counts = {k: int(v or 0) for k, v in zip(keys, values, strict=True)}
            else:
                open_, overdue, due_7 = (int(v or 0) for v in values[:3])
                workload.append(
                    {"owner_id": owner_id, "open": open_, "overdue": overdue, "due_7": due_7}
                )
    workload.sort(key=lambda r: (-r["open"], r["owner_id"] is None, r["owner_id"] or 0))
    return counts, workload


def _health(counts: dict[str, int], done: int, today: date, query: dict[str, Any]) -> list[Figure]:
    path = reverse("milestone-list")
    week, month = today + timedelta(days=7), today + timedelta(days=30)
    upcoming = ["at_risk", "due_soon", "on_track"]
    return [
        Figure("overdue", "Overdue", counts["overdue"], link(path, health="overdue", **query)),
        Figure(
            "due_7",
            "Due in 7 days",
            counts["due_7"],
            link(path, health=upcoming, due_after=today, due_before=week, **query),
        ),
        Figure(
            "due_30",
            "Due in 30 days",
            counts["due_30"],
            link(path, health=upcoming, due_after=today, due_before=month, **query),
        ),
        Figure("at_risk", "At risk", counts["at_risk"], link(path, health="at_risk", **query)),
        Figure("due_soon", "Due soon", counts["due_soon"], link(path, health="due_soon", **query)),
        Figure("on_track", "On track", counts["on_track"], link(path, health="on_track", **query)),
        Figure(
            "unscheduled",
            "Not scheduled",
            counts["unscheduled"],
            link(path, health="unscheduled", **query),
        ),
        Figure("done", "Done", done, link(path, health=["done_on_time", "done_late"], **query)),
    ]


def _ageing(counts: dict[str, int], today: date, query: dict[str, Any]) -> list[Figure]:
    path = reverse("milestone-list")
    out = []
    for key, low, high in AGEING:
        before = today - timedelta(days=low)
        after = today - timedelta(days=high) if high is not None else None
        href = link(path, health="overdue", due_after=after, due_before=before, **query)
        out.append(Figure(f"age_{key}", f"{key} days", counts[f"age_{key}"], href))
    return out


def _workload(rows: list[dict[str, Any]], query: dict[str, Any]) -> list[dict[str, Any]]:
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[r["owner_id"] for r in rows if r["owner_id"]])
    }
    path = reverse("milestone-list")
    base = {k: v for k, v in query.items() if k != "owner"}
    open_health = ["overdue", "at_risk", "due_soon", "on_track", "unscheduled"]
    for row in rows:
        owner = users.get(row["owner_id"])
        row["name"] = (owner.display_name if owner else "") or (
            owner.email if owner else "No owner"
        )
        who = row["owner_id"] if row["owner_id"] is not None else "none"
        row["href"] = link(path, owner=who, health=open_health, **base)
        row["overdue_href"] = link(path, owner=who, health="overdue", **base)
    return rows


def _payments(
    qs: QuerySet[Milestone], today: date, query: dict[str, Any]
) -> dict[str, list[Figure]]:
    path = reverse("milestone-list")
    net = net_amount()
    month = today + timedelta(days=30)
    outstanding = (
        qs.filter(payment_amount__isnull=False, paid_on__isnull=True)
        .exclude(status="cancelled")
        .values("currency")
        .annotate(
            overdue=Sum(net, filter=Q(due_date__lt=today)),
            due_30=Sum(net, filter=Q(due_date__gte=today, due_date__lte=month)),
            invoiceable=Sum(net, filter=Q(invoiceable_on__isnull=False, invoiced_on__isnull=True)),
            invoiced=Sum(net, filter=Q(invoiced_on__isnull=False)),
        )
    )
    received = (
        qs.filter(
            paid_on__isnull=False, paid_on__gte=today - timedelta(days=30), paid_on__lte=today
        )
        .values("currency")
        .annotate(received=Sum(net))
    )
    held = (
        qs.filter(retention_amount__isnull=False, retention_paid_on__isnull=True)
        .exclude(status="cancelled")
        .values("currency")
        .annotate(retention=Sum("retention_amount"))
    )
    sums: dict[str, dict[str, Decimal]] = {}
    for rows in (outstanding, received, held):
        for row in rows:
            bucket = sums.setdefault(row.pop("currency"), {})
            bucket.update({k: v for k, v in row.items() if v is not None})
    labels = (
        ("overdue", "Overdue"),
        ("due_30", "Due in 30 days"),
        ("invoiceable", "To invoice"),
        ("invoiced", "Invoiced, unpaid"),
        ("received", "Received in 30 days"),
        ("retention", "Retention held"),
    )
    out = {}
    for currency in sorted(sums):
        out[currency] = [
            Figure(
                key,
                label,
                sums[currency].get(key, Decimal("0.00")),
                link(path, payment=key, currency=currency, **query),
            )
            for key, label in labels
        ]
    return out


def _penalties(actor: Actor, f: PortfolioFilter, query: dict[str, Any]) -> dict[str, list[Figure]]:
    penalties.ensure_fresh(actor.organisation)
    rows = (
        scoped_contracts(actor, f)
        .filter(penalty_accrued__isnull=False)
        .values("currency")
        .annotate(accrued=Sum("penalty_accrued"), projected=Sum("penalty_projected"))
        .order_by("currency")
    )
    path = reverse("milestone-list")
    return {
        row["currency"]: [
            Figure(
                "accrued",
                "Accrued to date",
                row["accrued"] or Decimal("0.00"),
                link(path, penalty="accrued", currency=row["currency"], **query),
            ),
            Figure(
                "projected",
                "Projected",
                row["projected"] or Decimal("0.00"),
                link(path, penalty="projected", currency=row["currency"], **query),
            ),
        ]
        for row in rows
    }


def dashboard(actor: Actor, f: PortfolioFilter) -> Dashboard:
    today = portfolio_today(actor)
    qs = scoped_milestones(actor, f)
    query = f.query()
    counts, workload = _open_counts(actor, qs, today)
    done = qs.filter(status__in=COMPLETE).count()
    related = ("contract", "owner")
    upcoming = qs.filter(is_open(), due_date__gte=today).select_related(*related)
    mine = qs.filter(is_open(), owner_id=actor.user_id, due_date__isnull=False)
    return Dashboard(
        today=today,
        filter=f,
        health=_health(counts, done, today, query),
        ageing=_ageing(counts, today, query),
        upcoming=list(upcoming.order_by("due_date", "pk")[:LIST_SIZE]),
        mine=list(mine.select_related(*related).order_by("due_date", "pk")[:LIST_SIZE]),
        workload=_workload(workload, query),
        payments=_payments(qs, today, query),
        penalties=_penalties(actor, f, query),
    )
