"""Reminders of one contract or milestone: its policy, watching it, snoozing, acknowledging."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.notifications import policies, services
from pactline.notifications.forms import NoticeForm, PolicyForm, SnoozeForm
from pactline.web.forms import submit
from pactline.web.http import actor_of, back_url, member_view, members_of, portal_view, posted


def people_of(actor: Actor) -> list[tuple[int, str]]:
    return [(u.pk, u.display_name) for u in members_of(actor)]


def _contract(actor: Actor, pk: int) -> Contract:
    return get_visible(permissions.visible_contracts(actor), pk, "contract")


def _milestone(actor: Actor, pk: int) -> Milestone:
    return get_visible(
        permissions.visible_milestones(actor).select_related("contract"), pk, "milestone"
    )


def policy_page(
    request: HttpRequest,
    actor: Actor,
    contract: Contract | None,
    milestone: Milestone | None,
    here: str,
    extra: dict[str, object] | None = None,
    bound: bool = True,
) -> HttpResponse:
    """Show the policy in force for a scope, and let those allowed set the scope's own."""
    org_id = actor.organisation.pk
    in_force = policies.resolve(
        org_id, contract.pk if contract else None, milestone.pk if milestone else None
    )
    scope = "milestone" if milestone else "contract" if contract else "organisation"
    may_change = (
        permissions.can_manage_notifications(actor)
        if scope == "organisation"
        else permissions.can_set_reminder_policy(actor)
    )
    form = PolicyForm(
        posted(request) if may_change and bound else None,
        initial=PolicyForm.initial_from(in_force),
        people=people_of(actor),
    )
    if request.method == "POST" and bound:
        require(may_change, "only managers and above set reminder policies")
        if form.validated():
            saved = submit(
                form,
                lambda: services.set_policy(
                    actor, form.values(), contract=contract, milestone=milestone
                ),
            )
            if saved is not None:
                messages.success(request, "The reminder policy is saved.")
                return redirect(here)
    context = {
        "form": form,
        "in_force": in_force,
        "scope": scope,
        "own": in_force.source == scope,
        "may_change": may_change,
        "contract": contract,
        "milestone": milestone,
        "here": here,
        **(extra or {}),
    }
    return render(request, "notifications/policy.html", context, status=form.status)


@member_view
def contract_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    here = reverse("contract-reminders", args=[pk])
    notice = NoticeForm(
        initial={"notice_period_days": contract.notice_period_days, "version": contract.version}
    )
    return policy_page(request, actor, contract, None, here, {"notice": notice})


@member_view
@require_POST
def contract_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract's notice period, set through the contract services like any other field."""
    actor = actor_of(request)
    contract = _contract(actor, pk)
    require(permissions.can_manage_contracts(actor), "only managers and above change contracts")
    here = reverse("contract-reminders", args=[pk])
    notice = NoticeForm(request.POST)
    if notice.validated():
        data = {"notice_period_days": notice.cleaned_data["notice_period_days"]}
        version = notice.cleaned_data["version"]
        saved = submit(
            notice, lambda: contract_services.update_contract(actor, contract, data, version)
        )
        if saved is not None:
            messages.success(request, "The notice period is saved.")
            return redirect(here)
    response = policy_page(request, actor, contract, None, here, {"notice": notice}, bound=False)
    response.status_code = notice.status
    return response


@member_view
def milestone_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = _milestone(actor, pk)
    here = reverse("milestone-reminders", args=[pk])
    return policy_page(request, actor, milestone.contract, milestone, here)


@member_view
@require_POST
def contract_reminders_clear(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    if services.clear_policy(actor, contract=contract):
        messages.success(request, "This contract follows the organisation's policy again.")
    return redirect("contract-reminders", pk)


@member_view
@require_POST
def milestone_reminders_clear(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = _milestone(actor, pk)
    if services.clear_policy(actor, milestone=milestone):
        messages.success(request, "This milestone follows its contract's policy again.")
    return redirect("milestone-reminders", pk)


def _toggle(request: HttpRequest, contract: Contract, milestone: Milestone | None) -> HttpResponse:
    actor = actor_of(request)
    found = permissions.own_watches(actor).filter(contract=contract, milestone=milestone).first()
    what = f"milestone {milestone.title}" if milestone else f"contract {contract.number}"
    if found is None:
        services.watch(actor, contract=contract, milestone=milestone)
        messages.success(request, f"You are watching {what}.")
    else:
        services.unwatch(actor, found)
        messages.success(request, f"You no longer watch {what}.")
    fallback = (
        reverse("milestone-detail", args=[milestone.pk])
        if milestone
        else reverse("contract-detail", args=[contract.pk])
    )
    return redirect(back_url(request, fallback))


@portal_view  # guests watch what they see (their party's contracts, shared milestones)
@require_POST
def contract_watch(request: HttpRequest, pk: int) -> HttpResponse:
    return _toggle(request, _contract(actor_of(request), pk), None)


@portal_view  # guests watch what they see (their party's contracts, shared milestones)
@require_POST
def milestone_watch(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _milestone(actor_of(request), pk)
    return _toggle(request, milestone.contract, milestone)


@member_view
@require_POST
def milestone_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = _milestone(actor, pk)
    form = SnoozeForm(request.POST)
    if form.validated():
        until = form.cleaned_data["until"]
        if submit(form, lambda: services.snooze(actor, milestone, until)) is not None:
            messages.success(
                request, f"Your reminders of {milestone.title} wait until {until:%d %b %Y}."
            )
            return redirect(back_url(request, reverse("milestone-detail", args=[pk])))
    problems = [e for errors in form.errors.values() for e in errors]
    messages.error(request, " ".join(problems) or "Choose a date after today.")
    return redirect(back_url(request, reverse("milestone-detail", args=[pk])))


@member_view
@require_POST
def milestone_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = _milestone(actor, pk)
    services.acknowledge(actor, milestone)
    messages.success(request, f"No more overdue reminders of {milestone.title} for you.")
    return redirect(back_url(request, reverse("milestone-detail", args=[pk])))
