"""What every web view shares: sign-in and membership checks, and domain errors as HTTP answers.

Services raise `pactline.errors`; `member_view` turns the ones a view did not handle itself into
the page a person expects: NotFound is a 404, Forbidden a 403 page, a validation error or a
conflict on a bare button (no form to re-render) an error page with 422 or 409.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from pactline.accounts.models import Role, User
from pactline.accounts.permissions import Actor
from pactline.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pactline.web.forms import sentence

View = Callable[..., HttpResponse]
STAFF_ROLES = [role for role in Role.values if role != Role.GUEST]

NO_MEMBERSHIP = (
    "You are not a member of any organisation yet. Ask an administrator of your organisation "
    "to add you."
)


def actor_of(request: HttpRequest) -> Actor:
    """The Actor the middleware attached; member_view guarantees it is there."""
    return request.actor  # type: ignore[attr-defined,no-any-return]


def words(field: str) -> str:
    return sentence(field.removesuffix("_id").replace("_", " "))


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "403.html", {"message": sentence(message)}, status=403)


def error_page(request: HttpRequest, exc: ValidationFailed | Conflict) -> HttpResponse:
    if isinstance(exc, ValidationFailed):
        problems = [
            sentence(" ".join(msgs)) if f in ("", "__all__") else f"{words(f)}: {' '.join(msgs)}"
            for f, msgs in exc.errors.items()
        ]
    else:
        problems = [sentence(exc.message)]
    context = {"problems": problems, "back": back_url(request, "")}
    return render(request, "web/error.html", context, status=exc.status)


def back_url(request: HttpRequest, fallback: str) -> str:
    """A safe same-site URL to return to: the `next` field, the referrer, or `fallback`."""
    for candidate in (
        request.POST.get("next"),
        request.GET.get("next"),
        request.headers.get("Referer"),
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


GUESTS_NOT_HERE = (
    "This page is for the organisation's own people. As a guest you see your contracts and "
    "the milestones shared with you."
)


def member_view(view: View) -> View:
    """Require a signed-in member of an organisation (not a guest) and map domain errors."""
    return _signed_in_view(view, guests=False)


def portal_view(view: View) -> View:
    """Like member_view, and guests are let in too: the page shows them what visible_* allows
    and the services decide what they may do. Guests reach only the pages marked so."""
    return _signed_in_view(view, guests=True)


def _signed_in_view(view: View, guests: bool) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = getattr(request, "actor", None)
        if actor is None:
            return forbidden(request, NO_MEMBERSHIP)
        if actor.is_guest and not guests:
            return forbidden(request, GUESTS_NOT_HERE)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except Forbidden as exc:
            return forbidden(request, exc.message)
        except (ValidationFailed, Conflict) as exc:
            return error_page(request, exc)

    return login_required(wrapper)


def members_of(actor: Actor) -> QuerySet[User]:
    """Users of the actor's organisation (guests aside), for owner and approver choices."""
    return User.objects.filter(
        memberships__organisation=actor.organisation, memberships__role__in=STAFF_ROLES
    ).order_by("name", "email")


def posted(request: HttpRequest) -> Any:
    """Form data for a POST (even an empty one), None for a GET: bound only when submitted."""
    return request.POST if request.method == "POST" else None


def paginate(request: HttpRequest, items: QuerySet[Any]) -> Page:
    return Paginator(items, settings.PACTLINE_PAGE_SIZE).get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (boosted requests want the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted
