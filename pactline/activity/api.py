"""REST API for the event log (read only): the audit trail and activity feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.activity.audit import AuditFilter, audit_events, csv_lines, jsonl_lines
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
    error_responses,
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

    @staticmethod
    def resolve_changes(obj: Event, context: Any) -> dict[str, Any]:
        # Guests never read the values of custom fields hidden from guests (the hidden keys
        # are read once per request).
        from pactline.customfields.services import hidden_keys, redact_changes

        request = context["request"]
        actor = actor_of(request)
        if not actor.is_guest:
            return obj.changes
        if "_cf_hidden" not in request.__dict__:
            request._cf_hidden = hidden_keys(actor.organisation.pk)
        return redact_changes(actor, obj.changes, request._cf_hidden)


class EventFilter(QueryIn):
    contract_id: Id | None = None
    subject_type: str | None = Field(
        None, max_length=32, description="contract, milestone, party, milestonetemplate..."
    )
    subject_id: Id | None = None
    verb: str | None = Field(None, max_length=40)
    actor_id: Id | None = Field(None, description="who did it")
    since: date | None = Field(None, description="first day, in the organisation's time zone")
    until: date | None = Field(None, description="last day, in the organisation's time zone")

    def audit_filter(self) -> AuditFilter:
        return AuditFilter(
            verb=self.verb,
            actor_id=self.actor_id,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            contract_id=self.contract_id,
            since=self.since,
            until=self.until,
        )


class ExportFilter(EventFilter):
    format: Literal["csv", "jsonl"] = Field("jsonl", description="CSV or JSON Lines")


@events.get(
    "/events",
    response={200: Page[EventOut], **LIST_ERRORS},
    url_name="event-list",
    summary="List events, newest first",
)
def list_events(
    request: HttpRequest, filters: Query[EventFilter], page: Query[PageParams]
) -> dict[str, Any]:
    return paginate(audit_events(actor_of(request), filters.audit_filter()), page)


@events.get(
    "/events/export",
    response={200: None, **error_responses(401, 403, 422)},
    url_name="event-export",
    summary="Export the audit trail as CSV or JSON Lines (admins and owners)",
    description="The same filters as the list; every event with its hashes, oldest last.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the events",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def export_events(request: HttpRequest, filters: Query[ExportFilter]) -> StreamingHttpResponse:
    actor = actor_of(request)
    require(permissions.can_view_audit(actor), "only admins and owners export the audit trail")
    events = audit_events(actor, filters.audit_filter())
    if filters.format == "csv":
        response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_lines(events), content_type="application/x-ndjson; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="audit.{filters.format}"'
    return response


@events.get(
    "/events/{event_id}",
    response={200: EventOut, **READ_ERRORS},
    url_name="event-detail",
    summary="Get an event",
)
def get_event(request: HttpRequest, event_id: int) -> Event:
    return get_or_404(events_for(actor_of(request)), event_id, "event")
