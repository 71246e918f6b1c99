"""Milestone templates: create, edit, duplicate, save from a contract, apply to a contract.

Template items are due at an offset from a contract date or from an earlier item (by its index
in the list), so a template reads like a plan: "design approval 15 working days after
initiation".
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.errors import Forbidden, ValidationFailed
from pactline.milestones.models import (
    Milestone,
    MilestoneTemplate,
    MilestoneType,
    TemplateChecklistItem,
    TemplateItem,
)
from pactline.milestones.scheduling import (
    CONTRACT_ANCHORS,
    MILESTONE_ANCHORS,
    MON_TO_FRI,
    Anchor,
    ContractDates,
    DueRule,
    Node,
    PeriodEnd,
    Roll,
    Unit,
    WorkCalendar,
    solve,
    validate_calendar,
)
from pactline.milestones.services.common import MAX_OFFSET, closures_for, reject_unknown
from pactline.milestones.services.milestones import create_milestone
from pactline.validation import Errors, check_required_text, check_text
from pactline.versioning import bump, lock

TEMPLATE_ITEM_FIELDS = (
    "title",
    "kind",
    "description",
    "anchor",
    "anchor_item",
    "offset",
    "unit",
    "period_end",
    "roll",
    "payment_share",
    "checklist",
)
ITEM_ANCHORS = [a.value for a in (*CONTRACT_ANCHORS, *MILESTONE_ANCHORS)]


@transaction.atomic
def apply_template(actor: Actor, contract: Contract, template_id: int) -> list[Milestone]:
    """Add a template's milestones to a contract, with dates from the contract's dates."""
    require(permissions.can_manage_contracts(actor), "only managers and above apply templates")
    template = permissions.get_visible(
        permissions.visible_templates(actor), template_id, "template"
    )
    # An item whose type the organisation archived (or never had) gives a `custom` milestone,
    # as extraction does: a new milestone only takes an active type.
    active = set(
        MilestoneType.objects.filter(organisation=actor.organisation, archived=False).values_list(
            "key", flat=True
        )
    )
    created: dict[int, Milestone] = {}
    for item in template.items.select_related("anchor_item").prefetch_related("checklist"):
        anchor_milestone = created.get(item.anchor_item_id) if item.anchor_item_id else None
        created[item.pk] = create_milestone(
            actor,
            contract,
            {
                "title": item.title,
                "kind": item.kind if item.kind in active else "custom",
                "description": item.description,
                "due_anchor": item.anchor,
                "anchor_milestone_id": anchor_milestone.pk if anchor_milestone else None,
                "due_offset": item.offset,
                "due_unit": item.unit,
                "due_period_end": item.period_end,
                "due_roll": item.roll,
                "payment_share": item.payment_share,
                # None: the type's default checklist applies.
                "checklist": [c.title for c in item.checklist.all()] or None,
            },
        )
    record(
        actor,
        "template_applied",
        contract,
        contract_id=contract.pk,
        summary=f"Template {template.name!r} applied: {len(created)} milestones",
    )
    return list(created.values())


def _validate_item(
    errors: Errors, data: Mapping[str, Any], index: int, kinds: list[str] | None = None
) -> None:
    prefix = f"items.{index}."
    for name in sorted(set(data) - set(TEMPLATE_ITEM_FIELDS)):
        errors.add(f"{prefix}{name}", "is not a known field")
    check_required_text(errors, f"{prefix}title", data.get("title"), 300)
    choices = {
        "kind": kinds if kinds is not None else [],
        "anchor": ITEM_ANCHORS,
        "unit": [u.value for u in Unit],
        "period_end": [p.value for p in PeriodEnd],
        "roll": [r.value for r in Roll],
    }
    for field, allowed in choices.items():
        if field == "kind" and kinds is None:
            continue
        if field in data and data[field] not in allowed:
            errors.add(f"{prefix}{field}", f"must be one of {', '.join(allowed)}")
    if data.get("anchor") in MILESTONE_ANCHORS:
        ref = data.get("anchor_item")
        if not isinstance(ref, int) or not 0 <= ref < index:
            errors.add(f"{prefix}anchor_item", "must be the number of an earlier item")
    offset = data.get("offset", 0)
    if not isinstance(offset, int) or abs(offset) > MAX_OFFSET:
        errors.add(
            f"{prefix}offset", f"must be a whole number between -{MAX_OFFSET} and {MAX_OFFSET}"
        )
    share = data.get("payment_share")
    if share is not None and not Decimal(0) <= Decimal(str(share)) <= Decimal(100):
        errors.add(f"{prefix}payment_share", "must be a percentage between 0 and 100")
    for i, title in enumerate(data.get("checklist") or []):
        check_required_text(errors, f"{prefix}checklist.{i}", title, 300)


def _write_items(template: MilestoneTemplate, items: list[Mapping[str, Any]]) -> None:
    template.items.all().delete()
    made: list[TemplateItem] = []
    for position, data in enumerate(items):
        fields = {k: v for k, v in data.items() if k not in ("checklist", "anchor_item")}
        ref = data.get("anchor_item")
        if fields.get("anchor") in MILESTONE_ANCHORS and isinstance(ref, int):
            fields["anchor_item"] = made[ref]
        item = TemplateItem.objects.create(template=template, position=position, **fields)
        made.append(item)
        TemplateChecklistItem.objects.bulk_create(
            TemplateChecklistItem(item=item, title=title.strip(), position=i)
            for i, title in enumerate(data.get("checklist") or [])
        )


def template_snapshot(template: MilestoneTemplate) -> dict[str, Any]:
    items = list(template.items.prefetch_related("checklist"))
    index = {item.pk: i for i, item in enumerate(items)}
    return {
        "name": template.name,
        "description": template.description,
        "items": [
            {
                "title": i.title,
                "kind": i.kind,
                "description": i.description,
                "anchor": i.anchor,
                "anchor_item": index.get(i.anchor_item_id) if i.anchor_item_id else None,
                "offset": i.offset,
                "unit": i.unit,
                "period_end": i.period_end,
                "roll": i.roll,
                "payment_share": i.payment_share,
                "checklist": [c.title for c in i.checklist.all()],
            }
            for i in items
        ],
    }


def _validate_template(
    actor: Actor,
    template: MilestoneTemplate,
    items: list[Mapping[str, Any]] | None,
    keep_kinds: Collection[str] = (),
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
    kinds = item_kinds(actor, template) + [k for k in keep_kinds if k]
    for index, data in enumerate(items or []):
        _validate_item(errors, data, index, kinds)
    errors.raise_if_any()


def item_kinds(actor: Actor, template: MilestoneTemplate | None = None) -> list[str]:
    """The types an item may have: the organisation's active ones, and any the template's
    items have already (an archived type stays on the items that had it)."""
    keys = list(
        MilestoneType.objects.filter(organisation=actor.organisation, archived=False).values_list(
            "key", flat=True
        )
    )
    if template is not None and template.pk is not None:
        keys += [k for k in template.items.values_list("kind", flat=True) if k not in keys]
    return keys


@transaction.atomic
def create_template(
    actor: Actor,
    name: str,
    description: str = "",
    items: list[Mapping[str, Any]] | None = None,
    *,
    keep_kinds: Collection[str] = (),
) -> MilestoneTemplate:
    """`keep_kinds`: archived types the items may keep (a copy keeps what it copies)."""
    require(permissions.can_manage_templates(actor), "only managers and above manage templates")
    template = MilestoneTemplate(
        organisation=actor.organisation, name=(name or "").strip(), description=description
    )
    _validate_template(actor, template, items, keep_kinds)
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
    reject_unknown(data, ("name", "description", "items"))
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


def _item_from_milestone(m: Milestone, contract: Contract, index: dict[int, int]) -> dict[str, Any]:
    rule = {
        "anchor": m.due_anchor,
        "anchor_item": None,
        "offset": m.due_offset,
        "unit": m.due_unit,
        "period_end": m.due_period_end,
        "roll": m.due_roll,
    }
    if m.due_anchor in MILESTONE_ANCHORS and m.anchor_milestone_id in index:
        rule["anchor_item"] = index[m.anchor_milestone_id]
    elif m.due_anchor not in CONTRACT_ANCHORS:
        # A fixed date (or a link to a later milestone) becomes an offset from the start.
        days = (m.due_date - contract.start_on).days if m.due_date and contract.start_on else 0
        rule.update(
            anchor=Anchor.CONTRACT_START,
            offset=days,
            unit=Unit.CALENDAR_DAYS,
            period_end=PeriodEnd.NONE,
            roll=Roll.NONE,
        )
    return {
        "title": m.title,
        "kind": m.kind,
        "description": m.description,
        **rule,
        "payment_share": m.payment_share,
        "checklist": [c.title for c in m.checklist.all()],
    }


def template_from_contract(actor: Actor, contract: Contract, name: str) -> MilestoneTemplate:
    """A new template holding a contract's milestones as rules from its start or each other."""
    milestones = list(contract.milestones.prefetch_related("checklist").order_by("position", "pk"))
    index: dict[int, int] = {}
    items = []
    for i, m in enumerate(milestones):
        items.append(_item_from_milestone(m, contract, index))
        index[m.pk] = i
    return _copy(actor, name, f"From contract {contract.number}", items)


def duplicate_template(actor: Actor, template: MilestoneTemplate, name: str) -> MilestoneTemplate:
    items = [dict(i) for i in template_snapshot(template)["items"]]
    return _copy(actor, name, template.description, items)


def _copy(
    actor: Actor, name: str, description: str, items: list[dict[str, Any]]
) -> MilestoneTemplate:
    """A new template from copied items. An item keeps a type the organisation archived (as a
    row keeps an archived type); a type the organisation does not have at all (a built-in
    template's, deleted here) becomes `custom`. `template.notices` says what changed."""
    types = {
        key: (gone, label)
        for key, gone, label in MilestoneType.objects.filter(
            organisation=actor.organisation
        ).values_list("key", "archived", "name")
    }
    notices = []
    archived = set()
    for position, item in enumerate(items, 1):
        kind = item.get("kind") or "custom"
        if kind not in types:
            notices.append(
                f"Item {position} “{item.get('title')}”: the type {kind!r} does not exist "
                "here, so it is Custom."
            )
            item["kind"] = "custom"
        elif types[kind][0]:
            archived.add(kind)
    template = create_template(actor, name, description, items, keep_kinds=archived)
    if archived:
        names = ", ".join(sorted(types[k][1] for k in archived))
        notices.append(f"Some items keep a type that is archived here: {names}.")
    template.notices = notices  # type: ignore[attr-defined]
    return template


def preview_template(
    actor: Actor,
    items: list[Mapping[str, Any]],
    start_on: date | None,
    *,
    end_on: date | None = None,
    signed_on: date | None = None,
    country: str = "",
    subdivision: str = "",
    workweek: int = MON_TO_FRI,
) -> list[dict[str, Any]]:
    """The dates the items would get for a contract with these dates and calendar (the
    organisation's closure days included), computed in memory: nothing is written.

    Errors name the item and field (`items.2.offset`) like create/update do."""
    require(permissions.can_manage_templates(actor), "only managers and above manage templates")
    errors = Errors()
    if start_on is None:
        errors.add("start_on", "is required to preview the dates")
    for field, message in validate_calendar(country or "", subdivision or "").items():
        errors.add(field, message)
    if not isinstance(workweek, int) or not 0 < workweek < 128:
        errors.add("workweek", "needs at least one working day")
    kinds = item_kinds(actor)
    kinds += [d.get("kind") for d in items if d.get("kind") and d.get("kind") not in kinds]
    for index, data in enumerate(items):
        _validate_item(errors, data, index, kinds)
    errors.raise_if_any()
    nodes = []
    for index, data in enumerate(items):
        anchor = Anchor(data.get("anchor", Anchor.CONTRACT_START))
        rule = DueRule(
            anchor=anchor,
            offset=data.get("offset", 0),
            unit=Unit(data.get("unit", Unit.WORKING_DAYS)),
            roll=Roll(data.get("roll", Roll.NONE)),
            period_end=PeriodEnd(data.get("period_end", PeriodEnd.NONE)),
        )
        ref = data.get("anchor_item") if anchor in MILESTONE_ANCHORS else None
        nodes.append(Node(id=index, title=data["title"].strip(), rule=rule, anchor_id=ref))
    cal = WorkCalendar(
        country=country or "",
        subdivision=subdivision or "",
        workweek=workweek,
        closures=closures_for(actor.organisation.pk),
    )
    dates = ContractDates(start=start_on, end=end_on, signed=signed_on)
    try:
        results = solve(nodes, dates, cal, today=start_on or date.today())
    except ValueError as exc:  # a calendar without working days
        raise ValidationFailed.one("workweek", str(exc)) from None
    return [
        {
            "index": index,
            "title": node.title,
            "kind": items[index].get("kind", "custom"),
            "due_date": results[index].due,
            "trace": results[index].trace,
            "payment_share": items[index].get("payment_share"),
        }
        for index, node in enumerate(nodes)
    ]
