"""What-if from the edit forms: "Preview the effect" of a new date, then "Apply" exactly it.

The preview answers htmx with a fragment under the form (the full page without script); the
Apply form carries the proposal and the preview's basis, so a contract that changed in between
is a 409 with the preview computed again, never a silent overwrite.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.contracts.forms import ContractForm
from pactline.contracts.models import Contract
from pactline.contracts.services import DATE_FIELDS
from pactline.errors import Conflict, ValidationFailed
from pactline.milestones import services
from pactline.milestones.forms import MilestoneForm, WhatIfApplyForm, encode_proposal
from pactline.milestones.views.common import MANAGERS_PREVIEW, contract_of, milestone_of
from pactline.web.forms import sentence
from pactline.web.http import actor_of, is_htmx, member_view

NOTHING_TO_PREVIEW = {
    "milestone": "Change the fixed due date or the date set by hand to preview the effect. "
    "Other changes to the rule show their effect once saved.",
    "contract": "Change the start, end or signature date to preview the effect.",
}
CONFLICT = (
    "The contract changed after your preview, so nothing was applied. Here is the preview "
    "again, as things stand now: check it, then apply."
)


def _answer(
    request: HttpRequest,
    contract: Contract,
    target: dict[str, Any],
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The preview fragment (htmx) or a page holding it."""
    context = {"contract": contract, **target, **extra}
    template = "milestones/_what_if.html" if is_htmx(request) else "milestones/what_if.html"
    return render(request, template, context, status=status)


def _preview(
    actor: Actor,
    contract: Contract,
    proposal: dict[str, Any],
    reason: str = "",
    form: WhatIfApplyForm | None = None,
) -> dict[str, Any]:
    """The preview of `proposal` and the Apply form committing exactly it."""
    preview = services.preview(actor, contract, proposal)
    if form is None:
        initial = {"proposal": encode_proposal(proposal), "basis": preview.basis, "reason": reason}
        form = WhatIfApplyForm(initial=initial)
    return {"preview": preview, "apply_form": form}


def _problems(errors: dict[str, Any]) -> list[str]:
    return [f"{sentence(k.replace('_', ' '))}: {' '.join(v)}" for k, v in errors.items()]


def _show(
    request: HttpRequest,
    contract: Contract,
    target: dict[str, Any],
    proposal: dict[str, Any] | None,
    reason: str,
) -> HttpResponse:
    if proposal is None:
        return _answer(request, contract, target, note=NOTHING_TO_PREVIEW[target["kind"]])
    try:
        found = _preview(actor_of(request), contract, proposal, reason)
    except ValidationFailed as exc:
        return _answer(request, contract, target, 422, problems=_problems(exc.errors))
    return _answer(request, contract, target, **found)


def _apply(
    request: HttpRequest, contract: Contract, target: dict[str, Any], done_url: str
) -> HttpResponse:
    actor = actor_of(request)
    form = WhatIfApplyForm(request.POST)
    if not form.validated():
        proposal = form.cleaned_data.get("proposal")
        if not proposal:  # a page kept too long, or a hand-made request
            problems = [m for errors in form.errors.values() for m in errors]
            return _answer(request, contract, target, 422, problems=problems)
        found = _preview(actor, contract, proposal, form=form)
        return _answer(request, contract, target, 422, **found)
    d = form.cleaned_data
    try:
        applied = services.apply(actor, contract, d["proposal"], d["basis"], d["reason"])
    except Conflict:
        found = _preview(actor, contract, d["proposal"], d["reason"])
        return _answer(request, contract, target, 409, conflict=CONFLICT, **found)
    except ValidationFailed as exc:
        form.add_domain_errors(exc.errors)
        found = _preview(actor, contract, d["proposal"], form=form)
        return _answer(request, contract, target, form.status, **found)
    moved = sum(1 for move in applied.moves if move["old_due_date"] != move["new_due_date"])
    messages.success(request, f"Change applied: {moved} milestone dates moved.")
    return redirect(done_url)


def _milestone_target(m: Any) -> dict[str, Any]:
    return {
        "kind": "milestone",
        "subject": m,
        "apply_url": reverse("milestone-what-if-apply", args=[m.pk]),
        "back_url": reverse("milestone-edit", args=[m.pk]),
    }


def _contract_target(contract: Contract) -> dict[str, Any]:
    return {
        "kind": "contract",
        "subject": contract,
        "apply_url": reverse("contract-what-if-apply", args=[contract.pk]),
        "back_url": reverse("contract-edit", args=[contract.pk]),
    }


@member_view
@require_POST
def milestone_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the edit form's new date: which milestones and payments would move."""
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_manage_contracts(actor), MANAGERS_PREVIEW)
    target = _milestone_target(m)
    form = MilestoneForm(
        actor, m.contract, request.POST, milestone=m, initial=MilestoneForm.initial_for(m)
    )
    if not form.validated():
        problems = _problems(
            {form[f].label if f in form.fields else f: e for f, e in form.errors.items()}
        )
        return _answer(request, m.contract, target, 422, problems=problems)
    change = form.date_change()
    proposal = {"milestones": [{"id": m.pk, **change}]} if change else None
    return _show(request, m.contract, target, proposal, form.cleaned_data.get("reason", ""))


@member_view
@require_POST
def milestone_what_if_apply(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_manage_contracts(actor), MANAGERS_PREVIEW)
    return _apply(request, m.contract, _milestone_target(m), reverse("milestone-detail", args=[pk]))


@member_view
@require_POST
def contract_what_if(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the contract form's new dates: which milestones and payments would move."""
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(permissions.can_manage_contracts(actor), MANAGERS_PREVIEW)
    target = _contract_target(contract)
    form = ContractForm(actor, request.POST, contract=contract)
    if not form.validated():
        problems = _problems(
            {form[f].label if f in form.fields else f: e for f, e in form.errors.items()}
        )
        return _answer(request, contract, target, 422, problems=problems)
    d = form.cleaned_data
    change = {f: d[f] for f in DATE_FIELDS if d[f] != getattr(contract, f)}
    return _show(request, contract, target, {"contract": change} if change else None, "")


@member_view
@require_POST
def contract_what_if_apply(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(permissions.can_manage_contracts(actor), MANAGERS_PREVIEW)
    return _apply(
        request, contract, _contract_target(contract), reverse("contract-detail", args=[pk])
    )
