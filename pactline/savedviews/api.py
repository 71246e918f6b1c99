"""REST API of saved views: list (mine and shared), create, read, change, delete, and read a
view's rows with exactly its columns, filters and sort (for BI tools)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, QueryDict
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
    InSchema,
    Page,
    PageParams,
    QueryIn,
    Version,
    check_version,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.savedviews import services
from pactline.savedviews.lists import LISTS
from pactline.savedviews.models import DefaultView, SavedView
from pactline.savedviews.web import chosen_columns, opened

saved_views = Router(tags=["saved views"])

ListName = Literal["contracts", "milestones", "parties"]
Params = dict[str, list[str] | str]
Keys = list[str]  # (the schemas below have a field named `list`)
StoredParams = dict[str, list[str]]
PARAMS_HELP = (
    "the list's query parameters, as on its page: filters (e.g. `status`, `party`, "
    "`cf_<key>` for custom fields) and its sort (`sort`, or `ordering` for milestones)"
)


class SavedViewIn(InSchema):
    list: ListName = Field(description="which list: contracts, milestones or parties")
    name: str = Field(max_length=100)
    shared: bool = Field(False, description="visible to the whole organisation (managers+)")
    columns: Keys = Field(
        default_factory=lambda: [], max_length=100, description="column keys in order ([]: default)"
    )
    params: Params = Field(default_factory=dict, description=PARAMS_HELP)
    default: bool = Field(False, description="open the list with this view")


class SavedViewPatch(InSchema):
    name: str | None = Field(None, max_length=100)
    shared: bool | None = None
    columns: Keys | None = Field(None, max_length=100)
    params: Params | None = Field(None, description=PARAMS_HELP)
    default: bool | None = Field(None, description="your own default (any view you see)")
    version: Version | None = None


class SavedViewOut(Schema):
    id: int
    list: str
    name: str
    shared: bool
    owner_id: int
    mine: bool
    is_default: bool = Field(description="your default for its list")
    columns: Keys
    params: StoredParams
    web_url: str = Field(description="the list page showing this view")
    version: int
    created_at: datetime
    updated_at: datetime


class SavedViewFilter(QueryIn):
    list: ListName | None = None


class ColumnOut(Schema):
    key: str
    label: str
    kind: str = Field(description="text, int, float, date or money")


class RowsOut(Schema):
    columns: list[ColumnOut]
    items: list[dict[str, Any]] = Field(description="one object per row, by column key")
    count: int
    notices: list[str] = Field(description="filters or columns that no longer apply")


def _defaults(actor: Actor) -> set[int]:
    return set(
        DefaultView.objects.filter(
            organisation=actor.organisation, user_id=actor.user_id
        ).values_list("view_id", flat=True)
    )


def _out(actor: Actor, view: SavedView, defaults: set[int]) -> dict[str, Any]:
    return {
        "id": view.pk,
        "list": view.list_key,
        "name": view.name,
        "shared": view.shared,
        "owner_id": view.owner_id,
        "mine": view.owner_id == actor.user_id,
        "is_default": view.pk in defaults,
        "columns": list(view.columns or []),
        "params": {k: list(v) for k, v in (view.params or {}).items()},
        "web_url": f"{LISTS[view.list_key].url}?view={view.pk}",
        "version": view.version,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
    }


def _find(actor: Actor, view_id: int) -> SavedView:
    return get_or_404(permissions.visible_saved_views(actor), view_id, "saved view")


@saved_views.get(
    "/saved-views",
    response={200: Page[SavedViewOut], **LIST_ERRORS},
    url_name="saved-view-list",
    summary="List your saved views and the organisation's shared ones",
)
def list_views(
    request: HttpRequest, filters: Query[SavedViewFilter], page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    qs = permissions.visible_saved_views(actor).order_by("list_key", "name", "pk")
    if filters.list:
        qs = qs.filter(list_key=filters.list)
    result = paginate(qs, page)
    defaults = _defaults(actor)
    result["items"] = [_out(actor, v, defaults) for v in result["items"]]
    return result


@saved_views.post(
    "/saved-views",
    response={201: SavedViewOut, **CREATE_ERRORS},
    url_name="saved-view-create",
    summary="Save a view of a list (columns, filters, sort)",
)
def create_view(request: HttpRequest, payload: SavedViewIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    view = services.create_view(actor, payload.model_dump())
    return Status(201, _out(actor, view, _defaults(actor)))


@saved_views.get(
    "/saved-views/{view_id}",
    response={200: SavedViewOut, **READ_ERRORS},
    url_name="saved-view-detail",
    summary="Read a saved view",
)
def get_view(request: HttpRequest, view_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _out(actor, _find(actor, view_id), _defaults(actor))


@saved_views.patch(
    "/saved-views/{view_id}",
    response={200: SavedViewOut, **WRITE_ERRORS},
    url_name="saved-view-update",
    summary="Rename, share, change or make default a saved view",
)
def update_view(request: HttpRequest, view_id: int, payload: SavedViewPatch) -> dict[str, Any]:
    actor = actor_of(request)
    view = _find(actor, view_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    view = services.update_view(actor, view, data, version)
    return _out(actor, view, _defaults(actor))


@saved_views.delete(
    "/saved-views/{view_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="saved-view-delete",
    summary="Delete a saved view",
)
def delete_view(request: HttpRequest, view_id: int) -> Status[None]:
    actor = actor_of(request)
    view = _find(actor, view_id)
    check_version(view, request)
    services.delete_view(actor, view)
    return Status(204, None)


def _json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


@saved_views.get(
    "/saved-views/{view_id}/rows",
    response={200: RowsOut, **READ_ERRORS},
    url_name="saved-view-rows",
    summary="The rows of a saved view, with exactly its columns, filters and sort",
    description="What the view's export holds, as JSON: values typed as in the XLSX export "
    "(dates ISO, money as decimal strings). Only rows you may see.",
)
def view_rows(request: HttpRequest, view_id: int, page: Query[PageParams]) -> dict[str, Any]:
    actor = actor_of(request)
    view = _find(actor, view_id)
    spec = LISTS[view.list_key]
    url, notices = opened(actor, spec, view)
    params = QueryDict(url.split("?", 1)[1])
    available = spec.columns(actor)
    columns = chosen_columns(spec, available, params)
    result = paginate(spec.rows(actor, params, available), page)
    return {
        "columns": [{"key": c.key, "label": c.label, "kind": c.export.kind} for c in columns],
        "items": [{c.key: _json(c.export.value(row)) for c in columns} for row in result["items"]],
        "count": result["count"],
        "notices": notices,
    }
