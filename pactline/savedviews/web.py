"""What a list page needs from saved views: the chosen columns, the table's cells, the views
menu, the column picker, and opening a saved view (or the person's default).

A list page calls `prepare(request, list_key)`: it answers a redirect when a view is being
opened (`?view=<id>` alone, or no parameters at all and a default view), so the page always
shows its state in the query string: `view=<id>` (which view is open), `cols=a,b,c` (the
columns, in order) and the list's own filter and sort parameters, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.savedviews import customcolumns, services
from pactline.savedviews.columns import ListColumn
from pactline.savedviews.lists import LISTS, ListSpec
from pactline.savedviews.models import DefaultView, SavedView
from pactline.web.http import actor_of, is_htmx

COLS = "cols"
VIEW = "view"


def chosen_columns(
    spec: ListSpec, available: dict[str, ListColumn], params: QueryDict, export: bool = False
) -> list[ListColumn]:
    """The columns named by `cols` (comma-separated or repeated), unknown keys left out; the
    list's default (or, for an export, default export) columns when none is named."""
    keys: list[str] = []
    for raw in params.getlist(COLS):
        keys += [k.strip() for k in raw.split(",") if k.strip()]
    picked = [available[k] for k in dict.fromkeys(keys) if k in available]
    if picked:
        return picked
    defaults = spec.export_columns if export else spec.default_columns
    return [available[k] for k in defaults if k in available]


def visible_views(actor: Actor, list_key: str) -> list[SavedView]:
    """The actor's views and the shared ones of this list, each with `is_default` and
    `mine`, in one query."""
    if not permissions.can_save_views(actor):
        return []
    defaults = DefaultView.objects.filter(
        view=OuterRef("pk"), user_id=actor.user_id, organisation=actor.organisation
    )
    views = list(
        permissions.visible_saved_views(actor)
        .filter(list_key=list_key)
        .annotate(is_default=Exists(defaults))
        .select_related("owner")
        .order_by("name", "pk")
    )
    for v in views:
        v.mine = v.owner_id == actor.user_id  # type: ignore[attr-defined]
    return views


def find_view(actor: Actor, pk: object) -> SavedView:
    """A view the actor sees, or 404 (another organisation's, or someone's private view)."""
    return permissions.get_visible(permissions.visible_saved_views(actor), pk, "saved view")  # type: ignore[no-any-return]


def opened(actor: Actor, spec: ListSpec, view: SavedView) -> tuple[str, list[str]]:
    """The list URL that shows `view`, and notices for what no longer applies."""
    notices: list[str] = []
    stored = view.params or {}
    valid = services.applicable(actor, spec, stored)
    for name, values in stored.items():
        dropped = [v for v in values if v not in valid.get(name, [])]
        if dropped:
            notices.append(
                f"The filter {name.removeprefix('cf_')!r} of the view {view.name!r} no longer "
                "applies (a field or value was removed) and was left out."
            )
    available = spec.columns(actor)
    missing = [c for c in view.columns or [] if c not in available]
    if missing:
        notices.append(
            f"The view {view.name!r} shows columns that no longer exist: "
            f"{', '.join(c.removeprefix('cf_') for c in missing)}."
        )
    columns = [c for c in view.columns or [] if c in available] or [
        c for c in spec.default_columns if c in available
    ]
    pairs: list[tuple[str, str]] = [(VIEW, str(view.pk))]
    pairs += [(name, v) for name, values in valid.items() for v in values]
    pairs.append((COLS, ",".join(columns)))
    return f"{spec.url}?{urlencode(pairs)}", notices


@dataclass
class ListState:
    spec: ListSpec
    actor: Actor
    params: QueryDict
    available: dict[str, ListColumn]
    columns: list[ListColumn]
    views: list[SavedView]
    current: SavedView | None
    sort: str
    can_save: bool
    can_share: bool
    extra: dict[str, Any] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # filters in the URL that were ignored

    @property
    def column_keys(self) -> str:
        return ",".join(c.key for c in self.columns)

    def query(self, **changes: Any) -> str:
        """The current query string with `changes` (None removes a parameter), no page."""
        query = self.params.copy()
        query.pop("page", None)
        query.pop("format", None)
        query[COLS] = self.column_keys
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = value
        return query.urlencode()

    @property
    def saved_query(self) -> str:
        """What "save as a view" stores: the filters and sort, and the columns."""
        return self.query(view=None)

    def headers(self) -> list[dict[str, Any]]:
        out = []
        for c in self.columns:
            up, down = c.sort, c.sort_desc
            state = (
                "ascending"
                if up and self.sort == up
                else "descending"
                if down and self.sort == down
                else ""
            )
            target = down if state == "ascending" and down else up
            out.append(
                {
                    "key": c.key,
                    "label": c.label,
                    "term": c.term,
                    "numeric": c.numeric,
                    "aria_sort": state,
                    "next": target,
                    "href": "?"
                    + self.query(**{self.spec.sort_param: target, VIEW: self._view_id()})
                    if target
                    else "",
                }
            )
        return out

    def _view_id(self) -> str | None:
        return str(self.current.pk) if self.current else None

    def rows(self, objects: Any) -> list[list[tuple[Any, bool]]]:
        """The table body: per object, (cell, numeric) for each chosen column."""
        return [[(c.cell(obj), c.numeric) for c in self.columns] for obj in objects]

    def picker(self) -> list[dict[str, Any]]:
        """Every column, the shown ones first in their order, with move links."""
        keys = [c.key for c in self.columns]
        out = []
        for index, key in enumerate(keys):
            out.append(
                {
                    "key": key,
                    "label": self.available[key].label,
                    "shown": True,
                    "up": self._moved(keys, index, -1) if index > 0 else "",
                    "down": self._moved(keys, index, 1) if index < len(keys) - 1 else "",
                }
            )
        for key, column in self.available.items():
            if key not in keys:
                out.append({"key": key, "label": column.label, "shown": False})
        return out

    def _moved(self, keys: list[str], index: int, step: int) -> str:
        moved = list(keys)
        moved[index], moved[index + step] = moved[index + step], moved[index]
        return "?" + self.query(**{COLS: ",".join(moved)})

    def hidden_inputs(self) -> list[tuple[str, str]]:
        """The current parameters but the columns (for the column picker's form)."""
        return [
            (name, value)
            for name, values in self.params.lists()
            if name not in (COLS, "page", "format")
            for value in values
        ]

    def export_query(self) -> str:
        return self.query(view=None)

    def context(self) -> dict[str, Any]:
        return {
            "lv": self,
            "lv_headers": self.headers(),
            "lv_picker": self.picker(),
        }


def prepare(request: HttpRequest, list_key: str) -> ListState | HttpResponse:
    """The list's state for this request, or a redirect that opens a saved view."""
    actor = actor_of(request)
    spec = LISTS[list_key]
    params = request.GET
    views = visible_views(actor, list_key)
    if not is_htmx(request):
        target: SavedView | None = None
        if not params:
            target = next((v for v in views if v.is_default), None)  # type: ignore[attr-defined]
        elif set(params) == {VIEW} and params.get(VIEW) not in ("", "0"):
            target = next((v for v in views if str(v.pk) == params.get(VIEW)), None)
            if target is None:
                raise Http404("saved view not found")
        if target is not None:
            url, notices = opened(actor, spec, target)
            for notice in notices:
                messages.warning(request, notice)
            return HttpResponseRedirect(url)
    current = next((v for v in views if str(v.pk) == params.get(VIEW)), None)
    available = spec.columns(actor)
    return ListState(
        spec=spec,
        actor=actor,
        params=params,
        available=available,
        columns=chosen_columns(spec, available, params),
        views=views,
        current=current,
        sort=params.get(spec.sort_param) or spec.default_sort,
        can_save=permissions.can_save_views(actor),
        can_share=permissions.can_share_views(actor),
        notices=customcolumns.ignored(actor, spec.object_type, params),
    )
