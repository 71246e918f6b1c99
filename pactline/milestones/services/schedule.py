"""Keeping a contract's dates true: load, solve with the pure cascade, write what moved.

Every change that can move dates (a milestone's rule, an override, a completion, a dependency,
the contract's dates or calendar, closure days) ends here: the whole contract is solved again in
the same transaction, each milestone whose due date moves gets one "rescheduled" event naming
the cause, and baselines stay, so slip = due - baseline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from pactline import faults
from pactline.accounts.permissions import Actor
from pactline.activity.services import note_derived_change, record_many
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.milestones.models import COMPLETE_STATUSES, OPEN_STATUSES, Dependency, Milestone
from pactline.milestones.scheduling import (
    Anchor,
    ContractDates,
    CycleError,
    DueRule,
    Link,
    Node,
    PeriodEnd,
    Result,
    Roll,
    Unit,
    WorkCalendar,
    solve,
)
from pactline.milestones.services.common import calendar_for, contract_today


@dataclass
class ContractState:
    """A contract's milestones and links as rows, ready to be changed in memory and solved."""

    contract: Contract
    milestones: dict[int, Milestone]
    links: dict[int, list[Dependency]]  # successor id -> its links
    cal: WorkCalendar
    today: date


def load(contract: Contract, closures: Mapping[date, str] | None = None) -> ContractState:
    milestones = {m.pk: m for m in Milestone.objects.filter(contract=contract).order_by("pk")}
    links: dict[int, list[Dependency]] = {}
    for dep in Dependency.objects.filter(successor__contract=contract).order_by("pk"):
        links.setdefault(dep.successor_id, []).append(dep)
    return ContractState(
        contract=contract,
        milestones=milestones,
        links=links,
        cal=calendar_for(contract, closures),
        today=contract_today(contract),
    )


def rule_of(m: Milestone) -> DueRule:
    anchor = Anchor(m.due_anchor)
    return DueRule(
        anchor=anchor,
        offset=m.due_offset,
        unit=Unit(m.due_unit),
        roll=Roll(m.due_roll),
        period_end=PeriodEnd(m.due_period_end),
        fixed_date=m.due_fixed if anchor is Anchor.ABSOLUTE else None,
    )


def node_of(m: Milestone, links: Iterable[Dependency]) -> Node:
    return Node(
        id=m.pk,
        title=m.title,
        rule=rule_of(m),
        anchor_id=m.anchor_milestone_id,
        override=m.due_override,
        completed_on=m.completed_on if m.status in COMPLETE_STATUSES else None,
        is_open=m.status in OPEN_STATUSES,
        links=tuple(Link(d.predecessor_id, d.lag, Unit(d.lag_unit)) for d in links),
    )


def solve_state(state: ContractState, field: str = "anchor_milestone_id") -> dict[int, Result]:
    """Solve the contract; a cycle is a validation error on `field` naming the loop."""
    contract = state.contract
    nodes = [node_of(m, state.links.get(pk, ())) for pk, m in state.milestones.items()]
    dates = ContractDates(start=contract.start_on, end=contract.end_on, signed=contract.signed_on)
    try:
        return solve(nodes, dates, state.cal, state.today)
    except CycleError as exc:
        raise ValidationFailed.one(field, f"would make a {exc}") from None
    except (ValueError, OverflowError) as exc:  # a date beyond the calendar, no working days
        raise ValidationFailed.one("due_offset", f"gives no usable due date ({exc})") from None


@dataclass
class Move:
    """How one milestone's schedule changes."""

    milestone: Milestone
    result: Result

    @property
    def old_due(self) -> date | None:
        return self.milestone.due_date

    @property
    def new_due(self) -> date | None:
        return self.result.due

    @property
    def due_moves(self) -> bool:
        return self.old_due != self.new_due

    def as_dict(self) -> dict[str, Any]:
        m = self.milestone
        return {
            "milestone_id": m.pk,
            "title": m.title,
            "old_due_date": self.old_due,
            "new_due_date": self.new_due,
            "old_forecast_date": m.forecast_date,
            "new_forecast_date": self.result.forecast,
            "trace": self.result.trace,
            "provisional": self.result.provisional,
            "payment_amount": m.payment_amount,
        }


def apply_result(m: Milestone, r: Result) -> None:
    m.due_date = r.due
    m.computed_due_date = r.computed
    m.due_date_trace = r.trace
    m.due_provisional = r.provisional
    m.forecast_date = r.forecast
    if m.baseline_due_date is None:
        m.baseline_due_date = r.due


def _differs(m: Milestone, r: Result) -> bool:
    return (
        m.due_date != r.due
        or m.computed_due_date != r.computed
        or m.due_date_trace != r.trace
        or m.due_provisional != r.provisional
        or m.forecast_date != r.forecast
        or (m.baseline_due_date is None and r.due is not None)
    )


def moves(
    state: ContractState, results: Mapping[int, Result], skip: Iterable[int] = ()
) -> list[Move]:
    skipped = set(skip)
    return [
        Move(state.milestones[pk], r)
        for pk, r in results.items()
        if pk not in skipped and _differs(state.milestones[pk], r)
    ]


def write(actor: Actor, changed: list[Move], reason: str) -> None:
    """Save what moved; one "rescheduled" event per milestone whose due date moved.

    Forecast, trace and provisional flags are derived data: they are saved without an event
    and without a new version, so a client's edit is not refused because a forecast moved.
    """
    if not changed:
        return
    now = timezone.now()
    events = []
    moved = [mv for mv in changed if mv.due_moves]  # before the rows take the new dates
    for move in moved:
        m = move.milestone
        events.append(
            {
                "verb": "rescheduled",
                "subject": m,
                "contract_id": m.contract_id,
                "summary": f"Milestone {m.title} rescheduled from {m.due_date or 'unscheduled'} "
                f"to {move.new_due or 'unscheduled'}: {reason}",
                "changes": {
                    "due_date": {"before": m.due_date, "after": move.new_due},
                    "reason": {"before": None, "after": reason[:500]},
                },
            }
        )
    for move in changed:
        apply_result(move.milestone, move.result)
    _save_schedules([mv.milestone for mv in changed])
    if moved:
        Milestone.objects.filter(pk__in=[mv.milestone.pk for mv in moved]).update(
            version=F("version") + 1, updated_at=now
        )
        for mv in moved:
            mv.milestone.version += 1
    faults.pause("cascade.write")  # crash tests: dates written, their events not yet
    if events:
        record_many(actor, events)
    else:
        note_derived_change(actor.organisation.pk)


SCHEDULE_COLUMNS = (
    "due_date",
    "computed_due_date",
    "due_date_trace",
    "due_provisional",
    "forecast_date",
    "baseline_due_date",
)


def _save_schedules(rows: list[Milestone]) -> None:
    """One parameterised UPDATE per row, sent with executemany.

    Django's bulk_update builds a CASE expression per field and batch, which costs more than
    the solve itself for large recomputes; this is the same write, one statement shape.
    """
    fields = [Milestone._meta.get_field(name) for name in SCHEDULE_COLUMNS]
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    table = connection.ops.quote_name(Milestone._meta.db_table)
    sql = f"UPDATE {table} SET {sets} WHERE id = %s"  # nosec B608 # names from the model
    params = [
        [f.get_db_prep_value(getattr(m, f.attname), connection) for f in fields] + [m.pk]
        for m in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def recompute(
    actor: Actor,
    contract: Contract,
    reason: str,
    closures: Mapping[date, str] | None = None,
) -> list[Move]:
    """Solve the contract again and write what moved (after any change outside a milestone)."""
    state = load(contract, closures)
    results = solve_state(state)
    changed = moves(state, results)
    write(actor, changed, reason)
    return changed


def recompute_organisation(actor: Actor, reason: str, batch: int = 2000) -> int:
    """After a calendar change (closure days): solve every contract of the organisation again.

    Rows are read contract by contract in large batches rather than one query per contract,
    and each batch's changes are written with bulk updates and one event append, so 100,000
    milestones take seconds, not minutes. Returns how many milestones' due dates moved.
    """
    from pactline.milestones.services.common import closures_for

    closures = closures_for(actor.organisation.pk)
    contracts = Contract.objects.filter(organisation=actor.organisation).order_by("pk")
    moved = 0
    ids = list(contracts.values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = {c.pk: c for c in contracts.filter(pk__in=ids[start : start + batch])}
        milestones: dict[int, dict[int, Milestone]] = {pk: {} for pk in chunk}
        for m in Milestone.objects.filter(contract_id__in=chunk).order_by("pk"):
            milestones[m.contract_id][m.pk] = m
        links: dict[int, list[Dependency]] = {}
        for dep in Dependency.objects.filter(successor__contract_id__in=chunk).order_by("pk"):
            links.setdefault(dep.successor_id, []).append(dep)
        changed: list[Move] = []
        for pk, contract in chunk.items():
            state = ContractState(
                contract=contract,
                milestones=milestones[pk],
                links={s: links[s] for s in milestones[pk] if s in links},
                cal=calendar_for(contract, closures),
                today=contract_today(contract),
            )
            changed += moves(state, solve_state(state))
        moved += sum(1 for mv in changed if mv.due_moves)
        write(actor, changed, reason)
    return moved
