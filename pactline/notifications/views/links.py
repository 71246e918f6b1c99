"""The landing page of signed e-mail links: look, then confirm with a button (POST)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pactline.errors import DomainError
from pactline.notifications import services
from pactline.notifications.links import LinkError
from pactline.ops.throttle import failures_limited, refused

LABELS = {"done": "Mark done", "snooze": "Snooze"}


@never_cache
@failures_limited("link", refused)
def link_action(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in needed: the signed link is the credential, for this one action, once."""
    context: dict[str, object] = {"token": token}
    try:
        if request.method == "POST":
            link, milestone = services.use_link(token)
            context.update(done=True, link=link, milestone=milestone)
        else:
            link, _actor, milestone = services.open_link(token)
            context.update(done=False, link=link, milestone=milestone)
    except LinkError as exc:
        context.update(problem=exc.message, reason=exc.reason)
        return render(
            request,
            "notifications/link.html",
            context,
            status=410 if exc.reason != "invalid" else 400,
        )
    except DomainError as exc:
        context.update(problem=exc.message, reason="refused")
        return render(request, "notifications/link.html", context, status=exc.status)
    context["label"] = LABELS[link.action]
    return render(request, "notifications/link.html", context)
