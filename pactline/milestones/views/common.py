"""What the milestone pages share: scoped lookups and a few messages."""

from __future__ import annotations

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.milestones.queries import portfolio_today, with_details

HISTORY_ON_PAGE = 12
CAN_NOT_CHANGE = "You may change only the milestones you own; managers change any."
MANAGERS_LINK = "Only managers and above link milestones."
MANAGERS_PREVIEW = "Only managers and above preview and apply the effect of a change."


def contract_of(actor: Actor, pk: int) -> Contract:
    return get_visible(permissions.visible_contracts(actor), pk, "contract")


def milestone_of(actor: Actor, pk: int) -> Milestone:
    """A visible milestone with its health and checklist counts, as the pages show it."""
    qs = with_details(permissions.visible_milestones(actor), portfolio_today(actor))
    return get_visible(qs.select_related("series"), pk, "milestone")
