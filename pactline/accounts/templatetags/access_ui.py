"""The access panel of a contract page: restricted or not, and who is named on it."""

from __future__ import annotations

from typing import Any

from django import template

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.web.http import members_of

register = template.Library()


@register.inclusion_tag("accounts/_access.html", takes_context=True)
def access_panel(context: template.Context, contract: Contract) -> dict[str, Any]:
    actor: Actor = context["actor"]
    manage = permissions.can_manage_contract_members(actor)
    members = list(contract.members.select_related("user").order_by("user__email"))
    named = {m.user_id for m in members}
    return {
        "contract": contract,
        "members": members,
        "can_manage": manage,
        "candidates": [u for u in members_of(actor) if u.pk not in named] if manage else [],
        "csrf_token": context.get("csrf_token"),
    }
