"""The column registry: what a list can show, sort by and export, one entry per column.

Each list (contracts, milestones, parties: see `lists.py`) describes its built-in columns once:
a key (what a view and the `cols` parameter store), a label, how a cell is rendered on the page,
the list's sort value(s) behind its header, and how it is exported (a `reports.exports.Column`:
typed cells, formula injection neutralised). Providers registered with `register_columns` add
columns per organisation; custom fields come in that way (`cf_<key>`, see `customcolumns.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from pactline.accounts.permissions import Actor
from pactline.reports.exports import Column


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: str
    cell: Callable[[Any], Any]  # the page's cell: text (escaped) or SafeString
    export: Column  # the same column in CSV / XLSX
    sort: str | None = None  # the list's sort value for ascending by this column
    sort_desc: str | None = None  # and for descending, where the list has one
    numeric: bool = False  # right-aligned
    term: str | None = None  # the header is the organisation's word for this noun ({% term %})
    # How to order a queryset by this column when the list's own sorts do not know it
    # (custom fields): a function (queryset, descending) -> queryset.
    order: Callable[[Any, bool], Any] | None = field(default=None, compare=False)


def dash() -> SafeString:
    return mark_safe('<span class="muted">—</span>')  # nosec B308 # a constant


def text_cell(value: Any) -> Any:
    return dash() if value in (None, "") else value


# list key -> functions (actor) -> extra columns, in registration order.
_providers: dict[str, list[Callable[[Actor], list[ListColumn]]]] = {}


def register_columns(list_key: str, provider: Callable[[Actor], list[ListColumn]]) -> None:
    """Add columns to a list for every organisation: `provider(actor)` returns them (it must
    leave out what the actor may not see, e.g. fields hidden from guests). Column keys must
    not collide with the list's built-in keys; providers run once per request."""
    providers = _providers.setdefault(list_key, [])
    if provider not in providers:
        providers.append(provider)


def extra_columns(list_key: str, actor: Actor) -> list[ListColumn]:
    out: list[ListColumn] = []
    for provider in _providers.get(list_key, []):
        out.extend(provider(actor))
    return out
