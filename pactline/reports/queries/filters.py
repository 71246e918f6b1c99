"""The filters every report shares (party, owner, tag, contract status, one contract), and
small SQL helpers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Exists, F, Func, IntegerField, OuterRef, QuerySet

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.milestones.models import OPEN_STATUSES, Milestone

# In the order of the partial indexes' condition (milestone_open_due, milestone_open_cover):
# SQLite uses a partial index only when the query repeats its condition term for term, and an
# IN list in another order is another term. A test keeps the two equal.
OPEN = ["planned", "in_progress", "submitted", "rejected"]
assert set(OPEN) == {s.value for s in OPEN_STATUSES}


class LiteralIn(Func):
    """`column IN ('a', 'b')` with the values written into the SQL, not bound as parameters:
    SQLite matches a query to a partial index when it is prepared, before parameters are
    bound, so `status IN (?, ?, ?, ?)` never uses an index made for the open statuses. The
    values are our own constants (checked), never user input."""

    output_field = BooleanField()

    def __init__(self, column: str, values: Sequence[str]) -> None:
        if not all(re.fullmatch(r"[a-z_]+", v) for v in values):
            raise ValueError(values)
        literals = ", ".join(f"'{v}'" for v in values)
        super().__init__(F(column), template=f"%(expressions)s IN ({literals})")


def is_open(prefix: str = "") -> LiteralIn:
    """The milestone (at `prefix`) is open, said as the open partial indexes say it."""
    return LiteralIn(f"{prefix}status", OPEN)


@dataclass
class PortfolioFilter:
    party_id: int | None = None
    owner_id: int | None = None
    tag: str | None = None
    contract_status: list[str] = field(default_factory=list)
    contract_id: int | None = None

    def query(self) -> dict[str, Any]:
        """The filter as query parameters of the milestone and contract lists."""
        out: dict[str, Any] = {}
        if self.party_id is not None:
            out["party"] = self.party_id
        if self.owner_id is not None:
            out["owner"] = self.owner_id
        if self.tag:
            out["tag"] = self.tag
        if self.contract_status:
            out["contract_status"] = list(self.contract_status)
        if self.contract_id is not None:
            out["contract"] = self.contract_id
        return out


def link(path: str, **params: Any) -> str:
    """`path?params`, repeating list values; None values are left out."""
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs += [(key, v) for v in value]
        elif isinstance(value, date):
            pairs.append((key, value.isoformat()))
        else:
            pairs.append((key, value))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def _party(party_id: int, ref: str) -> Exists:
    return Exists(
        Contract.parties.through.objects.filter(contract_id=OuterRef(ref), party_id=party_id)
    )


def _tag(tag: str, ref: str) -> Exists:
    return Exists(Contract.tags.through.objects.filter(contract_id=OuterRef(ref), tag__name=tag))


def hidden_contracts(actor: Actor) -> list[int]:
    """The organisation's restricted contracts this person may not see: usually none, always a
    handful, read through the contract_restricted index."""
    restricted = Contract.objects.filter(organisation=actor.organisation, restricted=True)
    visible = permissions.visible_contracts(actor).filter(restricted=True).values("pk")
    return list(restricted.exclude(pk__in=visible).values_list("pk", flat=True))


def visible_milestones(actor: Actor) -> QuerySet[Milestone]:
    """permissions.visible_milestones, said so that SQLite keeps a good plan on a large
    portfolio. For the organisation's people only restricted contracts are ever hidden, so the
    condition is "not one of these few contracts", read first (one indexed query), instead of
    a join with every milestone's contract and a correlated EXISTS per row; with nothing
    hidden, the counts read covering indexes alone. Guests (a small share of the portfolio)
    keep the general rule. A test compares both for every persona."""
    if actor.is_guest:
        return permissions.visible_milestones(actor)
    qs = Milestone.objects.filter(organisation=actor.organisation)
    if permissions.can_see_restricted(actor):
        return qs
    hidden = hidden_contracts(actor)
    return qs.exclude(contract_id__in=hidden) if hidden else qs


def scoped_milestones(actor: Actor, f: PortfolioFilter) -> QuerySet[Milestone]:
    qs = visible_milestones(actor)
    if f.contract_id is not None:
        qs = qs.filter(contract_id=f.contract_id)
    if f.party_id is not None:
        qs = qs.filter(_party(f.party_id, "contract_id"))
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.tag:
        qs = qs.filter(_tag(f.tag, "contract_id"))
    if f.contract_status:
        qs = qs.filter(contract__status__in=f.contract_status)
    return qs.order_by()


def scoped_contracts(actor: Actor, f: PortfolioFilter) -> QuerySet[Contract]:
    """Contracts under the same filter; "owner" is the contract's owner here."""
    if actor.is_guest:
        qs = permissions.visible_contracts(actor)
    else:
        qs = Contract.objects.filter(organisation=actor.organisation)
        hidden = [] if permissions.can_see_restricted(actor) else hidden_contracts(actor)
        qs = qs.exclude(pk__in=hidden) if hidden else qs
    if f.contract_id is not None:
        qs = qs.filter(pk=f.contract_id)
    if f.party_id is not None:
        qs = qs.filter(_party(f.party_id, "pk"))
    if f.owner_id is not None:
        qs = qs.filter(owner_id=f.owner_id)
    if f.tag:
        qs = qs.filter(_tag(f.tag, "pk"))
    if f.contract_status:
        qs = qs.filter(status__in=f.contract_status)
    return qs.order_by()


class DaysBetween(Func):
    """later - earlier in whole days, as an integer, on SQLite and PostgreSQL."""

    output_field = IntegerField()

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra
        )


def days_late() -> DaysBetween:
    return DaysBetween(F("completed_on"), F("due_date"))


class PeriodStart(Func):
    """The first day of the week (Monday) or month of a date, in SQL on both databases."""

    def __init__(self, expression: Any, grain: str) -> None:
        from django.db.models import DateField

        if grain not in ("week", "month"):
            raise ValueError(grain)
        self.grain = grain
        super().__init__(expression, output_field=DateField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        modifier = "'weekday 0', '-6 days'" if self.grain == "week" else "'start of month'"
        return self.as_sql(
            compiler, connection, template=f"date(%(expressions)s, {modifier})", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"CAST(date_trunc('{self.grain}', %(expressions)s) AS date)",
            **extra,
        )


def money_expression(expression: Any) -> Any:
    from django.db.models import DecimalField, ExpressionWrapper

    return ExpressionWrapper(expression, output_field=DecimalField(max_digits=18, decimal_places=2))


def net_amount() -> Any:
    """The part of a payment paid with its milestone: the amount less any retention."""
    from decimal import Decimal

    from django.db.models import Value
    from django.db.models.functions import Coalesce

    return money_expression(
        F("payment_amount") - Coalesce(F("retention_amount"), Value(Decimal("0")))
    )
