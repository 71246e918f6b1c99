"""REST API for the event log (read only): the audit trail and activity feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pactline.activity.models import Event
from pactline.activity.queries import events_for
from pactline.api_auth import actor_of
from pactline.api_common import (
    LIST_ERRORS,
    READ_ERRORS,
    Id,
    Page,
    PageParams,
    QueryIn,
    get_or_404,
    paginate,
)

events = Router(tags=["events"])


class EventOut(Schema):
    id: int
    seq: int
    created_at: datetime
    actor_id: int | None
    actor_label: str
    verb: str
    subject_type: str
    subject_id: int
    subject_label: str
    contract_id: int | None
    summary: str
    changes: dict[str, Any] = Field(description='{field: {"before": x, "after": y}}')
    hash: str


class EventFilter(QueryIn):
    contract_id: Id | None = None
    subject_type: str | None = Field(
        None, max_length=32, description="contract, milestone, party, milestonetemplate..."
    )
    subject_id: Id | None = None
    verb: str | None = Field(None, max_length=40)


@events.get(
    "/events",
    response={200: Page[EventOut], **LIST_ERRORS},
    url_name="event-list",
    summary="List events, newest first",
)
def list_events(
    request: HttpRequest, filters: Query[EventFilter], page: Query[PageParams]
) -> dict[str, Any]:
    qs = events_for(actor_of(request))
    if filters.contract_id is not None:
        qs = qs.filter(contract_id=filters.contract_id)
    if filters.subject_type:
        qs = qs.filter(subject_type=filters.subject_type)
    if filters.subject_id is not None:
        qs = qs.filter(subject_id=filters.subject_id)
    if filters.verb:
        qs = qs.filter(verb=filters.verb)
    return paginate(qs.order_by("-seq"), page)


@events.get(
    "/events/{event_id}",
    response={200: EventOut, **READ_ERRORS},
    url_name="event-detail",
    summary="Get an event",
)
def get_event(request: HttpRequest, event_id: int) -> Event:
    return get_or_404(events_for(actor_of(request)), event_id, "event")
