"""Settings: the organisation's milestone types (admins and owners)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.errors import ValidationFailed
from pactline.milestones import services
from pactline.milestones.forms.types import MilestoneTypeForm
from pactline.milestones.models import Milestone, MilestoneType
from pactline.milestones.services.types import usage
from pactline.milestones.types import FALLBACK
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted

REFUSE = "Only admins and owners define milestone types."


def _types(actor: Actor) -> object:
    return MilestoneType.objects.filter(organisation=actor.organisation)


def _type(actor: Actor, pk: int) -> MilestoneType:
    return get_visible(_types(actor), pk, "milestone type")  # type: ignore[arg-type]


@member_view
def type_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_customise_organisation(actor), REFUSE)
    counts = dict(
        Milestone.objects.filter(organisation=actor.organisation)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    rows = list(MilestoneType.objects.filter(organisation=actor.organisation))
    for t in rows:
        t.milestone_count = counts.get(t.key, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "milestones/type_list.html",
        {
            "types": [t for t in rows if not t.archived],
            "archived": [t for t in rows if t.archived],
            "fallback": FALLBACK,
        },
    )


@member_view
def type_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_customise_organisation(actor), REFUSE)
    form = MilestoneTypeForm(posted(request))
    if request.method == "POST" and form.validated():
        created = submit(form, lambda: services.create_type(actor, form.to_data()))
        if created is not None:
            messages.success(request, f"Milestone type {created.name} created.")
            return redirect("milestone-type-list")
    return render(
        request,
        "milestones/type_form.html",
        {"form": form, "type": None},
        status=form.status,
    )


@member_view
def type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    t = _type(actor, pk)
    require(permissions.can_customise_organisation(actor), REFUSE)
    form = MilestoneTypeForm(posted(request), instance=t)
    if request.method == "POST" and form.validated():
        version = form.cleaned_data.get("version")
        saved = submit(form, lambda: services.update_type(actor, t, form.to_data(), version))
        if saved is not None:
            messages.success(request, f"Milestone type {saved.name} saved.")
            return redirect("milestone-type-list")
    return render(
        request,
        "milestones/type_form.html",
        {"form": form, "type": t},
        status=form.status,
    )


@member_view
@require_POST
def type_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a type (or bring an archived one back)."""
    actor = actor_of(request)
    t = _type(actor, pk)
    require(permissions.can_customise_organisation(actor), REFUSE)
    archive = request.POST.get("archived", "1") != "0"
    try:
        services.update_type(actor, t, {"archived": archive}, None)
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for msgs in exc.errors.values() for m in msgs))
        return redirect("milestone-type-list")
    verb = "archived: it is no longer offered" if archive else "is offered again"
    messages.success(request, f"Milestone type {t.name} {verb}.")
    return redirect("milestone-type-list")


@member_view
def type_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    t = _type(actor, pk)
    require(permissions.can_customise_organisation(actor), REFUSE)
    used = {what: n for what, n in usage(t).items() if n}
    error = ""
    if request.method == "POST":
        try:
            services.delete_type(actor, t)
        except ValidationFailed as exc:
            error = " ".join(m for msgs in exc.errors.values() for m in msgs)
        else:
            messages.success(request, f"Milestone type {t.name} deleted.")
            return redirect("milestone-type-list")
    counts = ", ".join(f"{n} {what}" for what, n in used.items())
    warning = (
        f"In use by {counts}: archive it instead."
        if used
        else "No milestone, template or series uses it. This cannot be undone."
    )
    return render(
        request,
        "web/confirm_delete.html",
        {
            "what": "milestone type",
            "object": t,
            "action": reverse("milestone-type-delete", args=[t.pk]),
            "cancel": reverse("milestone-type-list"),
            "warning": warning,
            "problems": [error] if error else [],
        },
        status=422 if error else 200,
    )


__all__ = [
    "type_archive",
    "type_create",
    "type_delete",
    "type_edit",
    "type_list",
]
