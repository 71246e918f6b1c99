"""Saved views: create, change, delete, make default. Every write checks permissions,
validates (errors name the field), writes and records an event in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.errors import ValidationFailed
from pactline.savedviews import customcolumns
from pactline.savedviews.lists import LISTS, ListSpec, get_list
from pactline.savedviews.models import DefaultView, SavedView
from pactline.validation import Errors, check_required_text
from pactline.versioning import bump, lock

# Query parameters of a list page that are not part of a view.
NOT_SAVED = frozenset({"page", "format", "view", "cols", "csrfmiddlewaretoken"})
MAX_VALUES = 50
MAX_VALUE_LENGTH = 200
EDITABLE = ("name", "shared", "columns", "params")


def as_query(params: Mapping[str, Any]) -> QueryDict:
    """{"status": ["active"], "sort": "-value"} as a QueryDict (lists repeat the name)."""
    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(
            str(name), [str(v) for v in (values if isinstance(values, list) else [values])]
        )
    return query


def applicable(actor: Actor, spec: ListSpec, params: Mapping[str, Any]) -> dict[str, list[str]]:
    """The parameters whose names and values still apply for this actor: filters the list
    knows with values it accepts (an existing party, a status that exists...), custom-field
    filters naming a field the actor sees, and a known sort."""
    query = as_query({k: v for k, v in params.items() if k not in NOT_SAVED})
    out = spec.check(actor, query)
    out.update(customcolumns.check(actor, spec.object_type, query))
    sort = query.get(spec.sort_param)
    if sort and (sort in spec.sorts or _custom_sort(actor, spec, sort)):
        out[spec.sort_param] = [sort]
    return out


def _custom_sort(actor: Actor, spec: ListSpec, sort: str) -> bool:
    key = sort.lstrip("-")
    return key.startswith(customcolumns.PREFIX) and key in spec.columns(actor)


def _check_params(
    errors: Errors, actor: Actor, spec: ListSpec, raw: object
) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        errors.add("params", "must be an object of query parameters")
        return {}
    params: dict[str, list[str]] = {}
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if name in NOT_SAVED:
            continue
        if not spec.is_known_param(str(name)):
            errors.add(f"params.{name}", f"is not a filter or sort of the {spec.key} list")
        elif len(values) > MAX_VALUES or not all(
            isinstance(v, str | int) and not isinstance(v, bool) and len(str(v)) <= MAX_VALUE_LENGTH
            for v in values
        ):
            errors.add(f"params.{name}", f"must be up to {MAX_VALUES} short texts")
        else:
            params[str(name)] = [str(v) for v in values if str(v) != ""]
    params = {k: v for k, v in params.items() if v}
    valid = applicable(actor, spec, params)
    for name, values in params.items():
        if f"params.{name}" in errors:
            continue
        if set(values) - set(valid.get(name, [])):
            bad = ", ".join(sorted(set(values) - set(valid.get(name, []))))
            errors.add(f"params.{name}", f"{bad!r} is not a value this filter can take")
    return params


def _check_columns(errors: Errors, actor: Actor, spec: ListSpec, raw: object) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        errors.add("columns", "must be a list of column keys")
        return []
    known = spec.columns(actor)
    unknown = [c for c in raw if c not in known]
    if unknown:
        errors.add(
            "columns",
            f"unknown column(s) {', '.join(unknown)}; the {spec.key} list has " + ", ".join(known),
        )
    return list(dict.fromkeys(raw))


def _spec(errors: Errors, list_key: object) -> ListSpec | None:
    spec = get_list(str(list_key)) if isinstance(list_key, str) else None
    if spec is None:
        errors.add("list", f"must be one of {', '.join(LISTS)}")
    return spec


def _check_name(errors: Errors, actor: Actor, list_key: str, name: object, pk: int | None) -> None:
    check_required_text(errors, "name", name, 100)
    if "name" in errors:
        return
    taken = SavedView.objects.filter(
        organisation=actor.organisation,
        owner_id=actor.user_id,
        list_key=list_key,
        name__iexact=str(name).strip(),
    ).exclude(pk=pk)
    if taken.exists():
        errors.add("name", f"you already have a view of this list named {str(name).strip()!r}")


def _require_sharing(actor: Actor, shared: object) -> None:
    if shared:
        require(
            permissions.can_share_views(actor),
            "only managers and above share views with the organisation",
        )


def snapshot(view: SavedView) -> dict[str, Any]:
    return {f: getattr(view, f) for f in EDITABLE}


@transaction.atomic
def create_view(actor: Actor, data: Mapping[str, Any]) -> SavedView:
    """Save a list's columns and parameters under a name; `default` makes it the actor's."""
    require(permissions.can_save_views(actor), "guests cannot save views")
    unknown = sorted(set(data) - {"list", "default", *EDITABLE})
    if unknown:
        raise ValidationFailed({name: "is not a known field" for name in unknown})
    _require_sharing(actor, data.get("shared"))
    errors = Errors()
    spec = _spec(errors, data.get("list"))
    if spec is None:
        errors.raise_if_any()
        raise AssertionError  # pragma: no cover
    _check_name(errors, actor, spec.key, data.get("name"), None)
    columns = _check_columns(errors, actor, spec, data.get("columns") or [])
    params = _check_params(errors, actor, spec, data.get("params") or {})
    errors.raise_if_any()
    view = SavedView.objects.create(
        organisation=actor.organisation,
        owner_id=actor.user_id,
        list_key=spec.key,
        name=str(data["name"]).strip(),
        shared=bool(data.get("shared")),
        columns=columns,
        params=params,
    )
    record(
        actor,
        "view_saved",
        view,
        summary=f"Saved the {'shared' if view.shared else 'private'} view {view.name!r} of "
        f"the {spec.label.lower()} list",
        changes=diff({}, snapshot(view)),
    )
    if data.get("default"):
        _make_default(actor, spec.key, view)
    return view


@transaction.atomic
def update_view(
    actor: Actor,
    view: SavedView,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> SavedView:
    """Rename, share or unshare, or replace the columns and parameters (its owner only);
    `default` (true / false) is each person's own choice, for any view they see."""
    unknown = sorted(set(data) - {"default", "version", *EDITABLE})
    if unknown:
        raise ValidationFailed({name: "is not a known field" for name in unknown})
    changing = [f for f in EDITABLE if f in data]
    if changing:
        require(
            permissions.can_change_saved_view(actor, view),
            "only the person who saved this view changes it",
        )
        _require_sharing(actor, data.get("shared"))
    v = lock(view, expected_version if changing else None)
    spec = get_list(v.list_key)
    assert spec is not None
    errors = Errors()
    before = snapshot(v)
    if "name" in data:
        _check_name(errors, actor, v.list_key, data["name"], v.pk)
        v.name = str(data["name"]).strip() if isinstance(data["name"], str) else v.name
    if "shared" in data:
        v.shared = bool(data["shared"])
    if "columns" in data:
        v.columns = _check_columns(errors, actor, spec, data["columns"] or [])
    if "params" in data:
        v.params = _check_params(errors, actor, spec, data["params"] or {})
    errors.raise_if_any()
    changes = diff(before, snapshot(v))
    if changes:
        bump(v)
        v.updated_at = timezone.now()
        v.save()
        record(actor, "view_changed", v, summary=f"Changed the view {v.name!r}", changes=changes)
    if "default" in data:
        if data["default"]:
            _make_default(actor, v.list_key, v)
        else:
            _clear_default(actor, v.list_key, v)
    return v


@transaction.atomic
def delete_view(actor: Actor, view: SavedView) -> None:
    require(
        permissions.can_delete_saved_view(actor, view),
        "only the person who saved this view, or an admin, deletes it",
    )
    record(
        actor,
        "view_deleted",
        view,
        summary=f"Deleted the {'shared' if view.shared else 'private'} view {view.name!r}",
        changes=diff(snapshot(view), {}),
    )
    view.delete()  # people who had it as their default fall back to the plain list


@transaction.atomic
def set_default(actor: Actor, list_key: str, view: SavedView | None) -> None:
    """Make `view` the actor's default for the list, or (None) open the plain list again."""
    require(permissions.can_save_views(actor), "guests have no default views")
    if view is None:
        _clear_default(actor, list_key, None)
    else:
        _make_default(actor, view.list_key, view)


def _make_default(actor: Actor, list_key: str, view: SavedView) -> None:
    current = DefaultView.objects.filter(
        organisation=actor.organisation, user_id=actor.user_id, list_key=list_key
    ).first()
    if current is not None and current.view_id == view.pk:
        return
    DefaultView.objects.update_or_create(
        organisation=actor.organisation,
        user_id=actor.user_id,
        list_key=list_key,
        defaults={"view": view},
    )
    record(actor, "view_default_set", view, summary=f"Opens the {list_key} list with {view.name!r}")


def _clear_default(actor: Actor, list_key: str, view: SavedView | None) -> None:
    qs = DefaultView.objects.filter(
        organisation=actor.organisation, user_id=actor.user_id, list_key=list_key
    )
    if view is not None:
        qs = qs.filter(view=view)
    current = qs.select_related("view").first()
    if current is None:
        return
    old = current.view
    current.delete()
    record(actor, "view_default_cleared", old, summary=f"Opens the plain {list_key} list again")
