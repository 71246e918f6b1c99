"""Rate limits on guessable credentials, with django-ratelimit counting in the Django cache.

Only *failures* count: a wrong password, an unknown or revoked API token, an unknown, expired or
used signed link (e-mail action links, contact links, invitations, calendar feeds). Once one
client address has failed `limit` times within the window (PACTLINE_RATE_LIMITS, e.g. "20/m"),
its next request to that group answers 429 with a Retry-After header until the window ends;
other addresses and other groups are unaffected, and people who never fail never notice.

The cache is Redis when REDIS_URL is set (shared by every web process); otherwise each process
counts on its own (LocMemCache), which still bounds guessing to limit x processes per window.
Behind reverse proxies the client address is the one django-axes uses too
(pactline.clientip, PACTLINE_TRUSTED_PROXIES).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django_ratelimit.core import _split_rate, get_usage

from pactline.clientip import client_ip
from pactline.errors import DomainError

Failed = Callable[[HttpRequest, HttpResponse], bool]


class TooManyRequests(DomainError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def _usage(request: HttpRequest, group: str, increment: bool) -> dict[str, Any] | None:
    rate = settings.PACTLINE_RATE_LIMITS.get(group)
    if not rate:
        return None
    return get_usage(  # type: ignore[no-any-return]
        request, group=f"pactline.{group}", key=_key, rate=rate, increment=increment
    )


def check(request: HttpRequest, group: str) -> None:
    """Raise TooManyRequests when this client has used up its failures in `group`."""
    usage = _usage(request, group, increment=False)
    if usage is None:
        return
    limit, _period = _split_rate(settings.PACTLINE_RATE_LIMITS[group])
    if usage["count"] >= limit:
        wait = max(int(usage["time_left"]), 1)
        raise TooManyRequests(
            f"too many failed attempts from your address: try again in {wait} seconds", wait
        )


def failed(request: HttpRequest, group: str) -> None:
    """Count one failure of this client in `group`."""
    _usage(request, group, increment=True)


def too_many_response(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    body = render_to_string("web/too_many.html", {"message": exc.message}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def failures_limited(group: str, failed_when: Failed) -> Callable[[Any], Any]:
    """A view decorator: answer 429 to a client that failed too often; count its failures."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                check(request, group)
            except TooManyRequests as exc:
                return too_many_response(request, exc)
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                failed(request, group)
                raise
            if failed_when(request, response):
                failed(request, group)
            return response

        return wrapped

    return decorator


def refused(request: HttpRequest, response: HttpResponse) -> bool:
    """A signed-link page refused the token (unknown, expired, used, revoked)."""
    return response.status_code in (400, 401, 403, 404, 410)


def sign_in_failed(request: HttpRequest, response: HttpResponse) -> bool:
    """The sign-in form came back instead of a redirect: wrong address or password."""
    return request.method == "POST" and response.status_code != 302
