"""Adding, editing (with "this one / this and following" for occurrences), deleting and
reordering milestones."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.accounts.terminology import Terms, terms_of
from pactline.errors import ValidationFailed
from pactline.milestones import services
from pactline.milestones.forms import MilestoneForm
from pactline.milestones.models import Milestone
from pactline.milestones.views.common import CAN_NOT_CHANGE, contract_of, milestone_of
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted

FOLLOWING_ONLY = (
    "A new date applies to this occurrence only: choose “This one only”, or keep the date "
    "as it is to change the following ones."
)


def words(actor: Actor) -> Terms:
    """The organisation's words for Contract, Milestone and Party (messages, headings)."""
    return terms_of(actor.organisation)


@member_view
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(
        permissions.can_create_milestone(actor, contract), "Only managers and above add milestones."
    )
    form = MilestoneForm(actor, contract, posted(request))
    if request.method == "POST" and form.validated():
        m = submit(form, lambda: services.create_milestone(actor, contract, form.to_data()))
        if m is not None:
            messages.success(request, f"{words(actor).milestone} {m.title} added.")
            return redirect("milestone-detail", pk=m.pk)
    context = {
        "form": form,
        "contract": contract,
        "milestone": None,
        "heading": f"New {words(actor).word('milestone', 'lower')} for {contract.number}",
    }
    return render(request, "milestones/milestone_form.html", context, status=form.status)


def _save(actor: Actor, m: Milestone, form: MilestoneForm) -> Milestone:
    """Save the edit: an occurrence of a series goes through the series' "this / following"."""
    d = form.cleaned_data
    scope = d.get("scope")
    if scope == "following":
        changes, blocked = form.following_changes()
        if blocked:
            raise ValidationFailed.one("scope", FOLLOWING_ONLY)
        return services.edit_occurrence(actor, m, changes, "following", d["version"], d["reason"])
    if scope == "this":
        return services.edit_occurrence(actor, m, form.to_data(), "this", d["version"], d["reason"])
    return services.update_milestone(actor, m, form.to_data(), d["version"], reason=d["reason"])


@member_view
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_change_milestone(actor, m), CAN_NOT_CHANGE)
    form = MilestoneForm(
        actor, m.contract, posted(request), milestone=m, initial=MilestoneForm.initial_for(m)
    )
    if request.method == "POST" and form.validated():
        saved = submit(form, lambda: _save(actor, m, form))
        if saved is not None:
            messages.success(request, f"{words(actor).milestone} {saved.title} saved.")
            return redirect("milestone-detail", pk=saved.pk)
    context = {
        "form": form,
        "contract": m.contract,
        "milestone": m,
        "heading": f"Edit {m.title}",
        "can_preview": permissions.can_manage_contracts(actor),
    }
    return render(request, "milestones/milestone_form.html", context, status=form.status)


@member_view
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_delete_milestone(actor, m), "Only managers delete milestones.")
    context: dict[str, Any] = {
        "what": "milestone",
        "object": m,
        "action": reverse("milestone-delete", args=[m.pk]),
        "cancel": reverse("milestone-detail", args=[m.pk]),
    }
    if request.method == "POST":
        try:
            services.delete_milestone(actor, m)
        except ValidationFailed as exc:
            context["problems"] = [
                f"This milestone cannot go yet: {msg}."
                for msgs in exc.errors.values()
                for msg in msgs
            ]
            return render(request, "web/confirm_delete.html", context, status=422)
        messages.success(request, f"{words(actor).milestone} {m.title} deleted.")
        return redirect("contract-detail", pk=m.contract_id)
    return render(request, "web/confirm_delete.html", context)


@member_view
@require_POST
def milestone_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_manage_contracts(actor), "Only managers and above reorder milestones.")
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        raise ValidationFailed.one("direction", "must be up or down")
    services.move(actor, m, step)
    return redirect(reverse("contract-detail", args=[m.contract_id]) + "#milestones")
