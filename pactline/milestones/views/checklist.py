"""A milestone's checklist: add, tick and remove items (htmx fragment or the whole page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.milestones import services
from pactline.milestones.forms import ChecklistItemForm
from pactline.milestones.models import ChecklistItem, Milestone
from pactline.milestones.views.common import CAN_NOT_CHANGE, milestone_of
from pactline.milestones.views.detail import checklist_context, render_detail
from pactline.web.forms import submit
from pactline.web.http import actor_of, is_htmx, member_view


def _checklist_item(actor: Actor, pk: int) -> ChecklistItem:
    qs = ChecklistItem.objects.select_related("milestone__contract").filter(
        milestone__in=permissions.visible_milestones(actor)
    )
    return get_visible(qs, pk, "checklist item")


def _checklist_answer(
    request: HttpRequest, m: Milestone, form: ChecklistItemForm | None = None
) -> HttpResponse:
    """The checklist fragment for htmx; otherwise back to the milestone page."""
    status = form.status if form is not None else 200
    if is_htmx(request):
        context = checklist_context(actor_of(request), m, form)
        return render(request, "milestones/_checklist.html", context, status=status)
    if form is not None and status != 200:
        return render_detail(request, m, status=status, checklist_form=form)
    return redirect(reverse("milestone-detail", args=[m.pk]) + "#checklist")


@member_view
@require_POST
def checklist_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_change_milestone(actor, m), CAN_NOT_CHANGE)
    form = ChecklistItemForm(request.POST, auto_id="checklist_%s")
    if form.validated() and submit(
        form, lambda: services.add_checklist_item(actor, m, form.cleaned_data["title"])
    ):
        form = None
    return _checklist_answer(request, m, form)


@member_view
@require_POST
def checklist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an item done or not done: `done` says which, so a double click changes nothing."""
    actor = actor_of(request)
    item = _checklist_item(actor, pk)
    done = request.POST.get("done", "") in ("1", "true", "on")
    services.set_checklist_item(actor, item, done=done)
    return _checklist_answer(request, milestone_of(actor, item.milestone_id))


@member_view
@require_POST
def checklist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = _checklist_item(actor, pk)
    services.delete_checklist_item(actor, item)
    return _checklist_answer(request, milestone_of(actor, item.milestone_id))
