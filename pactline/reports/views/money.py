"""A milestone's money (payment dates, retention, penalty terms, waivers) and a contract's
penalty terms. Writes go through the services with the request's Actor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from pactline.reports import penalties, services
from pactline.reports.forms import MilestoneTermsForm, PaymentForm, TermsForm, WaiverForm
from pactline.reports.models import PenaltyWaiver
from pactline.reports.money import RETENTION_FIELDS, TERM_FIELDS
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted


def _milestone(actor: Actor, pk: int) -> Milestone:
    qs = permissions.visible_milestones(actor).select_related("contract", "owner")
    return get_visible(qs, pk, "milestone")  # type: ignore[no-any-return]


def _terms_initial(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields} | {"version": row.version}


def _siblings(m: Milestone) -> list[tuple[int, str]]:
    return list(
        Milestone.objects.filter(contract_id=m.contract_id)
        .exclude(pk=m.pk)
        .values_list("pk", "title")
    )


def _save_terms(actor: Actor, m: Milestone, form: MilestoneTermsForm) -> Milestone:
    data = {f: form.cleaned_data[f] for f in (*TERM_FIELDS, "retention_percent")}
    data["retention_release_milestone_id"] = form.cleaned_data["retention_release_milestone"]
    data["penalty_grace_days"] = data["penalty_grace_days"] or 0
    return milestone_services.update_milestone(actor, m, data, form.cleaned_data["version"])


def _save_payment(actor: Actor, m: Milestone, form: PaymentForm) -> Milestone:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return services.record_payment(actor, m, data, form.cleaned_data["version"])


@member_view
def milestone_money(request: HttpRequest, pk: int) -> HttpResponse:
    """GET the page; POST one of its forms (`form` = payment, terms or waiver): managers."""
    actor = actor_of(request)
    m = _milestone(actor, pk)
    manage = permissions.can_manage_contracts(actor)
    which = request.POST.get("form") if request.method == "POST" else None
    if request.method == "POST":
        require(manage, "only managers and above change payments and penalties")
    payment = PaymentForm(
        posted(request) if which == "payment" else None,
        initial=_terms_initial(
            m,
            (
                "invoiceable_on",
                "invoiced_on",
                "paid_on",
                "retention_invoiced_on",
                "retention_paid_on",
            ),
        ),
    )
    terms = MilestoneTermsForm(
        posted(request) if which == "terms" else None,
        initial=_terms_initial(m, (*TERM_FIELDS, "retention_percent"))
        | {"retention_release_milestone": m.retention_release_milestone_id},
        milestones=_siblings(m),
    )
    waiver = WaiverForm(posted(request) if which == "waiver" else None)
    done = None
    if which == "payment" and payment.is_valid():
        done = submit(payment, lambda: _save_payment(actor, m, payment))
    elif which == "terms" and terms.is_valid():
        done = submit(terms, lambda: _save_terms(actor, m, terms))
    elif which == "waiver" and waiver.is_valid():
        amount, reason = waiver.cleaned_data["amount"], waiver.cleaned_data["reason"]
        done = submit(waiver, lambda: services.waive_penalty(actor, m, amount, reason))
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("milestone-money", pk=m.pk)
    today = penalties.organisation_today(actor.organisation)
    context = {
        "milestone": m,
        "contract": m.contract,
        "payment_form": payment,
        "terms_form": terms,
        "waiver_form": waiver,
        "exposure": penalties.exposure_of(m, m.contract, today),
        "waivers": list(m.waivers.select_related("created_by")),  # type: ignore[attr-defined]
        "can_manage": manage,
        "today": today,
        "retention_fields": RETENTION_FIELDS,
    }
    status = 422 if which and request.method == "POST" else 200
    return render(request, "reports/milestone_money.html", context, status=status)


@member_view
@require_POST
def waiver_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    visible = permissions.visible_milestones(actor).values("pk")
    waiver = get_visible(
        PenaltyWaiver.objects.filter(milestone_id__in=visible).select_related("milestone"),
        pk,
        "waiver",
    )
    services.remove_waiver(actor, waiver)
    messages.success(request, "Waiver withdrawn.")
    return redirect("milestone-money", pk=waiver.milestone_id)


@member_view
def contract_penalties(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract's penalty terms (for its milestones that follow them) and its total cap."""
    actor = actor_of(request)
    contract: Contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    require(permissions.can_manage_contracts(actor), "only managers and above change penalties")
    form = TermsForm(
        posted(request), initial=_terms_initial(contract, TERM_FIELDS), contract_level=True
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in TERM_FIELDS}
        data["penalty_grace_days"] = data["penalty_grace_days"] or 0
        version = form.cleaned_data["version"]
        saved = submit(
            form, lambda: contract_services.update_contract(actor, contract, data, version)
        )
        if saved is not None:
            messages.success(request, "Penalty terms saved.")
            return redirect("contract-detail", pk=contract.pk)
    penalties.ensure_fresh(actor.organisation)
    contract.refresh_from_db()
    status = 422 if request.method == "POST" else 200
    context = {"contract": contract, "form": form}
    return render(request, "reports/contract_penalties.html", context, status=status)
