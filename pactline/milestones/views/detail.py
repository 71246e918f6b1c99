"""The milestone page: facts and the computed date's reasons, status buttons, checklist,
dependencies and history. Panels that post elsewhere re-render this page on errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.queries import subject_history
from pactline.milestones import services
from pactline.milestones.describe import milestone_rule
from pactline.milestones.forms import ChecklistItemForm, DependencyForm, StatusForm, rule_label
from pactline.milestones.models import Milestone, MilestoneStatus
from pactline.milestones.scheduling import MILESTONE_ANCHORS
from pactline.milestones.views.common import HISTORY_ON_PAGE, milestone_of
from pactline.web.forms import submit
from pactline.web.http import actor_of, portal_view

S = MilestoneStatus


def transition_label(current: str, target: str) -> str:
    if target == S.IN_PROGRESS:
        return "Start work" if current == S.PLANNED else "Back to in progress"
    if target == S.PLANNED:
        return "Restore" if current == S.CANCELLED else "Back to planned"
    return {
        S.SUBMITTED: "Submit for acceptance" if current != S.REJECTED else "Resubmit",
        S.ACCEPTED: "Accept",
        S.REJECTED: "Reject",
        S.DONE: "Mark done",
        S.CANCELLED: "Cancel milestone",
    }.get(target, S(target).label)


def _buttons(actor: Actor, m: Milestone) -> list[dict[str, str]]:
    return [
        {
            "status": t,
            "label": transition_label(m.status, t),
            "css": "danger"
            if t in (S.REJECTED, S.CANCELLED)
            else "primary"
            if t in (S.ACCEPTED, S.DONE, S.SUBMITTED)
            else "",
        }
        for t in services.allowed_transitions(actor, m)
    ]


def checklist_context(
    actor: Actor, m: Milestone, form: ChecklistItemForm | None = None
) -> dict[str, Any]:
    items = list(m.checklist.select_related("done_by"))
    return {
        "milestone": m,
        "items": items,
        "done_count": sum(1 for i in items if i.done),
        "can_change": permissions.can_change_milestone(actor, m),
        "checklist_form": form or ChecklistItemForm(auto_id="checklist_%s"),
    }


def dependencies_context(
    actor: Actor, m: Milestone, form: DependencyForm | None = None
) -> dict[str, Any]:
    links = permissions.visible_dependencies(actor).select_related("predecessor", "successor")
    manage = permissions.can_manage_contracts(actor)
    by_rule = m.due_anchor in MILESTONE_ANCHORS and m.anchor_milestone_id is not None
    return {
        "rule_anchor": m.anchor_milestone if by_rule else None,
        "predecessors": list(links.filter(successor=m).order_by("predecessor__due_date", "pk")),
        "successors": list(links.filter(predecessor=m).order_by("successor__due_date", "pk")),
        "rule_followers": list(
            permissions.visible_milestones(actor)
            .filter(anchor_milestone=m, due_anchor__in=MILESTONE_ANCHORS)
            .order_by("due_date", "pk")
        ),
        "dependency_form": (form or DependencyForm(m)) if manage else None,
        "can_link": manage,
    }


def _schedule_context(m: Milestone) -> dict[str, Any]:
    anchor = m.anchor_milestone if m.anchor_milestone_id else None
    late_forecast = m.is_open and m.forecast_date and m.due_date and m.forecast_date > m.due_date
    return {
        "rule_text": milestone_rule(m),
        "waits_for": anchor if m.due_provisional else None,
        "late_forecast": bool(late_forecast),
        "series_rule": rule_label(m.series.rrule) if m.series_id and m.series else "",
    }


def detail_context(
    actor: Actor,
    m: Milestone,
    status_form: StatusForm | None = None,
    checklist_form: ChecklistItemForm | None = None,
    dependency_form: DependencyForm | None = None,
) -> dict[str, Any]:
    buttons = _buttons(actor, m)
    return {
        **checklist_context(actor, m, checklist_form),
        **dependencies_context(actor, m, dependency_form),
        **_schedule_context(m),
        "contract": m.contract,
        "buttons": buttons,
        "ask_completed_on": any(b["status"] in (S.DONE, S.ACCEPTED) for b in buttons),
        "status_form": status_form
        or StatusForm(auto_id="status_%s", initial={"version": m.version}),
        "can_delete": permissions.can_delete_milestone(actor, m),
        "events": subject_history(actor, "milestone", m.pk)[:HISTORY_ON_PAGE],
    }


def render_detail(
    request: HttpRequest, m: Milestone, status: int = 200, **forms: Any
) -> HttpResponse:
    context = detail_context(actor_of(request), m, **forms)
    return render(request, "milestones/milestone_detail.html", context, status=status)


@portal_view
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, milestone_of(actor_of(request), pk))


@portal_view
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(
        permissions.can_change_milestone(actor, m)
        or permissions.can_decide_acceptance(actor, m)
        or permissions.can_submit_milestone(actor, m),
        "Only the owner, the approver or a manager changes this milestone's status.",
    )
    form = StatusForm(request.POST, auto_id="status_%s")
    if form.validated():
        d = form.cleaned_data
        saved = submit(
            form,
            lambda: services.transition(
                actor, m, d["status"], d["version"], note=d["note"], completed_on=d["completed_on"]
            ),
        )
        if saved is not None:
            messages.success(request, f"{saved.title} is now {S(saved.status).label.lower()}.")
            return redirect("milestone-detail", pk=m.pk)
    if form.has_error("status"):  # no status field on the page: say it above the buttons
        for message in form.errors.pop("status"):
            form.add_error(None, f"That status change is not possible. {message}")
    return render_detail(request, m, status=form.status, status_form=form)
