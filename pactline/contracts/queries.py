"""Read models for the contract list: health badge and next due milestone, computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.milestones.health import SEVERITY, Health, health_q
from pactline.milestones.models import OPEN_STATUSES, Milestone
from pactline.milestones.queries import portfolio_today

NO_MILESTONES = "none"


@dataclass
class ContractFilter:
    q: str | None = None
    status: list[str] | None = None
    party_id: int | None = None
    owner_id: int | None = None
    tag: str | None = None
    health: str | None = None


SORTS = {
    "number": ("number", "pk"),
    "-number": ("-number", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
    "status": ("status", "number"),
    "value": ("value", "number"),
    "-value": ("-value", "number"),
    "start_on": ("start_on", "number"),
    "end_on": ("end_on", "number"),
    "next_due": ("next_due_date", "number"),
    "health": ("worst_rank", "number"),
    "-updated": ("-updated_at", "-pk"),
}


def health_label(rank: int | None) -> str:
    return NO_MILESTONES if rank is None else SEVERITY[rank].value


def contract_list(actor: Actor, f: ContractFilter, sort: str = "number") -> QuerySet[Contract]:
    today = portfolio_today(actor)
    qs = permissions.visible_contracts(actor)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(title__icontains=term)
            | Q(description__icontains=term)
            | Exists(
                Contract.parties.through.objects.filter(
                    contract_id=OuterRef("pk"), party__name__icontains=term
                )
            )
        )
    if f.status:
        qs = qs.filter(status__in=f.status)
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.party_id is not None:
        qs = qs.filter(
            Exists(
                Contract.parties.through.objects.filter(
                    contract_id=OuterRef("pk"), party_id=f.party_id
                )
            )
        )
    if f.tag:
        qs = qs.filter(
            Exists(
                Contract.tags.through.objects.filter(contract_id=OuterRef("pk"), tag__name=f.tag)
            )
        )
    # The worst health as one EXISTS per health, worst first (not MIN over a join with every
    # milestone, which grouped all the organisation's milestones before the page was cut): each
    # probe reads one contract's milestones from its index, and only for the rows the database
    # actually needs (the page's, unless the list is filtered or sorted by health).
    has = [Exists(_contract_milestones().filter(_contract_health_q(h, today))) for h in SEVERITY]
    rank = Case(
        *(When(exists, then=i) for i, exists in enumerate(has)),
        default=Value(None),
        output_field=IntegerField(),
    )
    next_due = (
        _contract_milestones()
        .filter(status__in=[s.value for s in OPEN_STATUSES], due_date__isnull=False)
        .order_by("due_date", "position", "pk")
    )
    qs = qs.annotate(
        worst_rank=rank,
        next_due_id=Subquery(next_due.values("pk")[:1]),
        next_due_title=Subquery(next_due.values("title")[:1]),
        next_due_date=Subquery(next_due.values("due_date")[:1]),
    )
    if f.health:
        # Said as EXISTS, not as the annotation's CASE: a contract is "due soon" when it has a
        # due-soon milestone and none of a worse health, which stops at the first probe for
        # most contracts rather than walking every health for each.
        if f.health == NO_MILESTONES:
            qs = qs.filter(~Exists(_contract_milestones()))
        else:
            wanted = SEVERITY.index(Health(f.health))
            qs = qs.filter(has[wanted])
            for worse in has[:wanted]:
                qs = qs.filter(~worse)
    order = [_nulls_last(field) for field in SORTS.get(sort, SORTS["number"])]
    return qs.select_related("owner").prefetch_related("parties", "tags").order_by(*order)


def _contract_milestones() -> QuerySet[Milestone]:
    return Milestone.objects.filter(contract=OuterRef("pk")).order_by()


def _contract_health_q(h: Health, today: date) -> Q:
    """A milestone of this health as its contract's health counts it: a late predecessor is
    left out of "at risk" (dependencies stay inside one contract, which is then overdue)."""
    return health_q(h, today, predecessors=False)


def _nulls_last(field: str) -> OrderBy:
    """Empty values (no value, no milestones, nothing due) sort last on every database."""
    if field.startswith("-"):
        return F(field[1:]).desc(nulls_last=True)
    return F(field).asc(nulls_last=True)
