"""Scoped lookups the milestone routers share: another organisation's objects answer 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Schema

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_common import get_or_404
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.milestones.queries import portfolio_today, with_details


def decimal_text(value: object) -> str | None:
    return None if value is None else str(value)


def changes(payload: Schema) -> dict[str, Any]:
    """The fields the client sent, without the version (that is checked, not changed)."""
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return data


def detailed(actor: Actor) -> QuerySet[Milestone]:
    return with_details(permissions.visible_milestones(actor), portfolio_today(actor))


def milestone(actor: Actor, milestone_id: int) -> Milestone:
    return get_or_404(permissions.visible_milestones(actor), milestone_id, "milestone")


def milestone_out(actor: Actor, milestone_id: int) -> Milestone:
    """A milestone freshly read with health and checklist counts, as MilestoneOut shows it."""
    return get_or_404(detailed(actor), milestone_id, "milestone")


def contract(actor: Actor, contract_id: int) -> Contract:
    return get_or_404(permissions.visible_contracts(actor), contract_id, "contract")


def page_of(actor: Actor, ids: list[int]) -> dict[str, Any]:
    """Freshly read milestones (with health and checklist counts) in the order of `ids`."""
    rows = {m.pk: m for m in detailed(actor).filter(pk__in=ids)}
    items = [rows[pk] for pk in ids if pk in rows]
    return {"items": items, "count": len(items)}
