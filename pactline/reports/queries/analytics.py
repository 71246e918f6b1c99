"""Analytics of completed and open work: on-time rate, days late (median, 90th percentile) by
owner, party, milestone type, contract and month; bottlenecks; forecast against baseline.

"Days late" of a completed milestone is its completion date less its due date, and 0 when it
was done on time (on or before its due date, as in the health "done on time").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Avg, Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from pactline.accounts.models import User
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract, Party
from pactline.milestones.models import COMPLETE_STATUSES, Milestone, MilestoneKind
from pactline.milestones.queries import portfolio_today
from pactline.reports.queries.filters import (
    DaysBetween,
    PeriodStart,
    PortfolioFilter,
    is_open,
    scoped_milestones,
)
from pactline.reports.queries.percentiles import percentiles

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
    "party": lambda: F("contract__parties__id"),
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


def _counts(qs: QuerySet[Milestone], key: Any, limit: int | None) -> list[dict[str, Any]]:
    rows = (
        qs.annotate(group_key=key)
        .values("group_key")
        .annotate(
            completed=Count("pk"),
            on_time=Count("pk", filter=Q(completed_on__lte=F("due_date"))),
            late_total=Coalesce(Sum(late_days()), 0),
        )
    )
    order = ["group_key"] if limit is None else ["-completed", "group_key"]
    rows = rows.order_by(*order)
    return list(rows[:limit] if limit else rows)


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


def _dimension(qs: QuerySet[Milestone], dimension: str) -> list[Group]:
    key = KEYS[dimension]()
    limit = None if dimension == "month" else TOP
    rows = _counts(qs, key, limit)
    keys = [r["group_key"] for r in rows]
    if not keys:
        return []
    scope = qs
    if dimension != "month":
        present = Q(group_key__in=[k for k in keys if k is not None])
        if None in keys:
            present |= Q(group_key__isnull=True)
        scope = qs.annotate(group_key=key).filter(present)
    pcts = percentiles(scope, key, late_days())
    labels = _labels(dimension, keys)
    return [
        Group(
            key=r["group_key"],
            label=labels.get(r["group_key"], str(r["group_key"])),
            completed=r["completed"],
            on_time=r["on_time"],
            late_days_total=r["late_total"],
            median=pcts.get(r["group_key"], (None, None))[0],
            p90=pcts.get(r["group_key"], (None, None))[1],
        )
        for r in rows
    ]


def _overall(qs: QuerySet[Milestone]) -> Group:
    row = qs.aggregate(
        completed=Count("pk"),
        on_time=Count("pk", filter=Q(completed_on__lte=F("due_date"))),
        late_total=Coalesce(Sum(late_days()), 0),
    )
    pcts = percentiles(qs, Value(1, output_field=IntegerField()), late_days()).get(1, (None, None))
    return Group("all", "All", row["completed"], row["on_time"], row["late_total"], *pcts)


def _bottlenecks(groups: list[Group]) -> list[Group]:
    """The groups whose work slips most: average days late, then share done late."""
    candidates = [g for g in groups if g.completed >= MIN_FOR_BOTTLENECK and g.late_days_total]
    candidates.sort(key=lambda g: (-(g.average_late or 0), g.on_time_rate or 0))
    return candidates[:BOTTLENECKS]


def _open_work(actor: Actor, f: PortfolioFilter) -> dict[str, Any]:
    """Open milestones: how far their forecast lies past their baseline."""
    qs = scoped_milestones(actor, f).filter(is_open(), baseline_due_date__isnull=False)
    forecast = Coalesce(F("forecast_date"), F("due_date"))
    slip = DaysBetween(forecast, F("baseline_due_date"))
    overall = qs.aggregate(
        open=Count("pk"),
        slipping=Count(
            "pk",
            filter=Q(forecast_date__gt=F("baseline_due_date"))
            | Q(forecast_date__isnull=True, due_date__gt=F("baseline_due_date")),
        ),
        average_slip=Avg(slip),
        worst_slip=Max(slip),
    )
    worst = list(
        qs.annotate(slip=slip)
        .filter(slip__gt=0)
        .values("contract_id")
        .annotate(milestones=Count("pk"), worst=Max("slip"), total=Sum("slip"))
        .order_by("-worst", "contract_id")[:10]
    )
    numbers = dict(
        Contract.objects.filter(pk__in=[w["contract_id"] for w in worst]).values_list(
            "pk", "number"
        )
    )
    for w in worst:
        w["number"] = numbers.get(w["contract_id"], "")
    return {**overall, "contracts": worst}


def analytics(
    actor: Actor, f: PortfolioFilter, since: date | None = None, until: date | None = None
) -> Analytics:
    """Completed work between `since` and `until` (default: the last 365 days)."""
    until = until or portfolio_today(actor)
    since = since or until - timedelta(days=365)
    qs = _completed(actor, f, since, until)
    by = {d: _dimension(qs, d) for d in DIMENSIONS}
    return Analytics(
        since=since,
        until=until,
        overall=_overall(qs),
        by=by,
        bottlenecks={"kind": _bottlenecks(by["kind"]), "party": _bottlenecks(by["party"])},
        open_work=_open_work(actor, f),
    )
