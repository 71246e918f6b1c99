"""Attach the signed-in user's current organisation and Actor to each web request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor

SESSION_KEY = "pactline_org_id"


def current_membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organisation", "user").filter(user=user)
    wanted = request.session.get(SESSION_KEY)
    membership = None
    if wanted is not None:
        membership = memberships.filter(organisation_id=wanted).first()
    if membership is None:
        membership = memberships.order_by("created_at", "pk").first()
        if membership is not None:
            request.session[SESSION_KEY] = membership.organisation_id
    return membership


class CurrentOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # API requests authenticate per request (token or session) in pactline.api_auth.
        if not request.path.startswith("/api/"):
            membership = current_membership(request)
            request.actor = Actor.for_membership(membership) if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
