"""Prometheus metrics: request latency per route (shared across web processes through
prometheus_client's multiprocess directory) and, at scrape time, figures read from the
database: queue depth, reminders sent, webhook failures."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

REQUEST_LATENCY = Histogram(
    "pactline_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

API_ANSWERS = Counter(
    "pactline_api_answers",
    "Answers of the cached API lists: stored (served again), computed, or not_modified (304)",
    ["source"],
)


class DatabaseCollector(Collector):
    """Numbers that live in the database, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        from django.db.models import Q

        from pactline.notifications.models import Delivery, DeliveryAttempt

        pending = GaugeMetricFamily(
            "pactline_deliveries_pending", "Notifications and webhooks waiting to be sent"
        )
        pending.add_metric([], Delivery.objects.filter(status="pending").count())
        yield pending
        queue = GaugeMetricFamily("pactline_task_queue_depth", "Tasks waiting in the queue")
        queue.add_metric([], _queue_depth())
        yield queue
        reminders = CounterMetricFamily("pactline_reminders_sent", "Reminders sent")
        reminders.add_metric([], Delivery.objects.filter(status="sent").exclude(rule="").count())
        yield reminders
        failures = CounterMetricFamily(
            "pactline_webhook_failures", "Failed webhook delivery attempts"
        )
        failures.add_metric(
            [],
            DeliveryAttempt.objects.filter(
                Q(ok=False), delivery__channel__in=["webhook", "slack", "teams"]
            ).count(),
        )
        yield failures


def _queue_depth() -> int:
    try:
        from huey.contrib.djhuey import HUEY

        return int(HUEY.pending_count())
    except Exception:  # a broken queue shows as -1; /readyz says why
        return -1


def render() -> bytes:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
