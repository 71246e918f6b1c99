"""Milestone types of the organisation: the values milestones, template items and series take
in `kind`, with a name, colour, icon, default checklist and default reminder policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    InSchema,
    Page,
    PageParams,
    Version,
    check_version,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.milestones import services
from pactline.milestones.models import MilestoneType

router = Router(tags=["milestone types"])

REMINDERS = (
    "reminder policy fields (as PUT /api/v1/milestones/{id}/reminder-policy takes them) that "
    "every new milestone of this type gets as its own policy; {} for none"
)


class MilestoneTypeIn(InSchema):
    key: str = Field(
        max_length=32,
        description="what milestones store in `kind`: lower-case letters, digits, _; fixed",
    )
    name: str = Field(max_length=100)
    colour: str = Field("#64748b", description="#rrggbb")
    icon: str = Field("", max_length=32, description="a short symbol shown beside the name")
    default_checklist: list[str] = Field(default_factory=list, max_length=50)
    default_reminders: dict[str, Any] = Field(default_factory=dict, description=REMINDERS)
    position: int | None = Field(None, ge=0, le=10_000)
    archived: bool = False


class MilestoneTypePatch(InSchema):
    name: str = Field(None, max_length=100)
    colour: str = Field(None)
    icon: str = Field(None, max_length=32)
    default_checklist: list[str] = Field(None, max_length=50)
    default_reminders: dict[str, Any] = Field(None, description=REMINDERS)
    position: int = Field(None, ge=0, le=10_000)
    archived: bool = Field(None, description="archived types are no longer offered")
    version: Version | None = None


class MilestoneTypeOut(Schema):
    id: int
    key: str
    name: str
    colour: str
    icon: str
    default_checklist: list[str]
    default_reminders: dict[str, Any]
    position: int
    archived: bool
    version: int


class TypeFilter(Schema):
    archived: bool | None = Field(None, description="true: only archived; false: only active")


def _types(actor: Actor) -> QuerySet[MilestoneType]:
    return MilestoneType.objects.filter(organisation=actor.organisation)


@router.get(
    "/milestone-types",
    response={200: Page[MilestoneTypeOut], **LIST_ERRORS},
    url_name="milestone-type-list",
    summary="List the organisation's milestone types",
)
def list_types(
    request: HttpRequest, page: Query[PageParams], filters: Query[TypeFilter]
) -> dict[str, Any]:
    qs = _types(actor_of(request))
    if filters.archived is not None:
        qs = qs.filter(archived=filters.archived)
    return paginate(qs.order_by("position", "pk"), page)


@router.post(
    "/milestone-types",
    response={201: MilestoneTypeOut, **CREATE_ERRORS},
    url_name="milestone-type-create",
    summary="Create a milestone type (admins and owners)",
)
def create_type(request: HttpRequest, payload: MilestoneTypeIn) -> Status[MilestoneType]:
    data = payload.model_dump()
    if data["position"] is None:
        data.pop("position")
    return Status(201, services.create_type(actor_of(request), data))


@router.get(
    "/milestone-types/{type_id}",
    response={200: MilestoneTypeOut, **READ_ERRORS},
    url_name="milestone-type-detail",
    summary="Get a milestone type",
)
def get_type(request: HttpRequest, type_id: int) -> MilestoneType:
    return get_or_404(_types(actor_of(request)), type_id, "milestone type")


@router.patch(
    "/milestone-types/{type_id}",
    response={200: MilestoneTypeOut, **WRITE_ERRORS},
    url_name="milestone-type-update",
    summary="Change or archive a milestone type (its key never changes)",
)
def update_type(request: HttpRequest, type_id: int, payload: MilestoneTypePatch) -> MilestoneType:
    actor = actor_of(request)
    t = get_or_404(_types(actor), type_id, "milestone type")
    version = expected_version(request, payload.version)
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return services.update_type(actor, t, data, version)


@router.delete(
    "/milestone-types/{type_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="milestone-type-delete",
    summary="Delete an unused milestone type (in use: 422, archive it instead)",
)
def delete_type(request: HttpRequest, type_id: int) -> Status[None]:
    actor = actor_of(request)
    t = get_or_404(_types(actor), type_id, "milestone type")
    check_version(t, request)
    services.delete_type(actor, t)
    return Status(204, None)
