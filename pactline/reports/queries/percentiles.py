"""Percentiles of days late per group, computed by the database.

PostgreSQL has percentile_cont. SQLite has none: a window query numbers each group's rows in
order of days late and returns only the rows at the percentile positions (at most two per
percentile and group), so the answer is bounded by the number of groups, never by the rows.
Both interpolate like percentile_cont: position p x (n - 1), between its two neighbours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, QuerySet, Window
from django.db.models.functions import RowNumber

FRACTIONS = (0.5, 0.9)


class PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def interpolate(values: dict[int, float], n: int, p: float) -> float | None:
    """percentile_cont from the values at 0-based positions floor/ceil of p x (n - 1)."""
    if n == 0:
        return None
    pos = p * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    if lo not in values or hi not in values:
        return None
    return values[lo] + (pos - lo) * (values[hi] - values[lo])


def _postgres(qs: QuerySet[Any], key: Any, value: Any) -> dict[Any, tuple[float | None, ...]]:
    aggregates = {f"p{i}": PercentileCont(value, p) for i, p in enumerate(FRACTIONS)}
    rows = qs.annotate(group_key=key).values("group_key").annotate(**aggregates).order_by()
    return {r["group_key"]: tuple(r[f"p{i}"] for i in range(len(FRACTIONS))) for r in rows}


def _windowed(qs: QuerySet[Any], key: Any, value: Any) -> dict[Any, tuple[float | None, ...]]:
    ranked = (
        qs.annotate(group_key=key, slip=value)
        .annotate(
            rn=Window(RowNumber(), partition_by=[key], order_by=value.asc()),
            n=Window(Count("pk"), partition_by=[key]),
        )
        .values("group_key", "slip", "rn", "n")
        .order_by()
    )
    try:
        inner, params = ranked.query.sql_with_params()
    except EmptyResultSet:
        return {}
    near = " OR ".join(
        f"(t.rn - 1 > (t.n - 1) * {p!r} - 1 AND t.rn - 1 < (t.n - 1) * {p!r} + 1)"
        for p in FRACTIONS
    )
    sql = f"SELECT t.group_key, t.slip, t.rn, t.n FROM ({inner}) t WHERE {near}"  # nosec B608
    found: dict[Any, tuple[int, dict[int, float]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for group_key, slip, rn, n in cursor.fetchall():
            entry = found.setdefault(group_key, (n, {}))
            entry[1][rn - 1] = float(slip)
    return {
        k: tuple(interpolate(values, n, p) for p in FRACTIONS) for k, (n, values) in found.items()
    }


def percentiles(qs: QuerySet[Any], key: Any, value: Any) -> dict[Any, tuple[float | None, ...]]:
    """group key -> (median, 90th percentile) of `value` over the rows of `qs`."""
    if connection.vendor == "postgresql":
        return _postgres(qs, key, value)
    return _windowed(qs, key, value)


def python_percentile(values: Sequence[float], p: float) -> float | None:
    """The same definition in Python, for tests and small in-memory lists."""
    ordered = sorted(values)
    return interpolate(dict(enumerate(ordered)), len(ordered), p)
