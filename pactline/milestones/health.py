"""Milestone health: derived from status and dates, never stored.

The same rules exist twice on purpose, kept equal by tests: `health_of` for one object in
Python, and `health_expression` / `health_q` for SQL so lists filter and count in the database.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When

from pactline.milestones.models import (
    COMPLETE_STATUSES,
    OPEN_STATUSES,
    Dependency,
    Milestone,
    MilestoneStatus,
)


class Health(StrEnum):
    OVERDUE = "overdue"
    AT_RISK = "at_risk"
    DUE_SOON = "due_soon"
    ON_TRACK = "on_track"
    UNSCHEDULED = "unscheduled"
    DONE_LATE = "done_late"
    DONE_ON_TIME = "done_on_time"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Worst first: a contract's health is its worst milestone's.
SEVERITY = list(Health)

_OPEN = [s.value for s in OPEN_STATUSES]
_COMPLETE = [s.value for s in COMPLETE_STATUSES]


def due_soon_limit(today: date) -> date:
    return today + timedelta(days=settings.PACTLINE_DUE_SOON_DAYS)


def health_of(m: Milestone, today: date, predecessor_late: bool = False) -> Health:
    """`predecessor_late`: an open milestone it follows (anchor or link) is overdue."""
    if m.status == MilestoneStatus.CANCELLED:
        return Health.CANCELLED
    if m.status in COMPLETE_STATUSES:
        if m.due_date is None or m.completed_on is None or m.completed_on <= m.due_date:
            return Health.DONE_ON_TIME
        return Health.DONE_LATE
    if m.due_date is None:
        return Health.UNSCHEDULED
    if m.due_date < today:
        return Health.OVERDUE
    if predecessor_late or (m.forecast_date is not None and m.forecast_date > m.due_date):
        return Health.AT_RISK
    if m.due_date <= due_soon_limit(today):
        return Health.DUE_SOON
    return Health.ON_TRACK


def predecessor_late_q(today: date) -> Q:
    """An open milestone this one follows, by its rule's anchor or a link, is overdue."""
    late_link = Dependency.objects.filter(
        successor=OuterRef("pk"), predecessor__status__in=_OPEN, predecessor__due_date__lt=today
    )
    # A subquery, not a join with the anchor: a join would stay in every COUNT of a list that
    # carries the health annotation and make it read each row's table entry.
    late_anchor = Milestone.objects.filter(
        pk=OuterRef("anchor_milestone_id"), status__in=_OPEN, due_date__lt=today
    )
    return Q(due_anchor__in=["milestone", "milestone_done"]) & Q(Exists(late_anchor)) | Q(
        Exists(late_link)
    )


def health_q(health: Health | str, today: date, prefix: str = "", predecessors: bool = True) -> Q:
    """A filter selecting milestones of one health; `prefix` walks from a related model.
    `predecessors=False` leaves a late predecessor out of "at risk", as a prefix does.

    Through a prefix (a contract's worst health) a late predecessor is left out of "at risk":
    dependencies stay inside one contract, so that contract is already "overdue".
    """
    p = prefix
    h = Health(health)
    is_open = Q(**{f"{p}status__in": _OPEN})
    if not p:
        # Said as the open partial indexes say it, so SQLite can read open work in due-date
        # order from milestone_open_due (see reports.queries.filters.LiteralIn).
        from pactline.reports.queries.filters import is_open as literal_open

        is_open = Q(literal_open())
    has_due = Q(**{f"{p}due_date__isnull": False})
    not_late = Q(**{f"{p}due_date__gte": today})
    if h is Health.CANCELLED:
        return Q(**{f"{p}status": MilestoneStatus.CANCELLED})
    if h is Health.DONE_LATE:
        return Q(**{f"{p}status__in": _COMPLETE, f"{p}completed_on__gt": F(f"{p}due_date")})
    if h is Health.DONE_ON_TIME:
        return Q(**{f"{p}status__in": _COMPLETE}) & ~Q(
            **{f"{p}completed_on__gt": F(f"{p}due_date")}
        )
    if h is Health.UNSCHEDULED:
        return is_open & Q(**{f"{p}due_date__isnull": True})
    if h is Health.OVERDUE:
        return is_open & Q(**{f"{p}due_date__lt": today})
    # Built only for the healths that read it: the late-predecessor subqueries cost a list
    # request more to build than its SQL takes to run.
    at_risk = Q(**{f"{p}forecast_date__gt": F(f"{p}due_date")}) & Q(
        **{f"{p}forecast_date__isnull": False}
    )
    if not p and predecessors:
        at_risk = at_risk | predecessor_late_q(today)
    if h is Health.AT_RISK:
        return is_open & has_due & not_late & at_risk
    if h is Health.DUE_SOON:
        return is_open & not_late & Q(**{f"{p}due_date__lte": due_soon_limit(today)}) & ~at_risk
    return is_open & Q(**{f"{p}due_date__gt": due_soon_limit(today)}) & ~at_risk


def health_expression(today: date) -> Case:
    """An annotation computing each milestone's health in SQL.

    A WHEN is tried only when those before it failed, so "due soon" and "on track" need not
    repeat the late-predecessor subqueries of "not at risk": an open milestone due today or
    later reaches them only when it is not at risk (that condition is never NULL)."""
    return Case(
        *(
            When(
                health_q(h, today, predecessors=h not in (Health.DUE_SOON, Health.ON_TRACK)),
                then=Value(h.value),
            )
            for h in SEVERITY
        ),
        default=Value(Health.ON_TRACK.value),
        output_field=CharField(),
    )
