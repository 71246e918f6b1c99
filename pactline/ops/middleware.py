"""A request id on every request (from X-Request-ID or new), in logs and in the response,
request latency for /metrics, and a retryable 503 when the database stays busy."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _SAFE.match(given) else uuid.uuid4().hex
        # Reset by the request_finished signal, after Django's own request logging.
        REQUEST_ID.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match and match.view_name else "unmatched"
        from pactline.ops.metrics import REQUEST_LATENCY

        REQUEST_LATENCY.labels(request.method, route, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response


# What "the database is busy, try again" looks like: SQLite's lock outlasting the busy timeout;
# PostgreSQL's serialization failure, deadlock and lock timeout (SQLSTATE 40001, 40P01, 55P03).
_BUSY_STATES = {"40001", "40P01", "55P03"}
RETRY_AFTER_SECONDS = 2


def database_busy(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    if "database is locked" in str(exc) or "database table is locked" in str(exc):
        return True
    return getattr(exc.__cause__, "sqlstate", None) in _BUSY_STATES


class BusyDatabaseMiddleware:
    """A write that could not get the database in time answers 503 with Retry-After, not 500:
    its transaction was rolled back, so sending it again is safe (and the optimistic-locking
    version still guards against applying a stale edit)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not database_busy(exc):
            return None
        logging.getLogger(__name__).warning("database busy: %s", exc)
        message = "The database is busy; nothing was changed. Try again in a moment."
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message, "errors": None}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def forget_request_id(**kwargs: object) -> None:
    REQUEST_ID.set("-")


request_finished.connect(forget_request_id, dispatch_uid="pactline-request-id")
