"""Showing custom field values on pages, in list columns and in exports, a fixed number of
queries per page: one for the definitions, one for the names of the people user fields name.

For lists (and saved views): `fields = services.fields_seen_by(actor, "contract")`, then
`cells(fields, rows)` gives each row's `{key: text}`; `columns(fields)` the headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pactline.customfields import services
from pactline.customfields import values as cfv
from pactline.customfields.models import CustomField


@dataclass(frozen=True)
class Shown:
    label: str
    text: str
    help_text: str
    key: str


def cells(fields: Sequence[CustomField], rows: Iterable[Any]) -> list[dict[str, str]]:
    """For each row (a model object or a dict of stored values): {key: text to show}."""
    stored = [_stored(row) for row in rows]
    names = services.user_names(cfv.user_ids(fields, stored))
    return [{f.key: cfv.display(f, values.get(f.key), names) for f in fields} for values in stored]


def attach(fields: Sequence[CustomField], rows: Sequence[Any]) -> None:
    """Set `row.cf_cells` = [text per field, in the fields' order] on each row object."""
    for row, shown in zip(rows, cells(fields, rows), strict=True):
        row.cf_cells = [shown[f.key] for f in fields]


def shown(fields: Sequence[CustomField], obj: Any) -> list[Shown]:
    """The object's fields with a value, for a detail page."""
    texts = cells(fields, [obj])[0]
    return [Shown(f.label, texts[f.key], f.help_text, f.key) for f in fields if texts[f.key]]


def columns(fields: Sequence[CustomField]) -> list[dict[str, str]]:
    return [{"key": f.key, "label": f.label, "param": f.param} for f in fields]


def _stored(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    return getattr(row, "custom_fields", None) or {}
