"""All outbound HTTP of Pactline (webhooks, Slack, Teams) goes through `post`.

- Fixed timeouts (PACTLINE_HTTP_TIMEOUT; connecting at most 5 s), no retries here (the delivery
  machinery retries with backoff), no redirects followed (a 3xx is a failed attempt).
- Saving a subscription refuses localhost and private address literals at once (422).
- The host name is resolved once and every address checked: private, loopback, link-local,
  multicast and reserved addresses are refused unless PACTLINE_ALLOW_PRIVATE_WEBHOOKS is on.
  The request then goes to the address that was checked (TLS still verifies the host name), so
  a DNS answer that changes between the check and the connection cannot slip through.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

from pactline.notifications.channels.registry import DeliveryError

USER_AGENT = "Pactline-Notifications/1"
MAX_BODY_SHOWN = 500


@dataclass(frozen=True)
class Response:
    status_code: int
    text: str


def check_url(url: str) -> str | None:
    """A problem with the URL's form (not its address), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "must start with https:// (or http://)"
    if not parts.hostname:
        return "must name a host"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    return _local_host(parts.hostname)


def _local_host(host: str) -> str | None:
    """Refuse at once what needs no DNS to know: localhost and private address literals.
    Names are resolved and their addresses checked again at every delivery (`resolve`)."""
    if settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS:
        return None
    host = host.rstrip(".").lower()
    local = host == "localhost" or host.endswith(".localhost")
    with contextlib.suppress(ValueError):  # a name, not an address
        local = local or not address_allowed(host)
    if local:
        return (
            f"must not point at a private or local address ({host}) unless "
            "PACTLINE_ALLOW_PRIVATE_WEBHOOKS=1"
        )
    return None


def address_allowed(address: str) -> bool:
    if settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS:
        return True
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryError(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    refused = [a for a in addresses if not address_allowed(a)]
    if refused:
        raise DeliveryError(
            f"{host} resolves to a private or local address ({refused[0]}); refused "
            "(set PACTLINE_ALLOW_PRIVATE_WEBHOOKS=1 to allow)",
            permanent=True,
        )
    return addresses


def _pinned(url: str, address: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    host_header = parts.hostname or ""
    if parts.port:
        host_header += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST `body`; raise DeliveryError on a network error or a non-2xx answer."""
    problem = check_url(url)
    if problem:
        raise DeliveryError(f"URL {problem}", permanent=True)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    hostname = parts.hostname or ""
    address = resolve(hostname, parts.port or (443 if https else 80))[0]
    target, host_header = _pinned(url, address)
    timeout = httpx.Timeout(
        settings.PACTLINE_HTTP_TIMEOUT, connect=min(5.0, settings.PACTLINE_HTTP_TIMEOUT)
    )
    sent = {"User-Agent": USER_AGENT, **headers, "Host": host_header}
    extensions = {"sni_hostname": hostname} if https else {}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            answer = client.post(target, content=body, headers=sent, extensions=extensions)
    except httpx.TimeoutException:
        raise DeliveryError(f"no answer within {settings.PACTLINE_HTTP_TIMEOUT:g} s") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    text = answer.text[:MAX_BODY_SHOWN]
    if 200 <= answer.status_code < 300:
        return Response(answer.status_code, text)
    if 300 <= answer.status_code < 400:
        message = f"HTTP {answer.status_code}: redirects are not followed"
    else:
        message = f"HTTP {answer.status_code}: {text[:200]}".strip()
    # 410 Gone says the endpoint was removed on purpose: do not retry it.
    raise DeliveryError(
        message, permanent=answer.status_code == 410, status_code=answer.status_code
    )
