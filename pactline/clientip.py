"""The client's address, also behind reverse proxies (sign-in throttling, rate limits).

Each reverse proxy appends the address it received the request from to X-Forwarded-For, so
behind N trusted proxies (`PACTLINE_TRUSTED_PROXIES`) the client is the N-th entry from the
right; everything left of it was written by the client and is not trusted. With 0 (the
default without `BEHIND_PROXY`) the header is ignored and the peer address counts. A request
that did not pass all N proxies (too few entries) falls back to the peer address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return address_of(request) or "unknown"


def address_of(request: HttpRequest) -> str | None:
    """The client's address, or None when the request has none (django-axes stores NULL then;
    a request made in code, as by `Client.force_login`, has no peer)."""
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = getattr(settings, "PACTLINE_TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < trusted:
        return peer
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
