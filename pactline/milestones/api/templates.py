"""Milestone templates: built-in (read-only, shared) and the organisation's own."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
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
from pactline.milestones.api.lookups import changes
from pactline.milestones.api.schemas import (
    TemplateIn,
    TemplateItemIn,
    TemplateOut,
    TemplatePatch,
)
from pactline.milestones.models import MilestoneTemplate

router = Router(tags=["templates"])

ITEMS = (
    "Items are due at an offset from a contract date (`anchor`: contract_start, contract_end, "
    "contract_signed) or from an earlier item (`anchor`: milestone or milestone_done, with "
    "`anchor_item` = that item's index from 0), then optionally snapped to a period's end "
    "(`period_end`) and rolled off non-working days (`roll`)."
)


def _templates(actor: Actor) -> QuerySet[MilestoneTemplate]:
    return permissions.visible_templates(actor).prefetch_related("items__checklist")


def _template(actor: Actor, template_id: int) -> MilestoneTemplate:
    return get_or_404(_templates(actor), template_id, "template")


@router.get(
    "/templates",
    response={200: Page[TemplateOut], **LIST_ERRORS},
    url_name="template-list",
    summary="List milestone templates (built-in and your organisation's)",
)
def list_templates(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(_templates(actor_of(request)).order_by("name", "pk"), page)


@router.post(
    "/templates",
    response={201: TemplateOut, **CREATE_ERRORS},
    url_name="template-create",
    summary="Create a milestone template",
    description=ITEMS,
)
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[MilestoneTemplate]:
    actor = actor_of(request)
    items = [item.model_dump() for item in payload.items]
    template = services.create_template(actor, payload.name, payload.description, items)
    return Status(201, _template(actor, template.pk))


class TemplatePreviewIn(Schema):
    items: list[TemplateItemIn] = Field(max_length=200)
    start_on: date
    end_on: date | None = None
    signed_on: date | None = None
    calendar_country: str = Field("", max_length=2, description="ISO 3166 code for holidays")
    calendar_subdivision: str = Field("", max_length=10)
    workweek: int = Field(31, ge=1, le=127, description="bit 0 = Monday ... bit 6 = Sunday")


class PreviewRowOut(Schema):
    index: int
    title: str
    kind: str
    due_date: date | None
    trace: str = Field(description="how the date was computed")


@router.post(
    "/templates/preview",
    response={200: list[PreviewRowOut], **CREATE_ERRORS},
    url_name="template-preview",
    summary="The dates template items would give for a start date and calendar (saves nothing)",
    description=ITEMS,
)
def preview_template(request: HttpRequest, payload: TemplatePreviewIn) -> list[dict[str, Any]]:
    return services.preview_template(
        actor_of(request),
        [item.model_dump() for item in payload.items],
        payload.start_on,
        end_on=payload.end_on,
        signed_on=payload.signed_on,
        country=payload.calendar_country,
        subdivision=payload.calendar_subdivision,
        workweek=payload.workweek,
    )


@router.get(
    "/templates/{template_id}",
    response={200: TemplateOut, **READ_ERRORS},
    url_name="template-detail",
    summary="Get a milestone template",
)
def get_template(request: HttpRequest, template_id: int) -> MilestoneTemplate:
    return _template(actor_of(request), template_id)


@router.patch(
    "/templates/{template_id}",
    response={200: TemplateOut, **WRITE_ERRORS},
    url_name="template-update",
    summary="Change a template (built-in templates are read-only: 403)",
    description="`items`, when sent, replaces all items. " + ITEMS,
)
def update_template(
    request: HttpRequest, template_id: int, payload: TemplatePatch
) -> MilestoneTemplate:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    template = _template(actor, template_id)
    services.update_template(actor, template, changes(payload), version)
    return _template(actor, template.pk)


@router.delete(
    "/templates/{template_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="template-delete",
    summary="Delete a template (built-in templates are read-only: 403)",
)
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    actor = actor_of(request)
    template = _template(actor, template_id)
    check_version(template, request)
    services.delete_template(actor, template)
    return Status(204, None)
