"""Read models for milestone lists: filters, health and checklist progress in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from pactline.accounts.permissions import Actor
from pactline.milestones.health import Health, health_expression, health_q
from pactline.milestones.models import ChecklistItem, Milestone
from pactline.milestones.scheduling import local_today


def portfolio_today(actor: Actor) -> date:
    """'Today' for lists that span contracts: the organisation's time zone decides."""
    return local_today(actor.organisation.default_time_zone)


def _checklist_count(done: bool | None) -> Subquery:
    items = ChecklistItem.objects.filter(milestone=OuterRef("pk"))
    if done is not None:
        items = items.filter(done=done)
    counted = items.order_by().values("milestone").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_details(
    qs: QuerySet[Milestone], today: date, known_health: Health | None = None
) -> QuerySet[Milestone]:
    """`known_health`: every row already has this health (the list filters on that one
    health alone), so it is a constant rather than the CASE, which costs a list request more
    to build and compile than its SQL takes to run (docs/performance.md, HTTP load)."""
    health = Value(known_health.value) if known_health else health_expression(today)
    return qs.select_related("contract", "owner", "approver", "anchor_milestone").annotate(
        health=health,
        checklist_total=_checklist_count(None),
        checklist_done=_checklist_count(True),
    )


@dataclass
class MilestoneFilter:
    contract_id: int | None = None
    status: list[str] | None = None
    owner_id: int | None = None
    party_id: int | None = None
    tag: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    health: list[str] | None = None
    q: str | None = None


ORDERINGS = {
    "due_date": ("due_date", "pk"),
    "-due_date": ("-due_date", "-pk"),
    "title": ("title", "pk"),
    "status": ("status", "due_date", "pk"),
    "contract": ("contract__number", "position", "pk"),
    "position": ("contract_id", "position", "pk"),
}


def milestone_list(
    actor: Actor, f: MilestoneFilter, ordering: str = "due_date"
) -> QuerySet[Milestone]:
    from pactline.reports.queries.filters import visible_milestones

    today = portfolio_today(actor)
    # The same rows as permissions.visible_milestones (tests/reports/test_scoping.py), said
    # without a join with every milestone's contract (a few hidden contracts excluded).
    qs = visible_milestones(actor)
    if f.contract_id is not None:
        qs = qs.filter(contract_id=f.contract_id)
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.party_id is not None:
        qs = qs.filter(contract__parties=f.party_id)
    if f.tag:
        qs = qs.filter(contract__tags__name=f.tag)
    if f.due_before is not None:
        qs = qs.filter(due_date__lte=f.due_before)
    if f.due_after is not None:
        qs = qs.filter(due_date__gte=f.due_after)
    known_health = None
    if f.health:
        # The healths exclude each other (tests/milestones/test_health.py), so rows filtered
        # on one health have that health.
        if len(set(f.health)) == 1:
            known_health = Health(f.health[0])
        combined = Q()
        for h in f.health:
            combined |= health_q(Health(h), today)
        qs = qs.filter(combined)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(contract__number__icontains=f.q))
    order = ORDERINGS.get(ordering, ORDERINGS["due_date"])
    return with_details(qs, today, known_health).order_by(*order)


def contract_milestones(actor: Actor, contract_id: int) -> QuerySet[Milestone]:
    return milestone_list(actor, MilestoneFilter(contract_id=contract_id), "position")
