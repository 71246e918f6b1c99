"""Building blocks shared by the routers of every app: error schema, pages, ids, versions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, Field, field_validator

from pactline.accounts import permissions
from pactline.errors import Conflict, ValidationFailed

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_ID = 2**63 - 1  # the largest primary key a BigAutoField can hold
MAX_PAGE_SIZE = 500
MAX_PAGE_OFFSET = 10**9

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Money = Annotated[Decimal, Field(max_digits=18, decimal_places=2, ge=0)]
Share = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=3)]


class ErrorOut(Schema):
    """Every error answer: a sentence, and for invalid input the problem of each field."""

    detail: str
    errors: dict[str, list[str]] | None = None


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    return {code: ErrorOut for code in codes}


READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 422)
LIST_ERRORS = error_responses(401, 422)
CREATE_ERRORS = error_responses(401, 403, 404, 422)
DELETE_ERRORS = error_responses(401, 403, 404, 409, 422)


def _check_text(value: Any) -> Any:
    """Refuse text no database stores: NUL (PostgreSQL) and lone surrogates (not UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    elif isinstance(value, list):
        for element in value:
            _check_text(element)
    return value


class QueryIn(Schema):
    """Query parameters: the same text hygiene as bodies."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        return _check_text(value)


class InSchema(QueryIn):
    """Input: unknown fields are an error naming the field, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="how many objects match, across all pages")


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="page size, at most 500")
    offset: int = Field(0, ge=0, le=MAX_PAGE_OFFSET, description="objects to skip")


def paginate(queryset: QuerySet[M], page: PageParams) -> dict[str, Any]:
    """One COUNT and one page query (plus the queryset's own prefetches), whatever the size."""
    count = queryset.count()
    items = list(queryset[page.offset : page.offset + page.limit]) if count else []
    return {"items": items, "count": count}


_PLAIN = frozenset({int, str, bool, float, type(None), date, datetime, Decimal, dict, list})


def lean_page(
    request: HttpRequest, schema: type[Schema], page: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A `Page[schema]` answer rendered as django-ninja renders it (same fields, order,
    resolvers and JSON encoder), without pydantic validating our own output row by row: on a
    page of 100 milestones that validation, through ninja's attribute getter, cost more than
    the page's SQL. The operation keeps `response=Page[schema]` for the OpenAPI document;
    tests/api/test_milestones.py compares each row with the milestone's own GET. Attributes
    that are not plain values (managers, callables, files) still go through ninja's own
    conversion."""
    from pactline.api import api  # the routers import this module

    context = {"request": request, "response_status": status}
    resolvers = schema._ninja_resolvers  # what ninja's DjangoGetter consults
    fields = list(schema.model_fields)
    items = []
    for obj in page["items"]:
        getter = DjangoGetter(obj, schema, context)
        row = {}
        for name in fields:
            if name in resolvers:
                row[name] = getattr(getter, name)
                continue
            value = getattr(obj, name, _MISSING)
            if type(value) not in _PLAIN:
                value = getattr(getter, name)
            row[name] = value
        items.append(row)
    return api.create_response(request, {"items": items, "count": page["count"]}, status=status)


_MISSING = object()


def get_or_404(queryset: QuerySet[M], pk: int, what: str) -> M:
    """One object of an already scoped queryset; another organisation's is simply not there."""
    return permissions.get_visible(queryset, pk, what)  # type: ignore[no-any-return]


def find_or_invalid(queryset: QuerySet[M], pk: int, field: str) -> M:
    """An object named by a body field; one the actor cannot see is invalid input (422)."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.one(field, f"no such object: {pk}")
    return found


def parse_if_match(header: str | None) -> int | None:
    """The version named by an If-Match header: `3`, `"3"` or `W/"3"`."""
    if header is None or not header.strip():
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 18:
        raise ValidationFailed.one("If-Match", "must be the object's version, e.g. If-Match: 3")
    return int(value)


def expected_version(request: HttpRequest, body_version: int | None) -> int | None:
    """The version the client last saw: the body's `version`, else the If-Match header."""
    header = parse_if_match(request.headers.get("If-Match"))
    if body_version is not None and header is not None and body_version != header:
        raise ValidationFailed.one("version", "differs from the If-Match header")
    return body_version if body_version is not None else header


def check_version(obj: Any, request: HttpRequest) -> None:
    """For deletes: refuse when the client's If-Match names an older version."""
    wanted = parse_if_match(request.headers.get("If-Match"))
    if wanted is not None and wanted != obj.version:
        raise Conflict(
            f"this {obj._meta.verbose_name} was changed by someone else (now version "
            f"{obj.version}, you saw version {wanted}); reload it and try again"
        )


Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the version you last read")]
