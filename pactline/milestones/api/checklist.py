"""A milestone's checklist: list, add, tick, rename, remove."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    check_version,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.milestones import services
from pactline.milestones.api import lookups
from pactline.milestones.api.schemas import ChecklistItemIn, ChecklistItemOut, ChecklistItemPatch
from pactline.milestones.models import ChecklistItem

router = Router(tags=["checklists"])


def _checklist_item(actor: Actor, item_id: int) -> ChecklistItem:
    visible = ChecklistItem.objects.filter(milestone__in=permissions.visible_milestones(actor))
    return get_or_404(visible.select_related("milestone"), item_id, "checklist item")


@router.get(
    "/milestones/{milestone_id}/checklist",
    response={200: Page[ChecklistItemOut], **READ_ERRORS},
    url_name="checklist-list",
    summary="List a milestone's checklist",
)
def list_checklist(
    request: HttpRequest, milestone_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    milestone = lookups.milestone(actor_of(request), milestone_id)
    return paginate(milestone.checklist.order_by("position", "pk"), page)


@router.post(
    "/milestones/{milestone_id}/checklist",
    response={201: ChecklistItemOut, **CREATE_ERRORS},
    url_name="checklist-create",
    summary="Add an item to a milestone's checklist",
)
def create_checklist_item(
    request: HttpRequest, milestone_id: int, payload: ChecklistItemIn
) -> Status[ChecklistItem]:
    actor = actor_of(request)
    milestone = lookups.milestone(actor, milestone_id)
    return Status(201, services.add_checklist_item(actor, milestone, payload.title))


@router.get(
    "/checklist-items/{item_id}",
    response={200: ChecklistItemOut, **READ_ERRORS},
    url_name="checklist-item-detail",
    summary="Get a checklist item",
)
def get_checklist_item(request: HttpRequest, item_id: int) -> ChecklistItem:
    return _checklist_item(actor_of(request), item_id)


@router.patch(
    "/checklist-items/{item_id}",
    response={200: ChecklistItemOut, **WRITE_ERRORS},
    url_name="checklist-item-update",
    summary="Tick, untick or rename a checklist item",
)
def update_checklist_item(
    request: HttpRequest, item_id: int, payload: ChecklistItemPatch
) -> ChecklistItem:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    item = _checklist_item(actor, item_id)
    return services.set_checklist_item(
        actor, item, done=payload.done, title=payload.title, expected_version=version
    )


@router.delete(
    "/checklist-items/{item_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="checklist-item-delete",
    summary="Remove a checklist item",
)
def delete_checklist_item(request: HttpRequest, item_id: int) -> Status[None]:
    actor = actor_of(request)
    item = _checklist_item(actor, item_id)
    check_version(item, request)
    services.delete_checklist_item(actor, item)
    return Status(204, None)
