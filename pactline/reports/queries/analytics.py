"""Analytics of completed and open work: on-time rate, days late (median, 90th percentile) by
owner, party, milestone type, contract and month; bottlenecks; forecast against baseline.

"Days late" of a completed milestone is its completion date less its due date, and 0 when it
was done on time (on or before its due date, as in the health "done on time").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from pactline.accounts.models import User
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract, Party
from pactline.milestones.models import COMPLETE_STATUSES, Milestone, MilestoneKind
from pactline.milestones.queries import portfolio_today
from pactline.milestones.types import type_map
from pactline.reports.queries.filters import (
    DaysBetween,
    PeriodStart,
    PortfolioFilter,
    is_open,
    scoped_milestones,
)
from pactline.reports.queries.percentiles import FRACTIONS

COMPLETE = sorted(s.value for s in COMPLETE_STATUSES)
TOP = 20
BOTTLENECKS = 5
MIN_FOR_BOTTLENECK = 3
DIMENSIONS = ("month", "kind", "owner", "party", "contract")


def late_days() -> Any:
    """Days late: completion less due date, never below zero."""
    diff = DaysBetween(F("completed_on"), F("due_date"))
    return Case(
        When(completed_on__gt=F("due_date"), then=diff),
        default=Value(0),
        output_field=IntegerField(),
    )


KEYS = {
    "month": lambda: PeriodStart(F("completed_on"), "month"),
    "kind": lambda: F("kind"),
    "owner": lambda: F("owner_id"),
    # By contract first, then through the contract's parties (reports.queries.analytics
    # ._histogram_sql): joining the parties per histogram row, not per milestone row.
    "party": lambda: F("contract_id"),
    "contract": lambda: F("contract_id"),
}


@dataclass
class Group:
    key: Any
    label: str
    completed: int
    on_time: int
    late_days_total: int
    median: float | None = None
    p90: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.completed if self.completed else None

    @property
    def average_late(self) -> float | None:
        return self.late_days_total / self.completed if self.completed else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.isoformat() if isinstance(self.key, date) else self.key,
            "label": self.label,
            "completed": self.completed,
            "on_time": self.on_time,
            "on_time_rate": self.on_time_rate,
            "average_days_late": self.average_late,
            "median_days_late": self.median,
            "p90_days_late": self.p90,
        }


@dataclass
class Analytics:
    since: date
    until: date
    overall: Group
    by: dict[str, list[Group]] = field(default_factory=dict)
    bottlenecks: dict[str, list[Group]] = field(default_factory=dict)
    open_work: dict[str, Any] = field(default_factory=dict)


def _completed(actor: Actor, f: PortfolioFilter, since: date, until: date) -> QuerySet[Milestone]:
    return scoped_milestones(actor, f).filter(
        status__in=COMPLETE,
        completed_on__gte=since,
        completed_on__lte=until,
        due_date__isnull=False,
    )


def _histogram_sql(
    qs: QuerySet[Milestone], key: Any, by_party: bool = False
) -> tuple[str, tuple[Any, ...]] | None:
    """SQL of (group key, days late, rows): the histogram of days late per group. `by_party`:
    the key is the contract, and each contract's rows count for each of its parties (or for
    "no party"), as a join with the contract's parties would count them."""
    inner = (
        qs.annotate(group_key=key, days=late_days())
        .values("group_key", "days")
        .annotate(n=Count("pk"))
        .order_by()
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:
        return None
    if by_party:
        through = Contract.parties.through._meta.db_table
        sql = (
            f"SELECT cp.party_id AS group_key, hc.days, SUM(hc.n) AS n FROM ({sql}) hc "  # nosec B608
            f"LEFT JOIN {through} cp ON cp.contract_id = hc.group_key GROUP BY cp.party_id, hc.days"
        )
    return sql, tuple(params)


def _grouped(
    qs: QuerySet[Milestone], key: Any, limit: int | None, by_party: bool = False
) -> list[dict[str, Any]]:
    """Per group: completed, on time, total days late and the values around each percentile
    position, in one query over the histogram of days late (GROUP BY key, days late), so the
    rows are read once and the windows run over the histogram, not over the rows.

    The value at 0-based position k of a group in order is the smallest `days` whose running
    count exceeds k, so for pos = p x (n - 1) the floor neighbour is the first `days` with
    running count > pos and the ceiling neighbour the first with running count >= pos + 1
    (for whole running counts these are the same as comparing with floor/ceil of pos).
    `limit`: only the groups with most completions (ties by key)."""
    found = _histogram_sql(qs, key, by_party)
    if found is None:
        return []
    inner, params = found
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    order = "total DESC, group_key" if limit else "group_key"
    top = f"ORDER BY {order} LIMIT {int(limit)}" if limit else ""
    picks = []
    for i, p in enumerate(FRACTIONS):
        pos = f"CAST({p!r} AS DOUBLE PRECISION) * (c.total - 1)"
        picks.append(f"MIN(CASE WHEN c.cum > {pos} THEN c.days END) AS lo{i}")
        picks.append(f"MIN(CASE WHEN c.cum >= {pos} + 1 THEN c.days END) AS hi{i}")
    sql = f"""
        WITH h AS ({inner}),
        t AS (SELECT group_key, SUM(n) AS total FROM h GROUP BY group_key {top}),
        c AS (
            SELECT h.group_key, h.days, h.n, t.total,
                SUM(h.n) OVER (
                    PARTITION BY h.group_key ORDER BY h.days
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS cum
            FROM h JOIN t ON h.group_key {same} t.group_key
        )
        SELECT c.group_key, MAX(c.total) AS total,
            SUM(CASE WHEN c.days = 0 THEN c.n ELSE 0 END) AS on_time,
            SUM(c.days * c.n) AS late_total, {", ".join(picks)}
        FROM c GROUP BY c.group_key ORDER BY {order.replace("total", "MAX(c.total)")}
    """  # nosec B608 # SQL from Django's compiler and constants; values bound
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group_key, total, on_time, late_total, *values in cursor.fetchall():
            n = int(total)
            pcts = []
            for i, p in enumerate(FRACTIONS):
                lo, hi = values[2 * i], values[2 * i + 1]
                pos = p * (n - 1)
                pcts.append(float(lo) + (pos - math.floor(pos)) * (float(hi) - float(lo)))
            rows.append(
                {
                    "group_key": _key_value(group_key),
                    "completed": n,
                    "on_time": int(on_time or 0),
                    "late_total": int(late_total or 0),
                    "median": pcts[0],
                    "p90": pcts[1],
                }
            )
    return rows


def _key_value(value: Any) -> Any:
    """A month key comes back from SQLite's date() as text."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


def _labels(dimension: str, keys: list[Any]) -> dict[Any, str]:
    if dimension == "kind":
        return {k: MilestoneKind(k).label if k in MilestoneKind.values else k for k in keys}
    if dimension == "month":
        return {k: k.strftime("%b %Y") if isinstance(k, date) else str(k) for k in keys}
    if dimension == "owner":
        users = User.objects.filter(pk__in=[k for k in keys if k])
        found = {u.pk: u.display_name or u.email for u in users}
        return {k: found.get(k, "No owner") for k in keys}
    if dimension == "party":
        found = dict(Party.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "name"))
        return {k: found.get(k, "No party") for k in keys}
    contracts = Contract.objects.filter(pk__in=keys).values_list("pk", "number")
    return {k: v for k, v in contracts}


def _group(row: dict[str, Any], label: str) -> Group:
    return Group(
        key=row["group_key"],
        label=label,
        completed=row["completed"],
        on_time=row["on_time"],
        late_days_total=row["late_total"],
        median=row["median"],
        p90=row["p90"],
    )


def _dimension(qs: QuerySet[Milestone], dimension: str) -> list[Group]:
    limit = None if dimension == "month" else TOP
    rows = _grouped(qs, KEYS[dimension](), limit, by_party=dimension == "party")
    labels = _labels(dimension, [r["group_key"] for r in rows]) if rows else {}
    return [_group(r, labels.get(r["group_key"], str(r["group_key"]))) for r in rows]


def _overall(qs: QuerySet[Milestone]) -> Group:
    rows = _grouped(qs, Value(1, output_field=IntegerField()), None)
    if not rows:
        return Group("all", "All", 0, 0, 0)
    group = _group(rows[0], "All")
    group.key = "all"
    return group


def _bottlenecks(groups: list[Group]) -> list[Group]:
    """The groups whose work slips most: average days late, then share done late."""
    candidates = [g for g in groups if g.completed >= MIN_FOR_BOTTLENECK and g.late_days_total]
    candidates.sort(key=lambda g: (-(g.average_late or 0), g.on_time_rate or 0))
    return candidates[:BOTTLENECKS]


def _open_work(actor: Actor, f: PortfolioFilter) -> dict[str, Any]:
    """Open milestones: how far their forecast lies past their baseline. One query: each
    row's slip is computed once (a derived table), summed per contract, and the overall
    figures are summed from the per-contract ones beside the ten worst contracts."""
    qs = scoped_milestones(actor, f).filter(is_open(), baseline_due_date__isnull=False)
    forecast = Coalesce(F("forecast_date"), F("due_date"))
    slipping = Q(forecast_date__gt=F("baseline_due_date")) | Q(
        forecast_date__isnull=True, due_date__gt=F("baseline_due_date")
    )
    rows = qs.annotate(
        slip=DaysBetween(forecast, F("baseline_due_date")),
        slipping=Case(When(slipping, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).values("contract_id", "slip", "slipping")
    empty: dict[str, Any] = {
        "open": 0,
        "slipping": 0,
        "average_slip": None,
        "worst_slip": None,
        "contracts": [],
    }
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return empty
    sql = f"""
        WITH r AS ({inner}),
        g AS (
            SELECT contract_id, COUNT(*) AS open, SUM(slipping) AS slipping,
                COUNT(slip) AS slips, SUM(slip) AS slip_total, MAX(slip) AS worst,
                SUM(CASE WHEN slip > 0 THEN 1 ELSE 0 END) AS late,
                SUM(CASE WHEN slip > 0 THEN slip ELSE 0 END) AS late_total
            FROM r GROUP BY contract_id
        )
        SELECT 0, CAST(NULL AS INTEGER), SUM(open), SUM(slipping), SUM(slips), SUM(slip_total),
            MAX(worst)
        FROM g
        UNION ALL
        SELECT * FROM (
            SELECT 1, contract_id, late, late_total, CAST(NULL AS NUMERIC),
                CAST(NULL AS NUMERIC), worst FROM g
            WHERE worst > 0 ORDER BY worst DESC, contract_id LIMIT 10
        ) w
    """  # nosec B608 # SQL from Django's compiler and constants; values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    out = dict(empty)
    worst = []
    for part, contract_id, a, b, slips, slip_total, top in found:
        if part == 0:
            out["open"], out["slipping"] = int(a or 0), int(b or 0)
            out["average_slip"] = float(slip_total) / int(slips) if slips else None
            out["worst_slip"] = int(top) if top is not None else None
        else:
            worst.append(
                {
                    "contract_id": contract_id,
                    "milestones": int(a),
                    "worst": int(top),
                    "total": int(b),
                }
            )
    worst.sort(key=lambda w: (-w["worst"], w["contract_id"]))
    numbers = dict(
        Contract.objects.filter(pk__in=[w["contract_id"] for w in worst]).values_list(
            "pk", "number"
        )
    )
    for w in worst:
        w["number"] = numbers.get(w["contract_id"], "")
    out["contracts"] = worst
    return out


def analytics(
    actor: Actor, f: PortfolioFilter, since: date | None = None, until: date | None = None
) -> Analytics:
    """Completed work between `since` and `until` (default: the last 365 days)."""
    until = until or portfolio_today(actor)
    since = since or until - timedelta(days=365)
    qs = _completed(actor, f, since, until)
    by = {d: _dimension(qs, d) for d in DIMENSIONS}
    names = type_map(actor.organisation.pk)  # the organisation's milestone types
    for group in by["kind"]:
        group.label = names.name(group.key)
    return Analytics(
        since=since,
        until=until,
        overall=_overall(qs),
        by=by,
        bottlenecks={"kind": _bottlenecks(by["kind"]), "party": _bottlenecks(by["party"])},
        open_work=_open_work(actor, f),
    )
