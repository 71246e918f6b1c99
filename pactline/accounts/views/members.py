"""The organisation's people (admins and owners): members, open invitations, inviting."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pactline.accounts import invitations, permissions
from pactline.accounts.forms import InviteForm
from pactline.accounts.models import Invitation, Membership
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted

ADMINS = "Only admins and owners manage the organisation's people."


def _context(actor: Actor, form: InviteForm) -> dict[str, object]:
    return {
        "memberships": Membership.objects.filter(organisation=actor.organisation)
        .select_related("user", "party")
        .order_by("role", "user__email"),
        "invitations": Invitation.objects.filter(
            organisation=actor.organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("party", "invited_by"),
        "form": form,
    }


@member_view
def member_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_members(actor), ADMINS)
    form = InviteForm(actor, posted(request), auto_id="invite_%s")
    if request.method == "POST" and form.validated():
        d = form.cleaned_data
        party = d["party"].pk if d["party"] else None
        made = submit(form, lambda: invitations.invite(actor, d["email"], d["role"], party))
        if made is not None:
            messages.success(request, f"Invitation sent to {made[0].email}.")
            return redirect("member-list")
    return render(request, "accounts/member_list.html", _context(actor, form), status=form.status)


@member_view
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_members(actor), ADMINS)
    qs = Invitation.objects.filter(organisation=actor.organisation)
    invitation = get_visible(qs, pk, "invitation")
    invitations.revoke_invitation(actor, invitation)
    messages.success(request, f"The invitation of {invitation.email} no longer works.")
    return redirect("member-list")
