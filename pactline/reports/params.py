"""Reading report filters from a query string: invalid values are dropped, never an error."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import QueryDict

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.models import ContractStatus, Tag
from pactline.milestones.health import Health
from pactline.milestones.models import MilestoneStatus
from pactline.milestones.types import choices as type_choices
from pactline.reports.queries import PortfolioFilter
from pactline.web.http import members_of


def as_int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit() or len(value.strip()) > 18:
        return None
    return int(value)


def as_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def portfolio_filter(params: QueryDict) -> PortfolioFilter:
    statuses = [s for s in params.getlist("contract_status") if s in ContractStatus.values]
    return PortfolioFilter(
        party_id=as_int(params.get("party")),
        owner_id=as_int(params.get("owner")),
        tag=(params.get("tag") or "").strip()[:50] or None,
        contract_status=statuses,
        contract_id=as_int(params.get("contract")),
    )


def choices(actor: Actor, f: PortfolioFilter) -> dict[str, Any]:
    """What the filter bar offers, with the current choice marked."""
    tags = Tag.objects.filter(organisation=actor.organisation).values_list("name", flat=True)
    return {
        "parties": list(permissions.visible_parties(actor).values_list("pk", "name")),
        "owners": [(u.pk, u.display_name or u.email) for u in members_of(actor)],
        "tags": list(tags),
        "contract_statuses": ContractStatus.choices,
        "healths": [(h.value, h.label) for h in Health],
        "statuses": MilestoneStatus.choices,
        "kinds": type_choices(actor.organisation.pk),
        "current": f,
    }
