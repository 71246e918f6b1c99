"""Milestone templates: create, edit, duplicate, save from a contract, apply to a contract.

Template items are due at an offset from a contract date or from an earlier item (by its index
in the list), so a template reads like a plan: "design approval 15 working days after
initiation".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.errors import Forbidden
from pactline.milestones.models import (
    Milestone,
    MilestoneKind,
    MilestoneTemplate,
    TemplateChecklistItem,
    TemplateItem,
)
from pactline.milestones.scheduling import (
    CONTRACT_ANCHORS,
    MILESTONE_ANCHORS,
    Anchor,
    PeriodEnd,
    Roll,
    Unit,
)
from pactline.milestones.services.common import MAX_OFFSET, reject_unknown
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
    created: dict[int, Milestone] = {}
    for item in template.items.select_related("anchor_item").prefetch_related("checklist"):
        anchor_milestone = created.get(item.anchor_item_id) if item.anchor_item_id else None
        created[item.pk] = create_milestone(
            actor,
            contract,
            {
                "title": item.title,
                "kind": item.kind,
                "description": item.description,
                "due_anchor": item.anchor,
                "anchor_milestone_id": anchor_milestone.pk if anchor_milestone else None,
                "due_offset": item.offset,
                "due_unit": item.unit,
                "due_period_end": item.period_end,
                "due_roll": item.roll,
                "payment_share": item.payment_share,
                "checklist": [c.title for c in item.checklist.all()],
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


def _validate_item(errors: Errors, data: Mapping[str, Any], index: int) -> None:
    prefix = f"items.{index}."
    for name in sorted(set(data) - set(TEMPLATE_ITEM_FIELDS)):
        errors.add(f"{prefix}{name}", "is not a known field")
    check_required_text(errors, f"{prefix}title", data.get("title"), 300)
    choices = {
        "kind": MilestoneKind.values,
        "anchor": ITEM_ANCHORS,
        "unit": [u.value for u in Unit],
        "period_end": [p.value for p in PeriodEnd],
        "roll": [r.value for r in Roll],
    }
    for field, allowed in choices.items():
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
        _validate_item(errors, data, index)
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
    return create_template(actor, name, f"From contract {contract.number}", items)


def duplicate_template(actor: Actor, template: MilestoneTemplate, name: str) -> MilestoneTemplate:
    items = [dict(i) for i in template_snapshot(template)["items"]]
    return create_template(actor, name, template.description, items)
