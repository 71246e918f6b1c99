"""Submitting a milestone with deliverables, and the signed links sent to contacts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible, require
from pactline.collab import services
from pactline.collab.forms import ContactLinkForm, SubmitForm
from pactline.collab.models import ContactLink
from pactline.collab.views.common import back_to, milestone_of
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, portal_view


@portal_view
@require_POST
def milestone_submit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = milestone_of(actor, pk)
    require(
        permissions.can_submit_milestone(actor, milestone), "You may not submit this milestone."
    )
    form = SubmitForm(request.POST, request.FILES)
    if form.validated():
        d = form.cleaned_data
        saved = submit(
            form,
            lambda: services.submit_for_acceptance(
                actor, milestone, d["note"], d["files"], d["version"]
            ),
        )
        if saved is not None:
            messages.success(request, f"{saved.title} is submitted for acceptance.")
            return back_to(request, milestone, "acceptance")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"Not submitted: {error}")
    return back_to(request, milestone, "acceptance")


@member_view
@require_POST
def contact_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = milestone_of(actor, pk)
    require(permissions.can_send_contact_links(actor), "Only managers and above send links.")
    form = ContactLinkForm(milestone.contract, request.POST)
    if form.validated():
        d = form.cleaned_data
        made = submit(
            form,
            lambda: services.create_link(actor, milestone, d["contact"], d["purpose"], d["days"]),
        )
        if made is not None:
            link, _raw = made
            messages.success(request, f"Link sent to {link.contact.email}.")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"No link sent: {error}")
    return back_to(request, milestone, "acceptance")


@member_view
@require_POST
def contact_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    links = ContactLink.objects.select_related("milestone", "contact").filter(
        milestone__in=permissions.visible_milestones(actor)
    )
    link = get_visible(links, pk, "link")
    services.revoke_link(actor, link)
    messages.success(request, f"The link of {link.contact.name} no longer works.")
    return back_to(request, link.milestone, "acceptance")
