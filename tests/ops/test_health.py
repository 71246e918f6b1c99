"""Health, readiness, metrics and request ids, as an operator's tools see them."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_and_readyz_answer_when_everything_is_up():
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "problems": []}


@pytest.mark.django_db
def test_readyz_names_the_broken_dependency(settings, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the storage directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    ready = Client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["problems"][0].startswith("storage:")


@pytest.mark.django_db
def test_metrics_count_requests_and_refuse_strangers(settings, world):
    client = Client()
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert 'pactline_request_seconds_count{method="GET",route="healthz",status="200"}' in body
    assert "pactline_deliveries_pending" in body and "pactline_reminders_sent_total" in body
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    settings.PACTLINE_METRICS_TOKEN = "scrape-secret"
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    assert stranger.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert stranger.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


@pytest.mark.django_db
def test_request_id_is_kept_returned_and_logged(caplog):
    client = Client()
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert hostile["X-Request-ID"] != "<script>" and len(hostile["X-Request-ID"]) == 32
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-me")
    assert any(getattr(r, "request_id", None) == "trace-me" for r in caplog.records)


def test_json_log_lines_carry_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    from pactline.ops.middleware import REQUEST_ID, RequestIdFilter

    formatter = JsonFormatter(fmt="%(levelname)s %(request_id)s %(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    token = REQUEST_ID.set("req-9")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    assert json.loads(formatter.format(record)) == {
        "levelname": "INFO",
        "request_id": "req-9",
        "message": "hello",
    }
