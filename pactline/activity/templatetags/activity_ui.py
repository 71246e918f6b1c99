"""The live poller of a contract page: it asks every few seconds whether anything happened
since the last event the page shows, and htmx swaps in the parts that changed."""

from __future__ import annotations

from typing import Any

from django import template

from pactline.activity.queries import contract_history
from pactline.contracts.models import Contract

register = template.Library()

POLL_SECONDS = 5
LIVE_PARTS = "#contract-status,#facts,#milestones,#comment-list,#document-list,#history"


@register.inclusion_tag("activity/_live.html", takes_context=True)
def live_poller(context: template.Context, contract: Contract) -> dict[str, Any]:
    actor = context["actor"]
    latest = contract_history(actor, contract.pk).select_related(None).first()
    request = context.get("request")
    seen = request.GET.get("seq") if request is not None else None
    return {
        "contract": contract,
        "seq": latest.seq if latest else 0,
        "latest": latest if seen is not None and latest is not None else None,
        "every": POLL_SECONDS,
        "parts": LIVE_PARTS,
    }
