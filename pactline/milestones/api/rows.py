"""Milestone list pages read as plain rows (`values()`), not model instances.

A page of 100 milestones built as model instances (each with its contract, owner, approver
and anchor from `select_related`) cost more CPU than the page's SQL; the answer needs none of
those objects, only the contract's currency and the anchor's title. `ListedMilestone` carries
exactly the fields `MilestoneOut` reads, under the names a `Milestone` has, so the schema's
own resolvers (`rule_text`, `currency`, `allowed_transitions`, ...) render it unchanged;
tests/api/test_milestones.py compares each listed row with the milestone's own GET.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db.models import F, QuerySet, Value

from pactline.api_common import PageParams
from pactline.milestones.api.schemas import MilestoneOut
from pactline.milestones.models import Milestone

_ANNOTATED = ("health", "checklist_total", "checklist_done")  # queries.with_details
_COLUMNS = {f.attname for f in Milestone._meta.concrete_fields}
# Not the milestone's own `currency` column: the answer's `currency` is its contract's.
FIELDS = [
    n for n in MilestoneOut.model_fields if (n in _COLUMNS and n != "currency") or n in _ANNOTATED
]


class ListedMilestone:
    """One list row; reads as the `Milestone` attributes that `MilestoneOut` uses."""

    slip_days = Milestone.slip_days  # the model's own property, on the same fields

    def __init__(self, row: dict[str, Any]) -> None:
        currency = row.pop("listed_contract_currency")
        anchor_title = row.pop("listed_anchor_title")
        self.__dict__.update(row)
        self.contract = SimpleNamespace(currency=currency)
        self.anchor_milestone = (
            SimpleNamespace(title=anchor_title) if row["anchor_milestone_id"] else None
        )


def listed_page(queryset: QuerySet[Milestone], page: PageParams) -> dict[str, Any]:
    """`api_common.paginate` for a `queries.milestone_list` queryset: the same COUNT, and the
    page as `ListedMilestone` rows."""
    count = queryset.count()
    if not count:
        return {"items": [], "count": 0}
    window = slice(page.offset, page.offset + page.limit)
    if not isinstance(queryset.query.annotations.get("health"), Value):
        # The health CASE (with its late-predecessor subqueries): the page's ids first, in a
        # subquery, so the database computes it for the page's rows only, not for every row
        # it sorts (a 7-day range: 15 -> 2 ms of SQL). Not for a constant health, where
        # compiling the filter twice costs more than it saves.
        queryset, window = queryset.filter(pk__in=queryset.values("pk")[window]), slice(None)
    rows = queryset.values(
        *FIELDS,
        listed_contract_currency=F("contract__currency"),
        listed_anchor_title=F("anchor_milestone__title"),
    )[window]
    return {"items": [ListedMilestone(row) for row in rows], "count": count}
