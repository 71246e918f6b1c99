"""Moving a milestone through its statuses, with the allowed transitions enforced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.errors import Forbidden, ValidationFailed
from pactline.milestones.models import COMPLETE_STATUSES, Milestone, MilestoneStatus
from pactline.milestones.services import schedule
from pactline.milestones.services.common import contract_today, snapshot
from pactline.validation import Errors, check_date, check_text
from pactline.versioning import bump, lock

S = MilestoneStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.PLANNED, S.SUBMITTED, S.DONE, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED, S.IN_PROGRESS}),
    S.REJECTED: frozenset({S.IN_PROGRESS, S.SUBMITTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.DONE, S.IN_PROGRESS}),
    S.DONE: frozenset({S.IN_PROGRESS}),
    S.CANCELLED: frozenset({S.PLANNED}),
}
# Read once: `S.values` builds a new list on every use, and list pages ask for each row.
_STATUS_VALUES = frozenset(S.values)
_ORDER = {s: i for i, s in enumerate(S)}


def allowed_transitions(actor: Actor, m: Milestone) -> list[str]:
    """The statuses this actor may move `m` to now, for buttons and API hints."""
    out = []
    for target in sorted(TRANSITIONS[m.status], key=_ORDER.__getitem__):
        try:
            check_transition(actor, m, target)
        except (Forbidden, ValidationFailed):
            continue
        out.append(target)
    return out


def check_transition(actor: Actor, m: Milestone, target: str) -> None:
    if target not in _STATUS_VALUES:
        raise ValidationFailed.one("status", f"must be one of {', '.join(S.values)}")
    if target not in TRANSITIONS[m.status]:
        allowed = ", ".join(sorted(TRANSITIONS[m.status]))
        raise ValidationFailed.one(
            "status", f"cannot go from {m.status} to {target}; allowed: {allowed}"
        )
    if target in (S.ACCEPTED, S.REJECTED):
        require(
            permissions.can_decide_acceptance(actor, m),
            "only the approver or a manager accepts or rejects",
        )
    elif target == S.SUBMITTED:
        require(permissions.can_submit_milestone(actor, m), "you may not submit this milestone")
    else:
        require(permissions.can_change_milestone(actor, m), "you may not change this milestone")
    if target == S.SUBMITTED and m.approver_id is None:
        raise ValidationFailed.one("status", "set an approver before submitting for acceptance")
    if target == S.DONE and m.approver_id is not None and m.status != S.ACCEPTED:
        raise ValidationFailed.one(
            "status", "this milestone has an approver: submit it and have it accepted first"
        )


@transaction.atomic
def transition(
    actor: Actor,
    milestone: Milestone,
    target: str,
    expected_version: int | None = None,
    note: str = "",
    completed_on: date | None = None,
    deliverables: Sequence[Mapping[str, Any]] = (),
) -> Milestone:
    """Move a milestone to another status; completing or reopening it moves what follows it.

    `deliverables` (documents handed in with a submission: id, title, version) are recorded
    in the event, so the history shows what was submitted each time."""
    m = lock(milestone, expected_version)
    check_transition(actor, m, target)
    errors = Errors()
    check_text(errors, "note", note, 2000)
    if target == S.REJECTED and not note.strip():
        errors.add("note", "a rejection needs a reason")
    today = contract_today(m.contract)
    if completed_on is not None:
        check_date(errors, "completed_on", completed_on)
        if "completed_on" not in errors and completed_on > today:
            errors.add("completed_on", "must not be in the future")
    errors.raise_if_any()
    before = snapshot(m)
    previous = m.status
    m.status = target
    if target in COMPLETE_STATUSES:
        if previous not in COMPLETE_STATUSES or completed_on is not None:
            m.completed_on = completed_on or today
    else:
        m.completed_on = None
    _stamp_invoiceable(m)
    bump(m)
    m.updated_at = timezone.now()
    state = schedule.load(m.contract)
    state.milestones[m.pk] = m
    results = schedule.solve_state(state)
    schedule.apply_result(m, results[m.pk])
    m.save()
    changes = diff(before, snapshot(m))
    if note.strip():
        changes["note"] = {"before": None, "after": note.strip()}
    if deliverables:
        changes["deliverables"] = {"before": None, "after": [dict(d) for d in deliverables]}
    label = S(target).label.lower()
    summary = f"Milestone {m.title}: {S(previous).label.lower()} -> {label}"
    if note.strip():
        summary += f" ({note.strip()[:200]})"
    record(actor, "status_changed", m, contract_id=m.contract_id, summary=summary, changes=changes)
    schedule.write(actor, schedule.moves(state, results, skip=[m.pk]), f"{m.title} {label}")
    return m


def _stamp_invoiceable(m: Milestone) -> None:
    """A payment becomes invoiceable when its milestone is accepted (or done); reopening takes
    that back unless it was invoiced already."""
    if m.payment_amount is None or m.invoiced_on is not None:
        return
    m.invoiceable_on = m.completed_on if m.status in COMPLETE_STATUSES else None
