"""Operational endpoints: /healthz (the process answers), /readyz (its dependencies answer),
/metrics (Prometheus)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import CONTENT_TYPE_LATEST


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means not ready; say which
        return f"database: {exc}"
    return None


def _check_queue() -> str | None:
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.pending_count()
    except Exception as exc:
        return f"queue: {exc}"
    return None


def _check_storage() -> str | None:
    name = f"readyz/{uuid.uuid4().hex}.txt"
    try:
        saved = default_storage.save(name, ContentFile(b"ok"))
        default_storage.delete(saved)
    except Exception as exc:
        return f"storage: {exc}"
    return None


def readyz(request: HttpRequest) -> HttpResponse:
    problems = [p for p in (_check_database(), _check_queue(), _check_storage()) if p]
    status = 503 if problems else 200
    return JsonResponse(
        {"status": "ok" if not problems else "unavailable", "problems": problems}, status=status
    )


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.PACTLINE_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return constant_time_compare(given, token)
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


def metrics(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("set PACTLINE_METRICS_TOKEN to scrape from elsewhere", status=403)
    from pactline.ops.metrics import render

    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
