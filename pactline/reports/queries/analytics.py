"""Analytics of completed and open work: on-time rate, days late (median, 90th percentile) by
owner, party, milestone type, contract and month; bottlenecks; forecast against baseline.

"Days late" of a completed milestone is its completion date less its due date, and 0 when it
was done on time (on or before its due date, as in the health "done on time").
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
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


def _histogram_sql(qs: QuerySet[Milestone], key: Any) -> tuple[str, tuple[Any, ...]] | None:
    """SQL of (group key, days late, rows): the histogram of days late per group."""
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
    return sql, tuple(params)


def _grouped(qs: QuerySet[Milestone], key: Any, limit: int | None) -> list[dict[str, Any]]:
    """Per group: completed, on time, total days late and the values around each percentile
    position, in one query over the histogram of days late (GROUP BY key, days late), so the
    rows are read once and the windows run over the histogram, not over the rows.

    The value at 0-based position k of a group in order is the smallest `days` whose running
    count exceeds k, so for pos = p x (n - 1) the floor neighbour is the first `days` with
    running count > pos and the ceiling neighbour the first with running count >= pos + 1
    (for whole running counts these are the same as comparing with floor/ceil of pos).
    `limit`: only the groups with most completions (ties by key)."""
    found = _histogram_sql(qs, key)
    if found is None:
        return []
    inner, params = found
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    order = "total DESC, group_key" if limit else "group_key"
    top = f"ORDER BY {order} LIMIT {int(limit)}" if limit else ""
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
            SUM(c.days * c.n) AS late_total, {_picks()}
        FROM c GROUP BY c.group_key ORDER BY {order.replace("total", "MAX(c.total)")}
    """  # nosec B608 # SQL from Django's compiler and constants; values bound
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group_key, *figures in cursor.fetchall():
            rows.append(_figures(group_key, *figures))
    return rows


def _picks() -> str:
    """The values around each percentile position (see _grouped), as SQL over `c`."""
    picks = []
    for i, p in enumerate(FRACTIONS):
        pos = f"CAST({p!r} AS DOUBLE PRECISION) * (c.total - 1)"
        picks.append(f"MIN(CASE WHEN c.cum > {pos} THEN c.days END) AS lo{i}")
        picks.append(f"MIN(CASE WHEN c.cum >= {pos} + 1 THEN c.days END) AS hi{i}")
    return ", ".join(picks)


def _figures(group_key: Any, total: Any, on_time: Any, late_total: Any, *values: Any) -> dict:
    n = int(total)
    pcts = []
    for i, p in enumerate(FRACTIONS):
        lo, hi = values[2 * i], values[2 * i + 1]
        pos = p * (n - 1)
        pcts.append(float(lo) + (pos - math.floor(pos)) * (float(hi) - float(lo)))
    return {
        "group_key": _key_value(group_key),
        "completed": n,
        "on_time": int(on_time or 0),
        "late_total": int(late_total or 0),
        "median": pcts[0],
        "p90": pcts[1],
    }


def _materialized() -> str:
    """`AS MATERIALIZED` for a CTE (SQLite >= 3.35, PostgreSQL >= 12). Older SQLite (Django
    5.2 accepts 3.31) gets a plain CTE: the same results, the rows computed per reference."""
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35):
        return ""
    return "MATERIALIZED"


SHARED = ("month", "kind", "owner", "party", "all")  # grouped by _shared, in this order


def _shared(qs: QuerySet[Milestone]) -> dict[str, list[dict[str, Any]]]:
    """The figures of _grouped for month, type, owner, party and overall in one statement:
    each completion's key columns and days late are computed once (a MATERIALIZED CTE), and
    the five histograms of (key, days late) are grouped from that set (UNION ALL, one key
    column for whole numbers and one for text; a month is its first day as text), then
    windowed together, partitioned by dimension and key. Groups and order as _grouped gives
    them: months by date, the others most completions first (ties by key), TOP of each."""
    rows = qs.annotate(month=PeriodStart(F("completed_on"), "month"), days=late_days()).values(
        "month", "kind", "owner_id", "contract_id", "days"
    )
    out: dict[str, list[dict[str, Any]]] = {d: [] for d in SHARED}
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return out
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    through = Contract.parties.through._meta.db_table
    sql = f"""
        WITH d AS {_materialized()} ({inner}),
        h AS {_materialized()} (
            SELECT 0 AS dim, CAST(NULL AS INTEGER) AS ki, CAST(month AS TEXT) AS kt, days,
                COUNT(*) AS n
            FROM d GROUP BY month, days
            UNION ALL
            SELECT 1, CAST(NULL AS INTEGER), kind, days, COUNT(*) FROM d GROUP BY kind, days
            UNION ALL
            SELECT 2, owner_id, CAST(NULL AS TEXT), days, COUNT(*) FROM d
            GROUP BY owner_id, days
            UNION ALL
            SELECT 3, cp.party_id, CAST(NULL AS TEXT), hc.days, SUM(hc.n)
            FROM (SELECT contract_id, days, COUNT(*) AS n FROM d GROUP BY contract_id, days) hc
            LEFT JOIN {through} cp ON cp.contract_id = hc.contract_id
            GROUP BY cp.party_id, hc.days
            UNION ALL
            SELECT 4, 1, CAST(NULL AS TEXT), days, COUNT(*) FROM d GROUP BY days
        ),
        t AS (
            SELECT dim, ki, kt, total FROM (
                SELECT dim, ki, kt, SUM(n) AS total,
                    ROW_NUMBER() OVER (PARTITION BY dim ORDER BY SUM(n) DESC, ki, kt) AS rank
                FROM h GROUP BY dim, ki, kt
            ) ranked
            WHERE dim = 0 OR rank <= {int(TOP)}
        ),
        c AS (
            SELECT h.dim, h.ki, h.kt, h.days, h.n, t.total,
                SUM(h.n) OVER (
                    PARTITION BY h.dim, h.ki, h.kt ORDER BY h.days
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS cum
            FROM h JOIN t ON h.dim = t.dim AND h.ki {same} t.ki AND h.kt {same} t.kt
        )
        SELECT c.dim, c.ki, c.kt, MAX(c.total) AS total,
            SUM(CASE WHEN c.days = 0 THEN c.n ELSE 0 END) AS on_time,
            SUM(c.days * c.n) AS late_total, {_picks()}
        FROM c GROUP BY c.dim, c.ki, c.kt
        ORDER BY c.dim, CASE WHEN c.dim = 0 THEN 0 ELSE MAX(c.total) END DESC, c.ki, c.kt
    """  # nosec B608 # SQL from Django's compiler and constants; values bound
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for dim, ki, kt, *figures in cursor.fetchall():
            out[SHARED[int(dim)]].append(_figures(kt if int(dim) <= 1 else ki, *figures))
    return out


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


def _dimension(
    qs: QuerySet[Milestone], dimension: str, shared: dict[str, list[dict[str, Any]]]
) -> list[Group]:
    if dimension in shared:  # month, type, owner, party: from _shared
        rows = shared[dimension]
    else:
        # By contract: thousands of contracts, of which the TOP are shown. Choose them first
        # by a count read from the covering index (no date arithmetic), then build the
        # histogram of their rows only, not of every completed row.
        top = (
            qs.values("contract_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "contract_id")
            .values_list("contract_id", flat=True)[:TOP]
        )
        rows = _grouped(qs.filter(contract_id__in=list(top)), F("contract_id"), TOP)
    labels = _labels(dimension, [r["group_key"] for r in rows]) if rows else {}
    return [_group(r, labels.get(r["group_key"], str(r["group_key"]))) for r in rows]


def _overall(rows: list[dict[str, Any]]) -> Group:
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


WORST = 10
WORST_ROWS = 200  # slipping rows read, most slip first, to find the WORST contracts


def _open_work(actor: Actor, f: PortfolioFilter) -> dict[str, Any]:
    """Open milestones: how far their forecast lies past their baseline. One query computes
    each row's slip once (a materialized CTE) and reads it twice: summed overall, and the
    WORST_ROWS rows that slip most (a bounded sort, not a GROUP BY of every open row by
    contract). A contract's worst slip is its first row in that order, so the first WORST
    contracts met there are the WORST contracts (ties by id); their totals come from a
    second query over their own rows. "Slipping" is a slip above zero: the forecast (or the
    due date when there is none) lies after the baseline."""
    qs = scoped_milestones(actor, f).filter(is_open(), baseline_due_date__isnull=False)
    forecast = Coalesce(F("forecast_date"), F("due_date"))
    rows = qs.annotate(slip=DaysBetween(forecast, F("baseline_due_date"))).values(
        "contract_id", "slip"
    )
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
    out = dict(empty)
    limit = WORST_ROWS
    while True:
        sql = f"""
            WITH r AS {_materialized()} ({inner})
            SELECT 0, CAST(NULL AS INTEGER), COUNT(*),
                SUM(CASE WHEN slip > 0 THEN 1 ELSE 0 END), COUNT(slip), SUM(slip), MAX(slip)
            FROM r
            UNION ALL
            SELECT * FROM (
                SELECT 1, contract_id, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER),
                    CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), slip
                FROM r WHERE slip > 0 ORDER BY slip DESC, contract_id LIMIT {int(limit)}
            ) w
        """  # nosec B608 # SQL from Django's compiler and constants; values bound
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        top = sorted((-int(r[6]), r[1]) for r in found if r[0] == 1)
        worst_ids: list[int] = []
        for _, contract_id in top:
            if contract_id not in worst_ids:
                worst_ids.append(contract_id)
        if len(worst_ids) >= WORST or len(top) < limit:
            break
        limit *= 8  # many slipping rows in few contracts: read further
    for part, _, n_open, slipping, slips, slip_total, worst in found:
        if part == 0:
            out["open"], out["slipping"] = int(n_open or 0), int(slipping or 0)
            out["average_slip"] = float(slip_total) / int(slips) if slips else None
            out["worst_slip"] = int(worst) if worst is not None else None
    worst_ids = worst_ids[:WORST]
    if not worst_ids:
        return out
    slipping_q = Q(forecast_date__gt=F("baseline_due_date")) | Q(
        forecast_date__isnull=True, due_date__gt=F("baseline_due_date")
    )
    totals = (
        qs.filter(slipping_q, contract_id__in=worst_ids)
        .annotate(slip=DaysBetween(forecast, F("baseline_due_date")))
        .values("contract_id")
        .annotate(milestones=Count("pk"), total=Sum("slip"), worst=Max("slip"))
        .order_by()
    )
    numbers = dict(Contract.objects.filter(pk__in=worst_ids).values_list("pk", "number"))
    by_id = {t["contract_id"]: t for t in totals}
    out["contracts"] = [
        {
            "contract_id": pk,
            "milestones": int(by_id[pk]["milestones"]),
            "worst": int(by_id[pk]["worst"]),
            "total": int(by_id[pk]["total"]),
            "number": numbers.get(pk, ""),
        }
        for pk in worst_ids
    ]
    return out


def analytics(
    actor: Actor, f: PortfolioFilter, since: date | None = None, until: date | None = None
) -> Analytics:
    """Completed work between `since` and `until` (default: the last 365 days)."""
    until = until or portfolio_today(actor)
    since = since or until - timedelta(days=365)
    qs = _completed(actor, f, since, until)
    shared = _shared(qs)
    by = {d: _dimension(qs, d, shared) for d in DIMENSIONS}
    names = type_map(actor.organisation.pk)  # the organisation's milestone types
    for group in by["kind"]:
        group.label = names.name(group.key)
    return Analytics(
        since=since,
        until=until,
        overall=_overall(shared["all"]),
        by=by,
        bottlenecks={"kind": _bottlenecks(by["kind"]), "party": _bottlenecks(by["party"])},
        open_work=_open_work(actor, f),
    )
