"""Assembles the REST API: one NinjaAPI, with the routers each app defines in its own api.py.

Every error answers with one shape, `ErrorOut`: `{"detail": "...", "errors": {field: [msg]}}`,
whether a service refused (pactline.errors) or the request itself did not validate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from pactline.accounts.api import contract_members, me, people, tokens
from pactline.activity.api import events
from pactline.api_auth import API_AUTH
from pactline.api_render import JSONRenderer
from pactline.collab.api import comments, contact_links, documents
from pactline.contracts.api import contracts, parties
from pactline.customfields.api import custom_fields
from pactline.errors import DomainError, ValidationFailed
from pactline.milestones.api import milestones, templates
from pactline.notifications.api import notifications
from pactline.ops.throttle import TooManyRequests
from pactline.reports.api import reports
from pactline.review.api import extractions
from pactline.savedviews.api import saved_views
from pactline.transfer.api import closures, feeds, imports

DESCRIPTION = """\
Contract milestones: parties, contracts, milestones, checklists, templates and the event log.

Authenticate with `Authorization: Bearer <token>` (create one with `pactline token create`),
or from the browser with the web session (send the `csrftoken` cookie back as `X-CSRFToken`
on writes). Every object carries `version`: send it back with a change (or as `If-Match`) to
get a 409 instead of overwriting someone else's edit.
"""

api = NinjaAPI(
    title="Pactline API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=API_AUTH,
    renderer=JSONRenderer(),
)

for router in (me, parties, contracts, milestones, templates, events, imports, feeds, closures):
    api.add_router("/v1/", router)
api.add_router("/v1/", notifications)
# access and collaboration: named members, people, tokens, comments, documents, signed links
for router in (contract_members, people, tokens, comments, documents, contact_links):
    api.add_router("/v1/", router)
api.add_router("/v1/", reports)
api.add_router("/v1/", extractions)  # key dates from the contract text
api.add_router("/v1/", saved_views)  # saved views of lists
api.add_router("/v1/", custom_fields)  # definitions; values ride on their objects


def error_response(
    request: HttpRequest,
    status: int,
    detail: str,
    errors: Mapping[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "errors": dict(errors) if errors else None}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = exc.errors if isinstance(exc, ValidationFailed) else None
    return error_response(request, exc.status, exc.message, errors)


def _field_name(loc: Iterable[Any]) -> str:
    """The name the client used: ("body", "payload", "items", 0, "title") -> "items.0.title";
    ("query", "filters", "status", 0) -> "status"; ("path", "contract_id") -> "contract_id"."""
    parts = list(loc)
    source = str(parts.pop(0)) if parts else "request"
    if source == "body":
        return ".".join(str(p) for p in parts[1:]) or "body"  # parts[0]: the handler's argument
    names = [p for p in parts if isinstance(p, str)]
    return names[-1] if names else source


MESSAGES = {"extra_forbidden": "is not a known field", "missing": "is required"}


@api.exception_handler(ValidationError)
def on_invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = MESSAGES.get(error.get("type", ""), error.get("msg", "is invalid"))
        errors.setdefault(_field_name(error.get("loc", ())), []).append(message)
    failed = ValidationFailed(errors)
    return error_response(request, 422, failed.message, failed.errors)


@api.exception_handler(TooManyRequests)
def on_too_many(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    response = error_response(request, 429, exc.message)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "authentication required: send Authorization: Bearer <token>"
    )
    response["WWW-Authenticate"] = 'Bearer realm="pactline"'
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not found")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "request body too large")
