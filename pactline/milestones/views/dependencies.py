"""The dependencies panel of the milestone page: link to a predecessor, unlink."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible, require
from pactline.milestones import services
from pactline.milestones.forms import DependencyForm
from pactline.milestones.views.common import MANAGERS_LINK, milestone_of
from pactline.milestones.views.detail import render_detail
from pactline.web.forms import submit
from pactline.web.http import actor_of, back_url, member_view


def _panel(pk: int) -> str:
    return reverse("milestone-detail", args=[pk]) + "#dependencies"


@member_view
@require_POST
def dependency_add(request: HttpRequest, pk: int) -> HttpResponse:
    """This milestone follows the chosen one; a cycle is an error on the choice."""
    actor = actor_of(request)
    m = milestone_of(actor, pk)
    require(permissions.can_manage_contracts(actor), MANAGERS_LINK)
    form = DependencyForm(m, request.POST)
    if form.validated():
        d = form.cleaned_data
        link = submit(
            form,
            lambda: services.add_dependency(
                actor, m, d["predecessor"].pk, lag=d["lag"], lag_unit=d["lag_unit"]
            ),
        )
        if link is not None:
            messages.success(request, f"{m.title} now follows {d['predecessor'].title}.")
            return redirect(_panel(m.pk))
    return render_detail(request, m, status=form.status, dependency_form=form)


@member_view
@require_POST
def dependency_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    links = permissions.visible_dependencies(actor).select_related("predecessor", "successor")
    link = get_visible(links, pk, "dependency")
    require(permissions.can_manage_contracts(actor), MANAGERS_LINK)
    services.remove_dependency(actor, link)
    messages.success(request, f"{link.successor.title} no longer follows {link.predecessor.title}.")
    return redirect(back_url(request, _panel(link.successor_id)))
