"""Calendar feeds, reached by secret URL: the secret is the credential, so no sign-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from pactline.transfer.feeds import render_feed
from pactline.transfer.services import find_feed


@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    token = find_feed(secret)
    body = render_feed(token) if token is not None else None
    if body is None:  # unknown, revoked, or its owner no longer sees it: all look the same
        raise Http404("no such feed")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="milestones.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
