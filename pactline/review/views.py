"""Pages of the review: read a contract's text, then accept, correct or reject each proposal.

Managers and above only (the services check it too). Runs and proposals are found through
`review.queries`, so another organisation's, or a restricted contract's, are a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.contracts.models import Contract
from pactline.errors import Conflict, ValidationFailed
from pactline.review import services
from pactline.review.forms import AcceptForm, ExtractForm, RejectForm
from pactline.review.highlight import pieces
from pactline.review.models import ExtractionRun, Proposal
from pactline.review.queries import can_review, contract_runs, visible_proposals, visible_runs
from pactline.web.forms import DomainForm, sentence, submit
from pactline.web.http import actor_of, member_view

MANAGERS_ONLY = "Only managers and above read key dates from a contract's text."
RUNS_LISTED = 20


def _require_reviewer(actor: Actor) -> None:
    require(can_review(actor), MANAGERS_ONLY)


@member_view
def contract_extract(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file or paste the text; the engine reads it and the review page opens."""
    actor = actor_of(request)
    contract: Contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    _require_reviewer(actor)
    posted = request.method == "POST"
    form = ExtractForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.validated():
        run = submit(
            form,
            lambda: services.run_extraction(
                actor, contract, file=form.cleaned_data["file"], text=form.cleaned_data["text"]
            ),
        )
        if run is not None:
            found = run.proposals.count()
            messages.success(request, f"{found} proposal{'s' if found != 1 else ''} to review.")
            return redirect("extraction-detail", pk=run.pk)
    runs = contract_runs(actor, contract.pk).select_related("created_by")[:RUNS_LISTED]
    context = {"contract": contract, "form": form, "runs": runs}
    return render(request, "review/extract.html", context, status=form.status)


def _review_context(
    run: ExtractionRun, failed: Proposal | None = None, form: DomainForm | None = None
) -> dict[str, Any]:
    proposals = list(run.proposals.select_related("decided_by"))
    rows = []
    for p in proposals:
        failed_here = failed is not None and failed.pk == p.pk
        accept_form = form if failed_here and isinstance(form, AcceptForm) else AcceptForm(p)
        reject_form = form if failed_here and isinstance(form, RejectForm) else RejectForm(p)
        rows.append(
            {
                "p": p,
                "accept_form": accept_form,
                "reject_form": reject_form,
                "result_url": _result_url(p),
            }
        )
    return {
        "run": run,
        "contract": run.contract,
        "rows": rows,
        "pieces": pieces(run.text, proposals),
        "open_count": sum(1 for p in proposals if p.is_open),
    }


def _result_url(p: Proposal) -> str:
    if p.result_type == "milestone" and p.result_id:
        return reverse("milestone-detail", args=[p.result_id])
    if p.result_type == "contract" and p.result_id:
        return reverse("contract-detail", args=[p.result_id])
    return ""


@member_view
def extraction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    run = get_visible(visible_runs(actor).select_related("contract", "created_by"), pk, "run")
    _require_reviewer(actor)
    return render(request, "review/review.html", _review_context(run))


def _decide(
    request: HttpRequest, pk: int, form_class: type[AcceptForm | RejectForm]
) -> HttpResponse:
    actor = actor_of(request)
    proposal: Proposal = get_visible(visible_proposals(actor), pk, "proposal")
    _require_reviewer(actor)
    form = form_class(proposal, request.POST)
    decided = _submitted(actor, proposal, form) if form.validated() else None
    target = reverse("extraction-detail", args=[proposal.run_id]) + f"#proposal-{pk}"
    if decided is not None:
        note = decided.note if isinstance(form, AcceptForm) else "Proposal rejected."
        messages.success(request, f"{decided.field_label}: {note}")
        return redirect(target)
    run = visible_runs(actor).select_related("contract", "created_by").get(pk=proposal.run_id)
    context = _review_context(run, proposal, form)
    return render(request, "review/review.html", context, status=form.status)


def _submitted(actor: Actor, proposal: Proposal, form: AcceptForm | RejectForm) -> Proposal | None:
    try:
        if isinstance(form, AcceptForm):
            return services.accept(actor, proposal, form.cleaned_data["value"] or None)
        return services.reject(actor, proposal, form.cleaned_data["reason"])
    except ValidationFailed as exc:
        form.add_domain_errors(exc.errors)
    except Conflict as exc:  # decided already (another tab, another person)
        form.add_error(None, sentence(exc.message))
        form.status = 409
    return None


@member_view
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept as proposed, or with the corrected value of the "Edit then accept" form."""
    return _decide(request, pk, AcceptForm)


@member_view
@require_POST
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, RejectForm)
