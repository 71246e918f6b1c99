"""The order of a contract's milestones, and their checklists."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.milestones.models import ChecklistItem, Milestone
from pactline.milestones.services.milestones import add_checklist_rows
from pactline.validation import Errors, check_required_text
from pactline.versioning import bump, lock


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
    errors = Errors()
    check_required_text(errors, "title", title, 300)
    errors.raise_if_any()
    top = milestone.checklist.aggregate(top=Max("position"))["top"]
    item = add_checklist_rows(milestone, [title], 0 if top is None else top + 1)[0]
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
