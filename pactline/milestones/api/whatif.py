"""What-if: the dates a proposed change would move, then applying exactly that preview."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from pactline.api_auth import actor_of
from pactline.api_common import WRITE_ERRORS
from pactline.milestones import services
from pactline.milestones.api import lookups
from pactline.milestones.api.lookups import decimal_text
from pactline.milestones.api.schemas import WhatIfApplyIn, WhatIfIn, WhatIfOut

router = Router(tags=["what-if"])

PROPOSAL = {"contract", "milestones"}


def _out(preview: services.Preview) -> dict[str, Any]:
    return {
        "basis": preview.basis,
        "moves": [
            {**move, "payment_amount": decimal_text(move["payment_amount"])}
            for move in preview.moves
        ],
        "payments": [{**p, "amount": decimal_text(p["amount"])} for p in preview.payments],
        "penalties": preview.penalties,
    }


@router.post(
    "/contracts/{contract_id}/what-if",
    response={200: WhatIfOut, **WRITE_ERRORS},
    url_name="contract-what-if",
    summary="Preview which dates a change would move, without saving (managers)",
    description="Propose new contract dates and, per milestone, a new fixed `due_date`, a "
    "`due_override` (null clears it) or a `completed_on`. The answer lists every milestone "
    "whose due or forecast date would move, with old and new dates and the trace, the payments "
    "among them, and a `basis` to send to `/what-if/apply`.",
)
def preview(request: HttpRequest, contract_id: int, payload: WhatIfIn) -> dict[str, Any]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    proposal = payload.model_dump(exclude_unset=True, include=PROPOSAL)
    return _out(services.preview(actor, contract, proposal))


@router.post(
    "/contracts/{contract_id}/what-if/apply",
    response={200: WhatIfOut, **WRITE_ERRORS},
    url_name="contract-what-if-apply",
    summary="Apply a previewed change, or 409 if the contract changed since (managers)",
    description="Send the same proposal with the preview's `basis` and a `reason`. If anything "
    "the schedule depends on changed since the preview, the answer is 409 and nothing is "
    "saved: preview again. Otherwise every change goes through the ordinary services, one "
    "event per milestone that moves, and the answer is what was applied.",
)
def apply(request: HttpRequest, contract_id: int, payload: WhatIfApplyIn) -> dict[str, Any]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    proposal = payload.model_dump(exclude_unset=True, include=PROPOSAL)
    applied = services.apply(actor, contract, proposal, payload.basis, payload.reason)
    return _out(applied)
