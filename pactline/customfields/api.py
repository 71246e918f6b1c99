"""REST API for custom field definitions, and the pieces other routers use to carry values:
the `custom_fields` schema fragment, reading values for a reader, and the `cf_` filters."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    QueryIn,
    Version,
    check_version,
    expected_version,
    get_or_404,
)
from pactline.customfields import services
from pactline.customfields.models import CustomField, FieldType, ObjectType

custom_fields = Router(tags=["custom fields"])

ObjectTypeIn = Literal[tuple(ObjectType.values)]  # type: ignore[valid-type]
FieldTypeIn = Literal[tuple(FieldType.values)]  # type: ignore[valid-type]

VALUES_DOC = (
    "Custom field values by field key (see GET /api/v1/custom-fields). Text, long_text, url, "
    'choice: a string; number: a decimal string or number ("12.5"); money: {"amount": "1200.00", '
    '"currency": "EUR"} (or "1200 EUR"; the currency defaults to the organisation\'s); date: '
    '"YYYY-MM-DD"; boolean: true/false; multi_choice: a list of choices; user: a member\'s user '
    'id (or e-mail on input). On change, only the keys sent are set; null or "" clears one.'
)
FILTER_DOC = (
    "Custom field filters: cf_<key>=value (text: contains; choice, user, boolean: equals; "
    "multi_choice: has that choice), ranges cf_<key>__gte / __lte / __gt / __lt for number, "
    "money and date fields, cf_<key>__empty=true|false. An unknown key is a 422 naming it."
)
# The OpenAPI document cannot list each organisation's keys; it describes the pattern.
CF_PARAMETERS = [
    {
        "in": "query",
        "name": "cf_{key}",
        "required": False,
        "description": FILTER_DOC,
        "schema": {"type": "string"},
    },
    {
        "in": "query",
        "name": "cf_{key}__gte",
        "required": False,
        "description": "Range on a number, money or date field (also __lte, __gt, __lt).",
        "schema": {"type": "string"},
    },
]
SORT_DOC = "or cf_<key> / -cf_<key> to sort by a custom field (empty values last)"
CF_SORT_PATTERN = r"^-?cf_[a-z][a-z0-9_]{0,49}$"


def sort_param(choices: Any, default: str) -> Any:
    """A sort parameter: one of `choices`, or cf_<key> / -cf_<key>. One error, named after the
    parameter, for anything else (the OpenAPI document lists the choices and the pattern)."""
    allowed = tuple(choices)

    def check(value: str) -> str:
        if value in allowed or re.match(CF_SORT_PATTERN, value):
            return value
        raise ValueError(f"must be one of {', '.join(allowed)}, or cf_<key> / -cf_<key>")

    return Annotated[
        str,
        AfterValidator(check),
        Field(
            max_length=60,
            description=f"one of {', '.join(allowed)}; {SORT_DOC}",
        ),
    ]


def cf_openapi() -> dict[str, Any]:
    """`openapi_extra` for list operations that take `cf_` filters."""
    return {"parameters": CF_PARAMETERS}


def values_for(request: HttpRequest, object_type: str, obj: Any) -> dict[str, Any]:
    """The object's custom field values the request's actor may see (guests: not the hidden
    ones; their visible keys are read once per request, whatever the length of the page)."""
    stored = getattr(obj, "custom_fields", None) or {}
    actor = actor_of(request)
    if not actor.is_guest:
        return dict(stored)
    cache = request.__dict__.setdefault("_cf_visible_keys", {})
    if object_type not in cache:
        cache[object_type] = {f.key for f in services.fields_seen_by(actor, object_type)}
    return {k: v for k, v in stored.items() if k in cache[object_type]}


class CustomFieldIn(InSchema):
    object_type: ObjectTypeIn
    key: str = Field(description="stable slug: a-z, 0-9, _; used in JSON, filters, exports")
    label: str
    field_type: FieldTypeIn
    help_text: str = ""
    required: bool = Field(False, description="enforced on create and when the value is sent")
    default: Any = Field(None, description="value given to new objects")
    choices: list[str] = Field(default_factory=list, max_length=200)
    min_value: str = Field("", description="number, money amount or date (YYYY-MM-DD)")
    max_value: str = ""
    regex: str = Field("", description="text fields: the whole value must match")
    hidden_from_guests: bool = False
    remind_days_before: int | None = Field(
        None, ge=0, le=365, description="date fields: remind the owner N days before the date"
    )
    position: int | None = Field(None, ge=0, le=10000)


class CustomFieldPatch(InSchema):
    key: str = Field(None, description="renaming moves the stored values, in batches")
    label: str = Field(None)
    help_text: str = Field(None)
    required: bool = Field(None)
    default: Any = None
    choices: list[str] = Field(None, max_length=200)
    min_value: str = Field(None)
    max_value: str = Field(None)
    regex: str = Field(None)
    hidden_from_guests: bool = Field(None)
    remind_days_before: int | None = Field(None, ge=0, le=365)
    position: int = Field(None, ge=0, le=10000)
    version: Version | None = None


class CustomFieldOut(Schema):
    id: int
    object_type: str
    key: str
    label: str
    field_type: str
    help_text: str
    required: bool
    default: Any
    choices: list[str]
    min_value: str
    max_value: str
    regex: str
    position: int
    hidden_from_guests: bool
    remind_days_before: int | None
    filter_parameter: str = Field(description="the query parameter: cf_<key>")
    version: int

    @staticmethod
    def resolve_filter_parameter(obj: CustomField) -> str:
        return obj.param


class CustomFieldFilter(QueryIn):
    object_type: ObjectTypeIn | None = None


class ReorderIn(InSchema):
    object_type: ObjectTypeIn
    ids: list[Id] = Field(max_length=1000, description="every field of the type, in order")


def _field(actor: Actor, field_id: int) -> CustomField:
    qs = CustomField.objects.filter(organisation=actor.organisation)
    if actor.is_guest:
        qs = qs.filter(hidden_from_guests=False)
    return get_or_404(qs, field_id, "custom field")


@custom_fields.get(
    "/custom-fields",
    response={200: list[CustomFieldOut], **LIST_ERRORS},
    url_name="custom-field-list",
    summary="List the organisation's custom fields",
)
def list_fields(request: HttpRequest, filters: Query[CustomFieldFilter]) -> list[CustomField]:
    actor = actor_of(request)
    qs = CustomField.objects.filter(organisation=actor.organisation)
    if actor.is_guest:
        qs = qs.filter(hidden_from_guests=False)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    return list(qs.order_by("object_type", "position", "pk"))


@custom_fields.post(
    "/custom-fields",
    response={201: CustomFieldOut, **CREATE_ERRORS},
    url_name="custom-field-create",
    summary="Define a custom field (owners and admins)",
)
def create_field(request: HttpRequest, payload: CustomFieldIn) -> Status[CustomField]:
    data = payload.model_dump(exclude_unset=True)
    if data.get("position") is None:
        data.pop("position", None)
    return Status(201, services.create_field(actor_of(request), data))


@custom_fields.post(
    "/custom-fields/reorder",
    response={200: list[CustomFieldOut], **WRITE_ERRORS},
    url_name="custom-field-reorder",
    summary="Put the custom fields of a type in order (owners and admins)",
)
def reorder_fields(request: HttpRequest, payload: ReorderIn) -> list[CustomField]:
    return services.reorder_fields(actor_of(request), payload.object_type, payload.ids)


@custom_fields.get(
    "/custom-fields/{field_id}",
    response={200: CustomFieldOut, **READ_ERRORS},
    url_name="custom-field-detail",
    summary="Get a custom field",
)
def get_field(request: HttpRequest, field_id: int) -> CustomField:
    return _field(actor_of(request), field_id)


@custom_fields.patch(
    "/custom-fields/{field_id}",
    response={200: CustomFieldOut, **WRITE_ERRORS},
    url_name="custom-field-update",
    summary="Change a custom field (owners and admins)",
    description="A new `key` renames the stored values of every object, in batches.",
)
def update_field(request: HttpRequest, field_id: int, payload: CustomFieldPatch) -> CustomField:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return services.update_field(actor, _field(actor, field_id), data, version)


@custom_fields.delete(
    "/custom-fields/{field_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="custom-field-delete",
    summary="Delete a custom field and its values (owners and admins)",
)
def delete_field(request: HttpRequest, field_id: int) -> Status[None]:
    actor = actor_of(request)
    field = _field(actor, field_id)
    check_version(field, request)
    services.delete_field(actor, field)
    return Status(204, None)


def filter_list(
    qs: Any, actor: Actor, object_type: str, request: HttpRequest, sort: str | None = None
) -> Any:
    """Apply the request's `cf_` filters (and a `cf_` sort) to a list queryset, in SQL."""
    from pactline.customfields import queries

    has_filters = any(name.startswith(queries.PREFIX) for name in request.GET)
    if not has_filters and not queries.sort_key(sort):
        return qs
    fields = services.fields_seen_by(actor, object_type)
    if has_filters:
        qs = queries.apply(qs, fields, request.GET, organisation_id=actor.organisation.pk)
    if queries.sort_key(sort):
        qs = qs.order_by(*queries.order_by(fields, sort or ""))
    return qs
