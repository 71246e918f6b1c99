"""Accepting an invitation: the link is the credential. A new person sets a name and a
password; someone with an account signs in with the invited address and joins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from pactline.accounts import invitations
from pactline.accounts.forms import AcceptForm
from pactline.accounts.middleware import SESSION_KEY
from pactline.accounts.models import Membership, User
from pactline.ops.throttle import failures_limited, refused
from pactline.web.forms import submit

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _joined(request: HttpRequest, membership: Membership) -> HttpResponse:
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"Welcome to {membership.organisation.name}.")
    return redirect("contract-list")


@never_cache
@failures_limited("link", refused)
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    if invitation is None:
        raise Http404("invitation not found")
    has_account = User.objects.filter(email=invitation.email).exists()
    signed_in_as = request.user.email if request.user.is_authenticated else None
    form = AcceptForm(request.POST if request.method == "POST" and not has_account else None)
    if request.method == "POST":
        if has_account and signed_in_as == invitation.email:
            membership = invitations.accept_invitation(invitation, user=request.user)
            return _joined(request, membership)
        if not has_account and form.validated():
            d = form.cleaned_data
            membership = submit(
                form,
                lambda: invitations.accept_invitation(
                    invitation, name=d["name"], password=d["password1"]
                ),
            )
            if membership is not None:
                login(request, membership.user, backend=BACKEND)
                return _joined(request, membership)
    context = {
        "invitation": invitation,
        "form": form,
        "has_account": has_account,
        "signed_in_as": signed_in_as,
        "login_url": f"{reverse('login')}?next={request.path}",
    }
    return render(request, "accounts/invitation_accept.html", context, status=form.status)
