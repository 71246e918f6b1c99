"""Creating, changing and deleting milestones, and the links between them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.customfields import services as custom
from pactline.errors import ValidationFailed
from pactline.milestones.models import ChecklistItem, Dependency, Milestone
from pactline.milestones.scheduling import MILESTONE_ANCHORS, Anchor, PeriodEnd, Roll, Unit
from pactline.milestones.services import schedule
from pactline.milestones.services.common import (
    MAX_OFFSET,
    MILESTONE_FIELDS,
    REASSIGN_FIELDS,
    payment_from_share,
    reject_unknown,
    snapshot,
)
from pactline.milestones.services.types import check_kind, default_reminders_of
from pactline.validation import Errors, check_date, check_money, check_required_text, check_text
from pactline.versioning import bump, lock


def _choices(enum: Any) -> list[str]:
    return [member.value for member in enum]


def _validate(actor: Actor, m: Milestone, kind_was: str | None = None) -> None:
    errors = Errors()
    check_required_text(errors, "title", m.title, 300)
    check_text(errors, "description", m.description, 20000)
    check_text(errors, "external_id", m.external_id, 100)
    check_kind(errors, "kind", actor.organisation.pk, m.kind, kind_was)
    for field, enum in (
        ("due_anchor", Anchor),
        ("due_unit", Unit),
        ("due_roll", Roll),
        ("due_period_end", PeriodEnd),
    ):
        allowed = _choices(enum)
        if getattr(m, field) not in allowed:
            errors.add(field, f"must be one of {', '.join(allowed)}")
    if not isinstance(m.due_offset, int) or abs(m.due_offset) > MAX_OFFSET:
        errors.add("due_offset", f"must be a whole number between -{MAX_OFFSET} and {MAX_OFFSET}")
    check_date(errors, "due_date", m.due_fixed)
    check_date(errors, "due_override", m.due_override)
    check_money(errors, "payment_amount", m.payment_amount)
    if m.payment_share is not None and not Decimal(0) <= Decimal(m.payment_share) <= Decimal(100):
        errors.add("payment_share", "must be a percentage between 0 and 100")
    _check_people(actor, m, errors)
    _check_money_terms(m, errors)
    if m.due_anchor in MILESTONE_ANCHORS:
        _check_anchor_milestone(m, errors)
    else:
        m.anchor_milestone_id = None
    errors.raise_if_any()


def _check_people(actor: Actor, m: Milestone, errors: Errors) -> None:
    wanted = [i for i in (m.owner_id, m.approver_id) if i is not None]
    members = set(
        Membership.objects.filter(organisation=actor.organisation, user_id__in=wanted)
        .exclude(role="guest")  # a counterparty's guest neither owns nor approves
        .values_list("user_id", flat=True)
    )
    for field in ("owner_id", "approver_id"):
        value = getattr(m, field)
        if value is not None and value not in members:
            errors.add(field, "is not a member of this organisation")


def _check_money_terms(m: Milestone, errors: Errors) -> None:
    """Retention and penalty terms; the retention is released by a milestone of this contract."""
    from pactline.reports.money import check_retention, check_terms

    check_terms(errors, m, contract_level=False)
    check_retention(errors, m)
    release = m.retention_release_milestone_id
    if release is not None and "retention_release_milestone_id" not in errors:
        same = Milestone.objects.filter(pk=release, contract_id=m.contract_id).exists()
        if not same:
            errors.add("retention_release_milestone_id", "must be a milestone of the same contract")


def settle_retention(m: Milestone) -> None:
    """The retention amount follows the payment amount and the retention percentage."""
    from pactline.reports.money import retention_of

    m.retention_amount = retention_of(m.payment_amount, m.retention_percent)


def _check_anchor_milestone(m: Milestone, errors: Errors) -> None:
    if m.anchor_milestone_id is None:
        errors.add("anchor_milestone_id", "is required when the due date follows a milestone")
        return
    if m.pk is not None and m.anchor_milestone_id == m.pk:
        errors.add("anchor_milestone_id", "a milestone cannot follow itself")
        return
    if not Milestone.objects.filter(pk=m.anchor_milestone_id, contract_id=m.contract_id).exists():
        errors.add("anchor_milestone_id", "must be a milestone of the same contract")


def _next_position(contract: Contract, due: date | None) -> int:
    """Insert in due order: after every milestone due on or before `due`, shifting the rest."""
    siblings = Milestone.objects.filter(contract=contract).exclude(position__isnull=True)
    later = siblings.filter(due_date__gt=due).order_by("position").first() if due else None
    if later is None:
        top = siblings.aggregate(top=Max("position"))["top"]
        return 0 if top is None else top + 1
    siblings.filter(position__gte=later.position).update(position=F("position") + 1)
    return later.position


def _assign(m: Milestone, data: Mapping[str, Any]) -> None:
    """Copy input onto the row; the input's `due_date` is the rule's fixed date."""
    for field, value in data.items():
        if field == "due_date":
            m.due_fixed = value
        elif field == "title" and isinstance(value, str):
            m.title = value.strip()
        else:
            setattr(m, field, value)


def add_checklist_rows(m: Milestone, titles: list[str], start: int = 0) -> list[ChecklistItem]:
    errors = Errors()
    for index, title in enumerate(titles):
        check_required_text(errors, f"checklist.{index}", title, 300)
    errors.raise_if_any()
    return ChecklistItem.objects.bulk_create(
        ChecklistItem(milestone=m, title=t.strip(), position=start + i)
        for i, t in enumerate(titles)
    )


@transaction.atomic
def create_milestone(
    actor: Actor, contract: Contract, data: Mapping[str, Any], reason: str = ""
) -> Milestone:
    """Add a milestone; a date set by hand (`due_override`) needs a `reason`, as on update."""
    require(
        permissions.can_create_milestone(actor, contract),
        "only managers and above add milestones",
    )
    reject_unknown(
        data, (*MILESTONE_FIELDS, "checklist", "series_id", "occurrence_date", "custom_fields")
    )
    fields = dict(data)
    checklist = fields.pop("checklist", None)
    values = fields.pop("custom_fields", None)
    m = Milestone(organisation=actor.organisation, contract=contract, currency=contract.currency)
    _assign(m, fields)
    _validate(actor, m)
    m.custom_fields = custom.clean_values(actor.organisation, "milestone", values, creating=True)
    # The type's defaults: its checklist when none is given, its reminder policy.
    type_checklist, type_reminders = default_reminders_of(actor.organisation.pk, m.kind)
    if checklist is None:
        checklist = type_checklist
    if m.due_override is not None:
        if not reason.strip():
            raise ValidationFailed.one("reason", "say why the date is set by hand")
        m.due_override_reason = reason.strip()[:500]
    if m.payment_share is not None:
        m.payment_amount = payment_from_share(m.payment_share, contract)
    settle_retention(m)
    state = schedule.load(contract)
    m.pk = 0  # solve the new row with the others before it exists
    state.milestones[0] = m
    result = schedule.solve_state(state)[0]
    m.pk = None
    schedule.apply_result(m, result)
    m.position = _next_position(contract, m.due_date)
    m.save()
    add_checklist_rows(m, checklist)
    record(
        actor,
        "created",
        m,
        contract_id=contract.pk,
        summary=f"Milestone {m.title} created, due {m.due_date or 'unscheduled'}",
        changes=diff({}, snapshot(m)),
    )
    if type_reminders:
        from pactline.notifications.services.policies import set_policy

        set_policy(actor, type_reminders, milestone=m)
    return m


@transaction.atomic
def update_milestone(
    actor: Actor,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
) -> Milestone:
    """Change a milestone. A moved due date or an override needs a `reason`; the baseline stays;
    everything that depends on it moves in the same transaction."""
    reject_unknown(data, (*MILESTONE_FIELDS, "custom_fields"))
    m = lock(milestone, expected_version)
    require(permissions.can_change_milestone(actor, m), "you may not change this milestone")
    data = dict(data)
    values = data.pop("custom_fields", None)
    if any(f in data and data[f] != getattr(m, f) for f in REASSIGN_FIELDS):
        require(
            permissions.can_reassign_milestone(actor, m),
            "only managers and above change a milestone's owner or approver",
        )
    contract = m.contract
    before = snapshot(m)
    old_due = m.due_date
    state = schedule.load(contract)
    _assign(m, data)
    _validate(actor, m, kind_was=before["kind"])
    if values is not None:
        m.custom_fields = custom.clean_values(
            actor.organisation, "milestone", values, m.custom_fields, creating=False
        )
    reason = reason.strip()
    if "due_override" in data and m.due_override != before["due_override"]:
        if m.due_override is not None and not reason:
            raise ValidationFailed.one("reason", "say why the date is set by hand")
        m.due_override_reason = reason[:500] if m.due_override else ""
    if m.payment_share is not None and ("payment_share" in data or "payment_amount" in data):
        m.payment_amount = payment_from_share(m.payment_share, contract)
    settle_retention(m)
    state.milestones[m.pk] = m
    results = schedule.solve_state(state)
    schedule.apply_result(m, results[m.pk])
    after = snapshot(m)
    changes = diff(before, after) | custom.removed_entries(before, after)
    moved = old_due is not None and m.due_date != old_due
    if moved and not reason:
        raise ValidationFailed.one("reason", "say why the due date moves")
    if changes:
        bump(m)
        m.updated_at = timezone.now()
    m.save()
    if changes:
        verb = "rescheduled" if moved else "updated"
        summary = f"Milestone {m.title} {verb}"
        if moved:
            summary += f" from {old_due} to {m.due_date or 'unscheduled'}: {reason}"
            changes["reason"] = {"before": None, "after": reason[:500]}
        record(actor, verb, m, contract_id=contract.pk, summary=summary, changes=changes)
    cause = f"{m.title} moved: {reason}" if moved else f"{m.title} changed"
    schedule.write(actor, schedule.moves(state, results, skip=[m.pk]), cause)
    return m


@transaction.atomic
def delete_milestone(actor: Actor, milestone: Milestone) -> None:
    require(permissions.can_delete_milestone(actor, milestone), "only managers delete milestones")
    followers = list(
        Milestone.objects.filter(anchor_milestone=milestone).values_list("title", flat=True)
    )
    if followers:
        raise ValidationFailed.one(
            "milestone", f"other milestones' due dates follow it: {', '.join(followers)}"
        )
    record(
        actor,
        "deleted",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Milestone {milestone.title} deleted",
        changes=diff(snapshot(milestone), {}),
    )
    contract = milestone.contract
    milestone.delete()
    schedule.recompute(actor, contract, f"{milestone.title} deleted")


# --- dependencies -----------------------------------------------------------------------------


@transaction.atomic
def add_dependency(
    actor: Actor,
    successor: Milestone,
    predecessor_id: int,
    lag: int = 0,
    lag_unit: str = Unit.WORKING_DAYS,
) -> Dependency:
    """Finish-to-start: `successor` is due no earlier than the predecessor's finish + lag."""
    require(permissions.can_manage_contracts(actor), "only managers and above link milestones")
    errors = Errors()
    predecessor = Milestone.objects.filter(pk=predecessor_id, contract_id=successor.contract_id)
    pred = predecessor.first()
    if pred is None:
        errors.add("predecessor_id", "must be a milestone of the same contract")
    elif pred.pk == successor.pk:
        errors.add("predecessor_id", "a milestone cannot depend on itself")
    if not isinstance(lag, int) or abs(lag) > MAX_OFFSET:
        errors.add("lag", f"must be a whole number between -{MAX_OFFSET} and {MAX_OFFSET}")
    if lag_unit not in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS):
        errors.add("lag_unit", "must be working_days or calendar_days")
    errors.raise_if_any()
    if Dependency.objects.filter(predecessor=pred, successor=successor).exists():
        raise ValidationFailed.one("predecessor_id", f"{successor.title} already follows it")
    state = schedule.load(successor.contract)
    dep = Dependency(
        organisation=actor.organisation,
        predecessor=pred,
        successor=successor,
        lag=lag,
        lag_unit=lag_unit,
    )
    state.links.setdefault(successor.pk, []).append(dep)
    results = schedule.solve_state(state, field="predecessor_id")
    dep.save()
    record(
        actor,
        "dependency_added",
        successor,
        contract_id=successor.contract_id,
        summary=f"{successor.title} now follows {pred.title} (+{lag} {Unit(lag_unit).label})",
        changes={
            "predecessor_id": {"before": None, "after": pred.pk},
            "lag": {"before": None, "after": lag},
        },
    )
    schedule.write(actor, schedule.moves(state, results), f"{successor.title} follows {pred.title}")
    return dep


@transaction.atomic
def remove_dependency(actor: Actor, dependency: Dependency) -> None:
    require(permissions.can_manage_contracts(actor), "only managers and above link milestones")
    successor = dependency.successor
    pred_title = dependency.predecessor.title
    record(
        actor,
        "dependency_removed",
        successor,
        contract_id=successor.contract_id,
        summary=f"{successor.title} no longer follows {pred_title}",
    )
    dependency.delete()
    schedule.recompute(actor, successor.contract, f"link to {pred_title} removed")


def recompute_contract(actor: Actor, contract: Contract, reason: str) -> None:
    """After the contract's dates, calendar or value change: dates and payment shares follow."""
    schedule.recompute(actor, contract, reason)
    for m in Milestone.objects.filter(contract=contract, payment_share__isnull=False):
        amount = payment_from_share(m.payment_share, contract)
        if amount != m.payment_amount:
            before = m.payment_amount
            m.payment_amount = amount
            settle_retention(m)
            Milestone.objects.filter(pk=m.pk).update(
                payment_amount=amount,
                retention_amount=m.retention_amount,
                version=F("version") + 1,
                updated_at=timezone.now(),
            )
            record(
                actor,
                "updated",
                m,
                contract_id=contract.pk,
                summary=f"Payment of {m.title} follows the contract value: {amount}",
                changes={"payment_amount": {"before": before, "after": amount}},
            )
