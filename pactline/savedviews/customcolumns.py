"""Custom fields as list columns, filters (`cf_<key>=value`) and sorts (`sort=cf_<key>`).

Registered with the column registry for every list (see `columns.register_columns`), reading
the organisation's definitions (pactline.customfields) once per request. Filters and sorts are
the SQL of pactline.customfields.queries on the `custom_fields` JSON column (the API's own
meaning), never Python loops. A parameter naming a field that no longer exists, or a value the
field cannot take, is left out (a saved view says so when it is opened).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict

from pactline.accounts.permissions import Actor
from pactline.errors import ValidationFailed
from pactline.reports.exports import Column
from pactline.savedviews.columns import ListColumn, dash

PREFIX = "cf_"


def definitions(actor: Actor, object_type: str) -> list[Any]:
    """The organisation's fields of this object type the actor may see, in their order."""
    from pactline.customfields.services import fields_seen_by

    return fields_seen_by(actor, object_type)


def _value(obj: Any, key: str) -> Any:
    return (getattr(obj, "custom_fields", None) or {}).get(key)


def _users(actor: Actor, fields: list[Any]) -> tuple[dict[int, str], dict[int, str]]:
    """Names (for the page) and e-mail addresses (for exports) of the members, by user id:
    one query, and only when a user field exists."""
    if not any(f.field_type == "user" for f in fields):
        return {}, {}
    from pactline.web.http import members_of

    members = list(members_of(actor))
    return {u.pk: (u.display_name or u.email) for u in members}, {u.pk: u.email for u in members}


def _order(field: Any) -> Callable[[QuerySet[Any], bool], QuerySet[Any]]:
    from pactline.customfields import queries

    def order(qs: QuerySet[Any], descending: bool) -> QuerySet[Any]:
        sort = ("-" if descending else "") + PREFIX + field.key
        return qs.order_by(*queries.order_by([field], sort))

    return order


def _export(field: Any, users: dict[int, str]) -> Column:
    from pactline.customfields import values

    key, label = field.key, field.label
    if field.field_type == "money":

        def amount(obj: Any) -> Any:
            value = _value(obj, key)
            return value.get("amount") if isinstance(value, dict) else None

        def currency(obj: Any) -> str:
            value = _value(obj, key)
            return value.get("currency", "") if isinstance(value, dict) else ""

        return Column(label, amount, "money", currency=currency)
    if field.field_type == "number":
        return Column(label, lambda o: values.typed(field, _value(o, key)), "float")
    if field.field_type == "date":
        return Column(label, lambda o: values.typed(field, _value(o, key)), "date", width=12)
    return Column(label, lambda o: values.display(field, _value(o, key), users), width=20)


def columns(actor: Actor, object_type: str) -> list[ListColumn]:
    """One column per custom field, keyed `cf_<key>`, sortable by the database."""
    from pactline.customfields import values

    fields = definitions(actor, object_type)
    users, emails = _users(actor, fields)
    out = []
    for field in fields:

        def cell(obj: Any, field: Any = field) -> Any:
            return values.display(field, _value(obj, field.key), users) or dash()

        param = PREFIX + field.key
        out.append(
            ListColumn(
                param,
                field.label,
                cell,
                _export(field, emails),
                sort=param,
                sort_desc="-" + param,
                numeric=field.field_type in ("number", "money"),
                order=_order(field),
            )
        )
    return out


def custom_params(params: QueryDict) -> list[str]:
    return [name for name in params if name.startswith(PREFIX) and len(name) > len(PREFIX)]


def _conditions(actor: Actor, object_type: str, params: QueryDict) -> dict[str, Q]:
    """The SQL condition of each cf_ parameter that applies (pactline.customfields.queries:
    the same meaning as in the API, ranges `cf_<key>__gte` included); a parameter naming a
    field the actor does not see, or a value the field cannot take, has none."""
    from pactline.customfields import queries

    names = custom_params(params)
    if not names:
        return {}
    fields = definitions(actor, object_type)
    out: dict[str, Q] = {}
    for name in names:
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        try:
            out[name] = queries.filter_q(fields, {name: raw}, organisation_id=actor.organisation.pk)
        except ValidationFailed:
            continue
    return out


def ignored(actor: Actor, object_type: str, params: QueryDict) -> list[str]:
    """A notice for each cf_ parameter the list leaves out: a field the actor does not see (or
    that does not exist), an unknown operator, or a value the field cannot take. The API
    answers 422 for the same; a page shows the rest of the list and says what it ignored."""
    from pactline.customfields import queries

    names = custom_params(params)
    if not names:
        return []
    fields = definitions(actor, object_type)
    notices = []
    for name in names:
        raw = (params.get(name) or "").strip()
        try:
            queries.filter_q(fields, {name: raw}, organisation_id=actor.organisation.pk)
        except ValidationFailed as exc:
            why = " ".join(exc.errors.get(name) or ["not understood"])
            notices.append(f"The filter “{name}” was ignored: {why}.")
    return notices


def check(actor: Actor, object_type: str, params: QueryDict) -> dict[str, list[str]]:
    """The cf_<key> parameters that name a field the actor sees and a value it can take."""
    return {
        name: [(params.get(name) or "").strip()] for name in _conditions(actor, object_type, params)
    }


def filter_rows(qs: Any, actor: Actor, object_type: str, params: QueryDict) -> Any:
    """`qs` narrowed by the cf_<key> parameters (unknown fields and bad values ignored, as
    the lists ignore any stale filter value)."""
    for condition in _conditions(actor, object_type, params).values():
        qs = qs.filter(condition)
    return qs


def contract_columns(actor: Actor) -> list[ListColumn]:
    return columns(actor, "contract")


def milestone_columns(actor: Actor) -> list[ListColumn]:
    return columns(actor, "milestone")


def party_columns(actor: Actor) -> list[ListColumn]:
    return columns(actor, "party")
