"""What each person manages for themselves: watches, preferences, snoozes, acknowledgements."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    find_or_invalid,
    get_or_404,
    paginate,
)
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone
from pactline.notifications import services
from pactline.notifications.api.schemas import (
    PreferenceIn,
    PreferenceOut,
    ReminderStateOut,
    SnoozeIn,
    WatchIn,
    WatchOut,
)
from pactline.notifications.models import ReminderState, Watch
from pactline.notifications.preferences import choices_of

router = Router(tags=["watches and preferences"])


@router.get(
    "/watches",
    response={200: Page[WatchOut], **LIST_ERRORS},
    url_name="watch-list",
    summary="What you watch",
)
def list_watches(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(permissions.own_watches(actor_of(request)), page)


@router.post(
    "/watches",
    response={201: WatchOut, **CREATE_ERRORS},
    url_name="watch-create",
    summary="Watch a contract (all its milestones) or one milestone",
)
def create_watch(request: HttpRequest, payload: WatchIn) -> Status[Watch]:
    actor = actor_of(request)
    if (payload.contract_id is None) == (payload.milestone_id is None):
        raise ValidationFailed.one("contract_id", "name either contract_id or milestone_id")
    if payload.milestone_id is not None:
        milestones = permissions.visible_milestones(actor).select_related("contract")
        milestone = find_or_invalid(milestones, payload.milestone_id, "milestone_id")
        return Status(201, services.watch(actor, milestone=milestone))
    contract = find_or_invalid(
        permissions.visible_contracts(actor), payload.contract_id, "contract_id"
    )
    return Status(201, services.watch(actor, contract=contract))


@router.delete(
    "/watches/{watch_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="watch-delete",
    summary="Stop watching",
)
def delete_watch(request: HttpRequest, watch_id: int) -> Status[None]:
    actor = actor_of(request)
    found = get_or_404(
        permissions.own_watches(actor).select_related("contract", "milestone"), watch_id, "watch"
    )
    services.unwatch(actor, found)
    return Status(204, None)


@router.get(
    "/preferences",
    response={200: list[PreferenceOut], **LIST_ERRORS},
    url_name="preference-list",
    summary="How you hear about each topic (e-mail: immediate, daily, weekly, off; in-app)",
)
def list_preferences(request: HttpRequest) -> list[Any]:
    actor = actor_of(request)
    return choices_of(actor.user_id or 0)


@router.put(
    "/preferences",
    response={200: list[PreferenceOut], **WRITE_ERRORS},
    url_name="preference-update",
    summary="Set how you hear about some topics; others keep their setting",
)
def put_preferences(request: HttpRequest, payload: list[PreferenceIn]) -> list[Any]:
    actor = actor_of(request)
    services.set_preferences(actor, [p.model_dump() for p in payload])
    return choices_of(actor.user_id or 0)


def _milestone(request: HttpRequest, milestone_id: int) -> Milestone:
    qs = permissions.visible_milestones(actor_of(request)).select_related("contract")
    return get_or_404(qs, milestone_id, "milestone")


def _state(state: ReminderState) -> dict[str, Any]:
    return {
        "milestone_id": state.milestone_id,
        "snoozed_until": state.snoozed_until,
        "acknowledged_due": state.acknowledged_due,
    }


@router.post(
    "/milestones/{milestone_id}/snooze",
    response={200: ReminderStateOut, **WRITE_ERRORS},
    url_name="milestone-snooze",
    summary="Hold your reminders of a milestone until a date",
)
def snooze(request: HttpRequest, milestone_id: int, payload: SnoozeIn) -> dict[str, Any]:
    milestone = _milestone(request, milestone_id)
    return _state(services.snooze(actor_of(request), milestone, payload.until))


@router.post(
    "/milestones/{milestone_id}/acknowledge",
    response={200: ReminderStateOut, **WRITE_ERRORS},
    url_name="milestone-acknowledge",
    summary="Stop your repeating overdue reminders while the due date stays",
)
def acknowledge(request: HttpRequest, milestone_id: int) -> dict[str, Any]:
    milestone = _milestone(request, milestone_id)
    return _state(services.acknowledge(actor_of(request), milestone))
