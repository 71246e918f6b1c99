"""What-if: the dates a proposed change would move, without saving; then apply exactly that.

A proposal changes the contract's dates and/or milestones (a new fixed date, an override, a
completion). `preview` solves the contract with the proposal in memory and lists every
milestone whose date would move, with old and new date and the trace, and the payments among
them. Its `basis` fingerprints the contract as it was read; `apply` refuses with a Conflict when
the contract changed since, so what is applied is exactly what was previewed.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.contracts.models import Contract
from pactline.errors import Conflict, ValidationFailed
from pactline.milestones.models import COMPLETE_STATUSES, Dependency, Milestone
from pactline.milestones.services import schedule
from pactline.milestones.services.milestones import update_milestone
from pactline.milestones.services.status import transition

CONTRACT_KEYS = ("start_on", "end_on", "signed_on")
MILESTONE_KEYS = ("due_date", "due_override", "completed_on")


@dataclass
class Preview:
    basis: str
    moves: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)
    # Penalties arrive with the money features; the shape is fixed now so clients can rely on it.
    penalties: list[dict[str, Any]] = field(default_factory=list)


def basis_of(contract: Contract) -> str:
    """A fingerprint of everything the schedule depends on."""
    rows = list(
        Milestone.objects.filter(contract=contract).order_by("pk").values_list("pk", "version")
    )
    links = list(
        Dependency.objects.filter(successor__contract=contract)
        .order_by("pk")
        .values_list("pk", "lag")
    )
    text = f"{contract.pk}:{contract.version}:{rows}:{links}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _check(proposal: Mapping[str, Any], state: schedule.ContractState) -> None:
    errors: dict[str, str] = {}
    for key in set(proposal.get("contract") or {}) - set(CONTRACT_KEYS):
        errors[f"contract.{key}"] = "is not a known field"
    for i, change in enumerate(proposal.get("milestones") or []):
        if change.get("id") not in state.milestones:
            errors[f"milestones.{i}.id"] = "must be a milestone of this contract"
        for key in set(change) - {"id", *MILESTONE_KEYS}:
            errors[f"milestones.{i}.{key}"] = "is not a known field"
    if errors:
        raise ValidationFailed(errors)


def preview(actor: Actor, contract: Contract, proposal: Mapping[str, Any]) -> Preview:
    """What would move, computed in memory; nothing is written."""
    require(permissions.can_manage_contracts(actor), "only managers and above preview a what-if")
    basis = basis_of(contract)
    state = schedule.load(contract)
    _check(proposal, state)
    state.contract = copy.copy(contract)
    for key, value in (proposal.get("contract") or {}).items():
        setattr(state.contract, key, value)
    for change in proposal.get("milestones") or []:
        m = copy.copy(state.milestones[change["id"]])
        if "due_date" in change:
            m.due_anchor, m.due_fixed = "absolute", change["due_date"]
        if "due_override" in change:
            m.due_override = change["due_override"]
        if "completed_on" in change:
            m.completed_on = change["completed_on"]
            if change["completed_on"] is not None and m.status not in COMPLETE_STATUSES:
                m.status = "done"
        state.milestones[m.pk] = m
    results = schedule.solve_state(state)
    out = Preview(basis=basis)
    for move in schedule.moves(state, results):
        current = move.milestone
        if move.old_due == move.result.due and current.forecast_date == move.result.forecast:
            continue  # only the trace or a flag changes
        out.moves.append(move.as_dict())
        if current.payment_amount is not None and move.due_moves:
            out.payments.append(
                {
                    "milestone_id": current.pk,
                    "title": current.title,
                    "amount": current.payment_amount,
                    "currency": contract.currency,
                    "old_due_date": move.old_due,
                    "new_due_date": move.result.due,
                }
            )
    return out


@transaction.atomic
def apply(
    actor: Actor, contract: Contract, proposal: Mapping[str, Any], basis: str, reason: str
) -> Preview:
    """Commit a previewed proposal through the ordinary services, or Conflict if stale."""
    require(permissions.can_manage_contracts(actor), "only managers and above apply a what-if")
    if not reason.strip():
        raise ValidationFailed.one("reason", "say why the dates change")
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if basis_of(locked) != basis:
        raise Conflict("the contract changed since the preview; preview again")
    result = preview(actor, locked, proposal)
    from pactline.contracts.services import update_contract

    if proposal.get("contract"):
        update_contract(actor, locked, dict(proposal["contract"]), None)
    for change in proposal.get("milestones") or []:
        m = Milestone.objects.get(pk=change["id"])
        fields = {k: change[k] for k in ("due_date", "due_override") if k in change}
        if "due_date" in fields:
            fields["due_anchor"] = "absolute"
        if fields:
            m = update_milestone(actor, m, fields, None, reason=reason)
        if change.get("completed_on") is not None and m.status not in COMPLETE_STATUSES:
            transition(actor, m, "done", None, note=reason, completed_on=change["completed_on"])
    return result
