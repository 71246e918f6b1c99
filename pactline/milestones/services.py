"""Operations on milestones, checklists and templates. Every write goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.errors import Forbidden, ValidationFailed
from pactline.milestones.models import (
    COMPLETE_STATUSES,
    ChecklistItem,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    MilestoneTemplate,
    TemplateChecklistItem,
    TemplateItem,
)
from pactline.milestones.scheduling import (
    CONTRACT_ANCHORS,
    Anchor,
    Computed,
    DueRule,
    Unit,
    WorkCalendar,
    compute_due,
    local_today,
)
from pactline.validation import Errors, check_date, check_money, check_required_text, check_text
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

MILESTONE_FIELDS = (
    "title",
    "kind",
    "description",
    "owner_id",
    "approver_id",
    "due_anchor",
    "due_offset",
    "due_unit",
    "anchor_milestone_id",
    "due_date",
    "payment_amount",
    "payment_share",
    "shared_with_guests",
    "external_id",
)
RULE_FIELDS = ("due_anchor", "due_offset", "due_unit", "anchor_milestone_id")
REASSIGN_FIELDS = ("owner_id", "approver_id")
MAX_OFFSET = 36600


def _unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


def snapshot(m: Milestone) -> dict[str, Any]:
    snap = {f: getattr(m, f) for f in MILESTONE_FIELDS}
    snap["status"] = m.status
    snap["completed_on"] = m.completed_on
    return snap


def calendar_for(contract: Contract) -> WorkCalendar:
    return WorkCalendar(
        country=contract.calendar_country, subdivision=contract.calendar_subdivision
    )


def contract_today(contract: Contract) -> date:
    return local_today(contract.time_zone)


def _anchor_dates(contract: Contract) -> dict[Anchor, date | None]:
    return {
        Anchor.CONTRACT_START: contract.start_on,
        Anchor.CONTRACT_END: contract.end_on,
        Anchor.CONTRACT_SIGNED: contract.signed_on,
    }


def compute_for(m: Milestone, contract: Contract) -> Computed:
    """The due date `m`'s rule gives today, with its trace."""
    anchor = Anchor(m.due_anchor)
    anchors = _anchor_dates(contract)
    name = ""
    if anchor is Anchor.MILESTONE:
        target = m.anchor_milestone
        anchors[Anchor.MILESTONE] = target.due_date if target else None
        name = f"{target.title}" if target else "anchor milestone"
    rule = DueRule(
        anchor=anchor,
        offset=m.due_offset,
        unit=Unit(m.due_unit),
        fixed_date=m.due_date if anchor is Anchor.ABSOLUTE else None,
    )
    return compute_due(rule, anchors, calendar_for(contract), anchor_name=name)


def _payment_from_share(share: Decimal | None, contract: Contract) -> Decimal | None:
    if share is None or contract.value is None:
        return None
    return (contract.value * share / Decimal(100)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _validate(actor: Actor, m: Milestone) -> None:
    errors = Errors()
    check_required_text(errors, "title", m.title, 300)
    check_text(errors, "description", m.description, 20000)
    check_text(errors, "external_id", m.external_id, 100)
    if m.kind not in MilestoneKind.values:
        errors.add("kind", f"must be one of {', '.join(MilestoneKind.values)}")
    if m.due_anchor not in Anchor.__members__.values():
        errors.add("due_anchor", f"must be one of {', '.join(a.value for a in Anchor)}")
    if m.due_unit not in {u.value for u in Unit}:
        errors.add("due_unit", f"must be one of {', '.join(u.value for u in Unit)}")
    if not isinstance(m.due_offset, int) or abs(m.due_offset) > MAX_OFFSET:
        errors.add("due_offset", f"must be a whole number between -{MAX_OFFSET} and {MAX_OFFSET}")
    check_date(errors, "due_date", m.due_date)
    check_money(errors, "payment_amount", m.payment_amount)
    if m.payment_share is not None and not Decimal(0) <= Decimal(m.payment_share) <= Decimal(100):
        errors.add("payment_share", "must be a percentage between 0 and 100")
    member_ids = set(
        Membership.objects.filter(
            organisation=actor.organisation,
            user_id__in=[i for i in (m.owner_id, m.approver_id) if i is not None],
        ).values_list("user_id", flat=True)
    )
    for field in ("owner_id", "approver_id"):
        value = getattr(m, field)
        if value is not None and value not in member_ids:
            errors.add(field, "is not a member of this organisation")
    if m.due_anchor == Anchor.MILESTONE:
        _check_anchor_milestone(m, errors)
    else:
        m.anchor_milestone_id = None
    errors.raise_if_any()


def _check_anchor_milestone(m: Milestone, errors: Errors) -> None:
    if m.anchor_milestone_id is None:
        errors.add("anchor_milestone_id", "is required when the due date follows a milestone")
        return
    target = Milestone.objects.filter(pk=m.anchor_milestone_id, contract_id=m.contract_id).first()
    if target is None:
        errors.add("anchor_milestone_id", "must be a milestone of the same contract")
        return
    seen = [m.title]
    current: Milestone | None = target
    while current is not None:
        seen.append(current.title)
        if m.pk is not None and current.pk == m.pk:
            errors.add("anchor_milestone_id", "would make a cycle: " + " -> ".join(seen))
            return
        if len(seen) > 10000:
            break
        current = current.anchor_milestone
    m.anchor_milestone = target


def _apply_schedule(m: Milestone, contract: Contract) -> None:
    try:
        computed = compute_for(m, contract)
    except (ValueError, OverflowError) as exc:  # a date beyond the calendar, or no working days
        raise ValidationFailed.one("due_offset", f"gives no usable due date ({exc})") from None
    m.due_date = computed.due
    m.due_date_trace = computed.trace
    if m.baseline_due_date is None:
        m.baseline_due_date = m.due_date


def _next_position(contract: Contract, due: date | None) -> int:
    """Insert in due order: after every milestone due on or before `due`, shifting the rest."""
    siblings = Milestone.objects.filter(contract=contract)
    if due is None:
        top = siblings.aggregate(top=Max("position"))["top"]
        return 0 if top is None else top + 1
    later = siblings.filter(due_date__gt=due).order_by("position").first()
    if later is None:
        top = siblings.aggregate(top=Max("position"))["top"]
        return 0 if top is None else top + 1
    siblings.filter(position__gte=later.position).update(position=F("position") + 1)
    return later.position


@transaction.atomic
def create_milestone(actor: Actor, contract: Contract, data: Mapping[str, Any]) -> Milestone:
    require(
        permissions.can_create_milestone(actor, contract),
        "only managers and above add milestones",
    )
    _unknown(data, (*MILESTONE_FIELDS, "checklist"))
    fields = dict(data)
    checklist = fields.pop("checklist", None) or []
    if "due_anchor" not in fields:
        fields["due_anchor"] = Anchor.ABSOLUTE
    m = Milestone(organisation=actor.organisation, contract=contract, **fields)
    if isinstance(m.title, str):
        m.title = m.title.strip()
    _validate(actor, m)
    if m.payment_share is not None:
        m.payment_amount = _payment_from_share(Decimal(m.payment_share), contract)
    _apply_schedule(m, contract)
    m.position = _next_position(contract, m.due_date)
    m.save()
    for index, title in enumerate(checklist):
        _add_checklist(m, title, index)
    record(
        actor,
        "created",
        m,
        contract_id=contract.pk,
        summary=f"Milestone {m.title} created, due {m.due_date or 'unscheduled'}",
        changes=diff({}, snapshot(m)),
    )
    return m


def _add_checklist(m: Milestone, title: str, position: int) -> ChecklistItem:
    errors = Errors()
    check_required_text(errors, "title", title, 300)
    errors.raise_if_any()
    return ChecklistItem.objects.create(milestone=m, title=title.strip(), position=position)


@transaction.atomic
def update_milestone(
    actor: Actor,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
) -> Milestone:
    """Change a milestone's fields. A moved due date needs a `reason`; the baseline stays."""
    _unknown(data, MILESTONE_FIELDS)
    m = lock(milestone, expected_version)
    require(permissions.can_change_milestone(actor, m), "you may not change this milestone")
    if any(f in data and data[f] != getattr(m, f) for f in REASSIGN_FIELDS):
        require(
            permissions.can_reassign_milestone(actor, m),
            "only managers and above change a milestone's owner or approver",
        )
    contract = m.contract
    before = snapshot(m)
    old_due = m.due_date
    for field, value in data.items():
        setattr(m, field, value.strip() if field == "title" and isinstance(value, str) else value)
    if "anchor_milestone_id" in data and data["anchor_milestone_id"] is None:
        m.anchor_milestone = None
    _validate(actor, m)
    if m.payment_share is not None and ("payment_share" in data or "payment_amount" in data):
        m.payment_amount = _payment_from_share(Decimal(m.payment_share), contract)
    _apply_schedule(m, contract)
    changes = diff(before, snapshot(m))
    if not changes:
        return m
    moved = old_due is not None and m.due_date != old_due
    if moved and not reason.strip():
        raise ValidationFailed.one("reason", "say why the due date moves")
    bump(m)
    m.updated_at = timezone.now()
    m.save()
    verb = "rescheduled" if moved else "updated"
    summary = f"Milestone {m.title} {verb}"
    if moved:
        summary += f" from {old_due} to {m.due_date or 'unscheduled'}: {reason.strip()}"
        changes["reason"] = {"before": None, "after": reason.strip()[:500]}
    record(actor, verb, m, contract_id=contract.pk, summary=summary, changes=changes)
    if moved or "due_date" in changes:
        _cascade(actor, m, reason=f"{m.title} moved: {reason.strip()}")
    return m


def _cascade(actor: Actor, source: Milestone, reason: str) -> None:
    """Recompute the milestones whose rule hangs off `source`, depth first."""
    for dependent in Milestone.objects.filter(anchor_milestone=source).select_related("contract"):
        _reschedule_from_rule(actor, dependent, reason)


def _reschedule_from_rule(actor: Actor, m: Milestone, reason: str) -> None:
    m = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("anchor_milestone", "contract")
        .get(pk=m.pk)
    )
    old = m.due_date
    old_trace = m.due_date_trace
    _apply_schedule(m, m.contract)
    if m.due_date == old and m.due_date_trace == old_trace:
        return
    bump(m)
    m.updated_at = timezone.now()
    m.save()
    if m.due_date != old:
        record(
            actor,
            "rescheduled",
            m,
            contract_id=m.contract_id,
            summary=f"Milestone {m.title} rescheduled from {old or 'unscheduled'} "
            f"to {m.due_date or 'unscheduled'}: {reason}",
            changes={
                "due_date": {"before": old, "after": m.due_date},
                "reason": {"before": None, "after": reason[:500]},
            },
        )
        _cascade(actor, m, reason)


def recompute_contract(actor: Actor, contract: Contract, reason: str) -> None:
    """After contract dates, calendar or value change: recompute rule-based dates and shares."""
    anchored = Milestone.objects.filter(contract=contract, due_anchor__in=CONTRACT_ANCHORS)
    for m in anchored:
        _reschedule_from_rule(actor, m, reason)
    for m in Milestone.objects.filter(contract=contract, payment_share__isnull=False):
        amount = _payment_from_share(m.payment_share, contract)
        if amount != m.payment_amount:
            Milestone.objects.filter(pk=m.pk).update(
                payment_amount=amount, version=F("version") + 1, updated_at=timezone.now()
            )
            record(
                actor,
                "updated",
                m,
                contract_id=contract.pk,
                summary=f"Payment of {m.title} follows the contract value: {amount}",
                changes={"payment_amount": {"before": m.payment_amount, "after": amount}},
            )


@transaction.atomic
def delete_milestone(actor: Actor, milestone: Milestone) -> None:
    require(permissions.can_delete_milestone(actor, milestone), "only managers delete milestones")
    if Milestone.objects.filter(anchor_milestone=milestone).exists():
        names = ", ".join(
            Milestone.objects.filter(anchor_milestone=milestone).values_list("title", flat=True)
        )
        raise ValidationFailed.one("milestone", f"other milestones' due dates follow it: {names}")
    record(
        actor,
        "deleted",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Milestone {milestone.title} deleted",
        changes=diff(snapshot(milestone), {}),
    )
    milestone.delete()


# --- status -----------------------------------------------------------------------------------


def allowed_transitions(actor: Actor, m: Milestone) -> list[str]:
    """The statuses this actor may move `m` to now, for buttons and API hints."""
    out = []
    for target in sorted(TRANSITIONS[m.status], key=list(S).index):
        try:
            _check_transition(actor, m, target)
        except (Forbidden, ValidationFailed):
            continue
        out.append(target)
    return out


def _check_transition(actor: Actor, m: Milestone, target: str) -> None:
    if target not in S.values:
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
) -> Milestone:
    """Move a milestone to another status, enforcing the allowed transitions."""
    m = lock(milestone, expected_version)
    _check_transition(actor, m, target)
    errors = Errors()
    check_text(errors, "note", note, 2000)
    if target == S.REJECTED and not note.strip():
        errors.add("note", "a rejection needs a reason")
    today = contract_today(m.contract)
    if completed_on is not None:
        check_date(errors, "completed_on", completed_on)
        if completed_on > today:
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
    bump(m)
    m.updated_at = timezone.now()
    m.save()
    changes = diff(before, snapshot(m))
    if note.strip():
        changes["note"] = {"before": None, "after": note.strip()}
    label = S(target).label.lower()
    summary = f"Milestone {m.title}: {S(previous).label.lower()} -> {label}"
    if note.strip():
        summary += f" ({note.strip()[:200]})"
    record(actor, "status_changed", m, contract_id=m.contract_id, summary=summary, changes=changes)
    return m


# --- order and checklists ---------------------------------------------------------------------


@transaction.atomic
def reorder(actor: Actor, contract: Contract, ordered_ids: list[int]) -> None:
    require(permissions.can_manage_contracts(actor), "only managers and above reorder milestones")
    current = list(
        Milestone.objects.select_for_update().filter(contract=contract).order_by("position", "pk")
    )
    ids = [m.pk for m in current]
    if sorted(ordered_ids) != sorted(ids) or len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationFailed.one("ids", "must list every milestone of the contract exactly once")
    if ordered_ids == ids:
        return
    for position, pk in enumerate(ordered_ids):
        Milestone.objects.filter(pk=pk).update(position=position)
    record(
        actor,
        "reordered",
        contract,
        contract_id=contract.pk,
        summary=f"Milestones of {contract.number} reordered",
        changes={"order": {"before": ids, "after": ordered_ids}},
    )


def move(actor: Actor, milestone: Milestone, step: int) -> None:
    """Move one place up (step -1) or down (+1) in its contract's order."""
    siblings = list(
        Milestone.objects.filter(contract_id=milestone.contract_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    index = siblings.index(milestone.pk)
    target = index + step
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    reorder(actor, milestone.contract, siblings)


@transaction.atomic
def add_checklist_item(actor: Actor, milestone: Milestone, title: str) -> ChecklistItem:
    require(permissions.can_change_milestone(actor, milestone), "you may not change this milestone")
    top = milestone.checklist.aggregate(top=Max("position"))["top"]
    item = _add_checklist(milestone, title, 0 if top is None else top + 1)
    record(
        actor,
        "checklist_added",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Checklist item {item.title!r} added to {milestone.title}",
    )
    return item


@transaction.atomic
def set_checklist_item(
    actor: Actor,
    item: ChecklistItem,
    *,
    done: bool | None = None,
    title: str | None = None,
    expected_version: int | None = None,
) -> ChecklistItem:
    item = lock(item, expected_version)
    milestone = item.milestone
    require(permissions.can_change_milestone(actor, milestone), "you may not change this milestone")
    changes: dict[str, Any] = {}
    if title is not None:
        errors = Errors()
        check_required_text(errors, "title", title, 300)
        errors.raise_if_any()
        if title.strip() != item.title:
            changes["title"] = {"before": item.title, "after": title.strip()}
            item.title = title.strip()
    if done is not None and done != item.done:
        changes["done"] = {"before": item.done, "after": done}
        item.done = done
        item.done_at = timezone.now() if done else None
        item.done_by = actor.user if done else None
    if not changes:
        return item
    bump(item)
    item.save()
    verb = "checklist_ticked" if changes.get("done", {}).get("after") else "checklist_changed"
    state = "ticked" if item.done else "unticked"
    summary = f"Checklist item {item.title!r} of {milestone.title} " + (
        state if "done" in changes else "renamed"
    )
    record(
        actor, verb, milestone, contract_id=milestone.contract_id, summary=summary, changes=changes
    )
    return item


@transaction.atomic
def delete_checklist_item(actor: Actor, item: ChecklistItem) -> None:
    milestone = item.milestone
    require(permissions.can_change_milestone(actor, milestone), "you may not change this milestone")
    record(
        actor,
        "checklist_removed",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Checklist item {item.title!r} removed from {milestone.title}",
    )
    item.delete()


# --- templates --------------------------------------------------------------------------------


TEMPLATE_ITEM_FIELDS = (
    "title",
    "kind",
    "description",
    "anchor",
    "offset",
    "unit",
    "payment_share",
    "checklist",
)


@transaction.atomic
def apply_template(actor: Actor, contract: Contract, template_id: int) -> list[Milestone]:
    """Add a template's milestones to a contract, with dates from the contract's dates."""
    require(permissions.can_manage_contracts(actor), "only managers and above apply templates")
    template = permissions.get_visible(
        permissions.visible_templates(actor), template_id, "template"
    )
    created = []
    for item in template.items.prefetch_related("checklist"):
        created.append(
            create_milestone(
                actor,
                contract,
                {
                    "title": item.title,
                    "kind": item.kind,
                    "description": item.description,
                    "due_anchor": item.anchor,
                    "due_offset": item.offset,
                    "due_unit": item.unit,
                    "payment_share": item.payment_share,
                    "checklist": [c.title for c in item.checklist.all()],
                },
            )
        )
    record(
        actor,
        "template_applied",
        contract,
        contract_id=contract.pk,
        summary=f"Template {template.name!r} applied: {len(created)} milestones",
    )
    return created


def _validate_template_item(errors: Errors, data: Mapping[str, Any], prefix: str) -> None:
    check_required_text(errors, f"{prefix}title", data.get("title"), 300)
    if data.get("kind", "custom") not in MilestoneKind.values:
        errors.add(f"{prefix}kind", f"must be one of {', '.join(MilestoneKind.values)}")
    if data.get("anchor", Anchor.CONTRACT_START) not in [a.value for a in CONTRACT_ANCHORS]:
        errors.add(
            f"{prefix}anchor", f"must be one of {', '.join(a.value for a in CONTRACT_ANCHORS)}"
        )
    if data.get("unit", Unit.WORKING_DAYS) not in [u.value for u in Unit]:
        errors.add(f"{prefix}unit", f"must be one of {', '.join(u.value for u in Unit)}")
    offset = data.get("offset", 0)
    if not isinstance(offset, int) or abs(offset) > MAX_OFFSET:
        errors.add(
            f"{prefix}offset", f"must be a whole number between -{MAX_OFFSET} and {MAX_OFFSET}"
        )
    share = data.get("payment_share")
    if share is not None and not Decimal(0) <= Decimal(str(share)) <= Decimal(100):
        errors.add(f"{prefix}payment_share", "must be a percentage between 0 and 100")
    for index, title in enumerate(data.get("checklist") or []):
        check_required_text(errors, f"{prefix}checklist.{index}", title, 300)


def _write_items(template: MilestoneTemplate, items: list[Mapping[str, Any]]) -> None:
    template.items.all().delete()
    for position, data in enumerate(items):
        fields = {k: v for k, v in data.items() if k != "checklist"}
        item = TemplateItem.objects.create(template=template, position=position, **fields)
        TemplateChecklistItem.objects.bulk_create(
            TemplateChecklistItem(item=item, title=title.strip(), position=i)
            for i, title in enumerate(data.get("checklist") or [])
        )


def template_snapshot(template: MilestoneTemplate) -> dict[str, Any]:
    return {
        "name": template.name,
        "description": template.description,
        "items": [
            {
                "title": i.title,
                "kind": i.kind,
                "anchor": i.anchor,
                "offset": i.offset,
                "unit": i.unit,
                "payment_share": i.payment_share,
                "checklist": [c.title for c in i.checklist.all()],
            }
            for i in template.items.prefetch_related("checklist")
        ],
    }


def _validate_template(
    actor: Actor, template: MilestoneTemplate, items: list[Mapping[str, Any]] | None
) -> None:
    errors = Errors()
    check_required_text(errors, "name", template.name, 200)
    check_text(errors, "description", template.description, 5000)
    if template.name and (
        MilestoneTemplate.objects.filter(
            organisation=actor.organisation, name=template.name.strip()
        )
        .exclude(pk=template.pk)
        .exists()
    ):
        errors.add("name", f"a template named {template.name!r} already exists")
    for index, data in enumerate(items or []):
        _unknown_item = sorted(set(data) - set(TEMPLATE_ITEM_FIELDS))
        for name in _unknown_item:
            errors.add(f"items.{index}.{name}", "is not a known field")
        _validate_template_item(errors, data, f"items.{index}.")
    errors.raise_if_any()


@transaction.atomic
def create_template(
    actor: Actor, name: str, description: str = "", items: list[Mapping[str, Any]] | None = None
) -> MilestoneTemplate:
    require(permissions.can_manage_templates(actor), "only managers and above manage templates")
    template = MilestoneTemplate(
        organisation=actor.organisation, name=(name or "").strip(), description=description
    )
    _validate_template(actor, template, items)
    template.save()
    _write_items(template, list(items or []))
    record(
        actor,
        "created",
        template,
        summary=f"Template {template.name!r} created",
        changes=diff({}, template_snapshot(template)),
    )
    return template


@transaction.atomic
def update_template(
    actor: Actor,
    template: MilestoneTemplate,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> MilestoneTemplate:
    require(permissions.can_manage_templates(actor), "only managers and above manage templates")
    if template.is_builtin:
        raise Forbidden("built-in templates cannot be changed; duplicate it and edit the copy")
    _unknown(data, ("name", "description", "items"))
    template = lock(template, expected_version)
    before = template_snapshot(template)
    if "name" in data:
        template.name = (data["name"] or "").strip()
    if "description" in data:
        template.description = data["description"]
    items = data.get("items")
    _validate_template(actor, template, items)
    if items is not None:
        _write_items(template, list(items))
    changes = diff(before, template_snapshot(template))
    if not changes:
        return template
    bump(template)
    template.save()
    record(
        actor, "updated", template, summary=f"Template {template.name!r} updated", changes=changes
    )
    return template


@transaction.atomic
def delete_template(actor: Actor, template: MilestoneTemplate) -> None:
    require(permissions.can_manage_templates(actor), "only managers and above manage templates")
    if template.is_builtin:
        raise Forbidden("built-in templates cannot be deleted")
    record(actor, "deleted", template, summary=f"Template {template.name!r} deleted")
    template.delete()


def _item_from_milestone(m: Milestone, contract: Contract) -> dict[str, Any]:
    if m.due_anchor in CONTRACT_ANCHORS:
        anchor, offset, unit = m.due_anchor, m.due_offset, m.due_unit
    elif m.due_date is not None and contract.start_on is not None:
        anchor, offset, unit = (
            Anchor.CONTRACT_START,
            (m.due_date - contract.start_on).days,
            "calendar_days",
        )
    else:
        anchor, offset, unit = Anchor.CONTRACT_START, 0, "calendar_days"
    return {
        "title": m.title,
        "kind": m.kind,
        "description": m.description,
        "anchor": anchor,
        "offset": offset,
        "unit": unit,
        "payment_share": m.payment_share,
        "checklist": [c.title for c in m.checklist.all()],
    }


def template_from_contract(actor: Actor, contract: Contract, name: str) -> MilestoneTemplate:
    """A new template holding a contract's milestones as offsets from its start."""
    milestones = contract.milestones.prefetch_related("checklist").order_by("position", "pk")
    items = [_item_from_milestone(m, contract) for m in milestones]
    return create_template(actor, name, f"From contract {contract.number}", items)


def duplicate_template(actor: Actor, template: MilestoneTemplate, name: str) -> MilestoneTemplate:
    snap = template_snapshot(template)
    items = [dict(i) for i in snap["items"]]
    return create_template(actor, name, template.description, items)
