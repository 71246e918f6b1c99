"""Recurring obligations: series of milestones generated from an RFC 5545 rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.milestones import services
from pactline.milestones.api import lookups
from pactline.milestones.api.schemas import MilestoneOut, OccurrencePatch, SeriesIn, SeriesOut
from pactline.milestones.models import Milestone, MilestoneSeries

router = Router(tags=["series"])


def _series(actor: Actor) -> QuerySet[MilestoneSeries]:
    return permissions.visible_series(actor).prefetch_related("items")


def _one(actor: Actor, series_id: int) -> MilestoneSeries:
    return get_or_404(_series(actor), series_id, "series")


@router.get(
    "/contracts/{contract_id}/series",
    response={200: Page[SeriesOut], **READ_ERRORS},
    url_name="contract-series-list",
    summary="List a contract's recurring obligations",
)
def list_series(request: HttpRequest, contract_id: int, page: Query[PageParams]) -> dict[str, Any]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    return paginate(_series(actor).filter(contract=contract).order_by("pk"), page)


@router.post(
    "/contracts/{contract_id}/series",
    response={201: SeriesOut, **CREATE_ERRORS},
    url_name="contract-series-create",
    summary="Add a recurring obligation (managers)",
    description="Occurrences are real milestones, generated from `starts_on` (default: the "
    "contract's start) up to `ends_on` (default: the contract's end) for `window_days` ahead, "
    "and extended by a periodic task. Each one's date is the rule's date snapped to a period "
    "end (`period_end`) and rolled off non-working days (`roll`).",
)
def create_series(
    request: HttpRequest, contract_id: int, payload: SeriesIn
) -> Status[MilestoneSeries]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    series = services.create_series(actor, contract, payload.model_dump(exclude_unset=True))
    return Status(201, _one(actor, series.pk))


@router.get(
    "/series/{series_id}",
    response={200: SeriesOut, **READ_ERRORS},
    url_name="series-detail",
    summary="Get a recurring obligation with its occurrences",
)
def get_series(request: HttpRequest, series_id: int) -> MilestoneSeries:
    return _one(actor_of(request), series_id)


@router.patch(
    "/milestones/{milestone_id}/occurrence",
    response={200: MilestoneOut, **WRITE_ERRORS},
    url_name="milestone-occurrence-update",
    summary="Change one occurrence of a series, or it and every later one",
    description="`scope=this` changes this occurrence only, like a PATCH of the milestone, and "
    "detaches it from the series. `scope=following` (managers) ends the series before this "
    "occurrence and starts a new one from it with the changes (title, description, owner_id, "
    "approver_id, payment_amount, rrule, period_end, roll); its open occurrences are "
    "generated again, so the answer may be a new milestone.",
)
def update_occurrence(
    request: HttpRequest, milestone_id: int, payload: OccurrencePatch
) -> Milestone:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    milestone = lookups.milestone(actor, milestone_id)
    data = lookups.changes(payload)
    scope = data.pop("scope")
    reason = data.pop("reason", "")
    changed = services.edit_occurrence(actor, milestone, data, scope, version, reason)
    return lookups.milestone_out(actor, changed.pk)
