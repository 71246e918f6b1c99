"""Web pages of saved views: save the list as it is, change, delete, make default, export."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.errors import ValidationFailed
from pactline.reports import exports
from pactline.savedviews import services
from pactline.savedviews.lists import LISTS, ListSpec
from pactline.savedviews.models import ListKey
from pactline.savedviews.web import (
    COLS,
    VIEW,
    chosen_columns,
    find_view,
    opened,
    visible_views,
)
from pactline.web.http import GUESTS_NOT_HERE, actor_of, forbidden, member_view, portal_view


def _state_from(raw_query: str) -> tuple[dict[str, list[str]], list[str]]:
    """A list page's query string as a view's parameters and columns."""
    query = QueryDict(raw_query[:4000])
    columns: list[str] = []
    for raw in query.getlist(COLS):
        columns += [k.strip() for k in raw.split(",") if k.strip()]
    params = {name: values for name, values in query.lists() if name not in services.NOT_SAVED}
    return params, list(dict.fromkeys(columns))


def _spec(list_key: str) -> ListSpec:
    spec = LISTS.get(list_key)
    if spec is None:
        raise Http404("no such list")
    return spec


def _failed(request: HttpRequest, exc: ValidationFailed, back: str) -> HttpResponse:
    problems = "; ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in exc.errors.items())
    messages.error(request, f"The view was not saved: {problems}")
    return HttpResponseRedirect(back)


@member_view
@require_POST
def view_create(request: HttpRequest) -> HttpResponse:
    """Save the list as shown (its query string) under a name."""
    actor = actor_of(request)
    spec = _spec(request.POST.get("list", ""))
    raw = request.POST.get("query", "")
    back = f"{spec.url}?{raw}" if raw else spec.url
    params, columns = _state_from(raw)
    # What the page showed: values it ignored (a stale link) are not saved either.
    params = services.applicable(actor, spec, params)
    columns = [c for c in columns if c in spec.columns(actor)]
    data = {
        "list": spec.key,
        "name": request.POST.get("name", ""),
        "shared": request.POST.get("shared") == "on",
        "columns": columns,
        "params": params,
        "default": request.POST.get("default") == "on",
    }
    try:
        view = services.create_view(actor, data)
    except ValidationFailed as exc:
        return _failed(request, exc, back)
    messages.success(request, f"View “{view.name}” saved.")
    url, _notices = opened(actor, spec, view)
    return HttpResponseRedirect(url)


@member_view
@require_POST
def view_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, (un)share, or replace the view's columns and filters with the list as shown."""
    actor = actor_of(request)
    view = find_view(actor, pk)
    spec = _spec(view.list_key)
    data: dict[str, Any] = {}
    if "name" in request.POST:
        data["name"] = request.POST["name"]
        if permissions.can_share_views(actor):  # the others see no "shared" box
            data["shared"] = request.POST.get("shared") == "on"
    if "query" in request.POST:
        params, columns = _state_from(request.POST["query"])
        data["params"] = services.applicable(actor, spec, params)
        data["columns"] = [c for c in columns if c in spec.columns(actor)]
    version = request.POST.get("version", "")
    back = reverse("saved-view-list") if request.POST.get("next") == "manage" else None
    try:
        view = services.update_view(actor, view, data, int(version) if version.isdigit() else None)
    except ValidationFailed as exc:
        return _failed(request, exc, back or f"{spec.url}?{VIEW}={view.pk}")
    messages.success(request, f"View “{view.name}” updated.")
    return HttpResponseRedirect(back or f"{spec.url}?{VIEW}={view.pk}")


@member_view
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    view = find_view(actor, pk)
    spec = _spec(view.list_key)
    services.delete_view(actor, view)
    messages.success(request, f"View “{view.name}” deleted.")
    if request.POST.get("next") == "manage":
        return HttpResponseRedirect(reverse("saved-view-list"))
    return HttpResponseRedirect(f"{spec.url}?{VIEW}=0")


@member_view
@require_POST
def view_default(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the view my default for its list (`on=0`: open the plain list again)."""
    actor = actor_of(request)
    view = find_view(actor, pk)
    spec = _spec(view.list_key)
    if request.POST.get("on", "1") == "0":
        services.set_default(actor, view.list_key, None)
        messages.success(request, f"The {spec.label.lower()} list opens without a view again.")
    else:
        services.set_default(actor, view.list_key, view)
        messages.success(request, f"The {spec.label.lower()} list opens with “{view.name}”.")
    if request.POST.get("next") == "manage":
        return HttpResponseRedirect(reverse("saved-view-list"))
    return HttpResponseRedirect(f"{spec.url}?{VIEW}={view.pk}")


@member_view
@require_GET
def view_list(request: HttpRequest) -> HttpResponse:
    """My views and the organisation's shared views, per list, to rename, share or delete."""
    actor = actor_of(request)
    groups = []
    for key in ListKey.values:
        spec = LISTS[key]
        views = visible_views(actor, key)
        for v in views:
            v.can_delete = v.mine or permissions.can_delete_saved_view(actor, v)  # type: ignore[attr-defined]
        groups.append({"spec": spec, "views": views})
    return render(
        request,
        "savedviews/view_list.html",
        {"groups": groups, "can_share": permissions.can_share_views(actor)},
    )


def export_response(actor: Actor, spec: ListSpec, params: QueryDict, fmt: str) -> HttpResponse:
    """The list as CSV or XLSX with exactly these columns, filters and sort."""
    available = spec.columns(actor)
    columns = chosen_columns(spec, available, params, export=True)
    rows = spec.rows(actor, params, available)[: exports.MAX_ROWS]
    name = f"{actor.organisation.slug or 'pactline'}-{spec.key}-{date.today().isoformat()}"
    response = exports.table_response(fmt, name, [c.export for c in columns], rows)
    add_never_cache_headers(response)
    return response


@portal_view
@require_GET
def list_export(request: HttpRequest, list_key: str) -> HttpResponse:
    """`?format=csv|xlsx` and the list page's parameters (or `view=<id>` alone: that view)."""
    actor = actor_of(request)
    spec = _spec(list_key)
    if actor.is_guest and not spec.guests:
        return forbidden(request, GUESTS_NOT_HERE)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed.one("format", "must be csv or xlsx")
    params = request.GET.copy()
    params.pop("format", None)
    if set(params) == {VIEW} and params.get(VIEW) not in ("", "0"):
        view = find_view(actor, params.get(VIEW))
        if view.list_key != spec.key:
            raise Http404("saved view not found")
        url, _notices = opened(actor, spec, view)
        params = QueryDict(url.split("?", 1)[1])
    return export_response(actor, spec, params, fmt)
