"""Filtering and sorting by custom field values in SQL (JSON key lookups that work on SQLite and
PostgreSQL alike): `?cf_<key>=value`, ranges `cf_<key>__gte` / `__lte` / `__gt` / `__lt` for
numbers, money and dates, and `sort=cf_<key>` / `-cf_<key>`.

| type | `cf_<key>=v` matches |
|---|---|
| text, long text, URL | values containing v (case-insensitive) |
| number, money (amount), date | values equal to v; ranges with __gte, __lte, __gt, __lt |
| boolean | true / false (false also matches rows without a value) |
| choice | exactly that choice |
| multiple choice | rows having that choice among theirs |
| user | the member (user id or e-mail) |
| any | `cf_<key>__empty=true` / `false`: rows without / with a value |
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import DateField, DecimalField, Expression, F, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from pactline.customfields import values as cfv
from pactline.customfields.models import CustomField, FieldType
from pactline.customfields.services import member_lookup
from pactline.errors import ValidationFailed

PREFIX = "cf_"
RANGE_OPS = ("gte", "lte", "gt", "lt")
NUMERIC = DecimalField(max_digits=30, decimal_places=6)


def _path(field: CustomField, column: str) -> Any:
    return f"{column}__{field.key}"


def value_expression(field: CustomField, column: str = "custom_fields") -> Expression:
    """The SQL expression of a field's value, typed for comparing and sorting."""
    if field.field_type == FieldType.MONEY:
        return Cast(KeyTextTransform("amount", KeyTransform(field.key, column)), NUMERIC)
    text = KeyTextTransform(field.key, column)
    if field.field_type == FieldType.NUMBER:
        return Cast(text, NUMERIC)
    if field.field_type == FieldType.DATE:
        return Cast(text, DateField())
    if field.field_type == FieldType.BOOLEAN:
        return KeyTransform(field.key, column)
    return text


def parse_params(params: Any) -> list[tuple[str, str, str]]:
    """(parameter, key, operator) for each `cf_` query parameter."""
    out = []
    for name in params:
        if not name.startswith(PREFIX):
            continue
        key, _, op = name[len(PREFIX) :].partition("__")
        out.append((name, key, op or "exact"))
    return out


def _one(params: Any, name: str) -> str:
    if hasattr(params, "getlist"):
        found = params.getlist(name)
        return found[-1] if found else ""
    value = params[name]
    return value[-1] if isinstance(value, list) else str(value)


def filter_q(
    fields: Iterable[CustomField],
    params: Mapping[str, Any],
    *,
    organisation_id: int | None = None,
    column: str = "custom_fields",
) -> Q:
    """One Q for every `cf_` parameter in `params`. `fields` are the ones the reader may see;
    any other `cf_` name is a ValidationFailed naming it (422)."""
    by_key = {f.key: f for f in fields}
    errors: dict[str, str] = {}
    q = Q()
    members: dict[str, int] | None = None
    for name, key, op in parse_params(params):
        field = by_key.get(key)
        if field is None:
            errors[name] = f"no custom field {key!r}"
            continue
        raw = _one(params, name).strip()
        if op == "empty":
            if raw.lower() not in cfv.TRUE | cfv.FALSE:
                errors[name] = "must be true or false"
                continue
            has = Q(**{f"{column}__has_key": key})
            q &= ~has if raw.lower() in cfv.TRUE else has
            continue
        if op != "exact" and (op not in RANGE_OPS or field.field_type not in _RANGED):
            errors[name] = (
                f"unknown operator {op!r}: use {', '.join(RANGE_OPS)} on numbers, money and "
                "dates, or empty"
            )
            continue
        if raw == "":
            continue
        if field.field_type == FieldType.USER and members is None:
            members = member_lookup(organisation_id or field.organisation_id)
        try:
            q &= _condition(field, op, raw, column, members)
        except cfv.Invalid as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationFailed(errors)
    return q


_RANGED = frozenset({FieldType.NUMBER, FieldType.MONEY, FieldType.DATE})


def _condition(
    field: CustomField, op: str, raw: str, column: str, members: dict[str, int] | None
) -> Q:
    kind = field.field_type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT, FieldType.URL):
        return Q(**{f"{_path(field, column)}__icontains": raw})
    if kind in _RANGED:
        if kind == FieldType.DATE:
            wanted: Any = cfv.parse_date(raw)
        else:
            wanted = cfv.parse_decimal(raw.split()[0] if kind == FieldType.MONEY else raw)
        lookup = "exact" if op == "exact" else op
        return _expr_q(field, column, lookup, wanted)
    if kind == FieldType.BOOLEAN:
        if raw.lower() not in cfv.TRUE | cfv.FALSE:
            raise cfv.Invalid("must be true or false")
        if raw.lower() in cfv.TRUE:
            return Q(**{_path(field, column): True})
        return Q(**{_path(field, column): False}) | ~Q(**{f"{column}__has_key": field.key})
    if kind == FieldType.CHOICE:
        return Q(**{_path(field, column): cfv.clean(field, raw)})
    if kind == FieldType.MULTI_CHOICE:
        choice = cfv.clean(field, [raw])[0]
        # The JSON text of the list holds "choice" with its quotes; choices hold no quotes.
        from django.db.models.lookups import Contains

        return Q(Contains(KeyTextTransform(field.key, column), f'"{choice}"'))
    if kind == FieldType.USER:
        user_id = cfv.clean(field, raw, members=members)
        return Q(**{_path(field, column): user_id})
    raise cfv.Invalid("cannot be filtered")  # pragma: no cover


def _expr_q(field: CustomField, column: str, lookup: str, wanted: Any) -> Q:
    from django.db.models.lookups import (
        Exact,
        GreaterThan,
        GreaterThanOrEqual,
        LessThan,
        LessThanOrEqual,
    )

    cls = {
        "exact": Exact,
        "gte": GreaterThanOrEqual,
        "lte": LessThanOrEqual,
        "gt": GreaterThan,
        "lt": LessThan,
    }[lookup]
    return Q(cls(value_expression(field, column), wanted))


def apply(
    qs: QuerySet,
    fields: Iterable[CustomField],
    params: Mapping[str, Any],
    *,
    organisation_id: int | None = None,
    column: str = "custom_fields",
) -> QuerySet:
    q = filter_q(fields, params, organisation_id=organisation_id, column=column)
    return qs.filter(q) if q else qs


def sort_key(sort: str | None) -> str | None:
    """The field key of a `cf_<key>` / `-cf_<key>` sort, else None."""
    if not sort:
        return None
    name = sort.removeprefix("-")
    return name[len(PREFIX) :] if name.startswith(PREFIX) else None


def order_by(fields: Iterable[CustomField], sort: str, column: str = "custom_fields") -> list[Any]:
    """ORDER BY terms for `sort=cf_<key>` (ascending) or `-cf_<key>`; empty values last.
    Raises ValidationFailed naming `sort` for an unknown key."""
    key = sort_key(sort)
    field = next((f for f in fields if f.key == key), None)
    if field is None:
        raise ValidationFailed.one("sort", f"no custom field {key!r} to sort by")
    expr = value_expression(field, column)
    if field.field_type == FieldType.BOOLEAN:
        expr = KeyTextTransform(field.key, column)  # "false" < "true" as text
    desc = sort.startswith("-")
    term = expr.desc(nulls_last=True) if desc else expr.asc(nulls_last=True)
    return [term, F("pk").asc()]
