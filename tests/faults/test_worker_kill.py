"""The worker (`pactline worker`) is SIGKILLed in the middle of sending; after a restart every
webhook event and every reminder is delivered exactly once, counted at a real HTTP receiver
(idempotent on the event id, as receivers are asked to be) and a real SMTP server (aiosmtpd).
Leases are 2 seconds here so the restarted worker may take over quickly."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from typing import Any

import pytest

from tests.faults.live import EventReceiver, Worker, enqueue, on_postgres, run_step, wait_for
from tests.notifications.receivers import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)
FAST = {
    "PACTLINE_DELIVERY_LEASE_SECONDS": "2",
    "PACTLINE_REMINDER_LEASE_SECONDS": "2",
    "PACTLINE_DELIVERY_BACKOFF_SECONDS": "1",
    "PACTLINE_REMINDER_BATCH": "5",
}


@pytest.fixture
def workers(env: dict[str, str]) -> Any:
    started: list[Worker] = []

    def start(extra: dict[str, str] | None = None, threads: int = 1) -> Worker:
        worker = Worker({**env, **FAST, **(extra or {})}, threads=threads)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def kill(worker: Worker) -> None:
    os.kill(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)


def test_a_worker_killed_mid_webhook_delivers_every_event_once(env, workers) -> None:
    state: dict[str, Any] = {}

    def kill_on_third(count: int) -> None:
        if count == 3:  # received and processed; the sender dies before hearing "200"
            kill(state["victim"])

    receiver = EventReceiver(on_new=kill_on_third)
    try:
        run_step(env, "seed-hook", receiver.url, "8")  # its outbox run is queued on commit
        state["victim"] = victim = workers()
        wait_for(lambda: victim.proc.poll() is not None, "the kill", victim.logs)
        assert victim.proc.returncode == -signal.SIGKILL
        assert len(receiver.processed) == 3

        fresh = workers()
        time.sleep(2.2)  # the dead worker's hold on the subscription runs out
        enqueue({**env, **FAST}, "tasks.retry_due()")
        wait_for(lambda: len(receiver.processed) >= 8, "every event", fresh.logs)
        after = run_step(env, "state")
        hooks = [d for d in after["deliveries"] if d[0] == "webhook"]
        assert [d[3] for d in hooks] == ["sent"] * 8
        event_ids = [d[1] for d in hooks]
        assert receiver.processed == event_ids  # each once, in event order
        repeats = {i: n for i, n in Counter(receiver.arrivals).items() if n > 1}
        assert repeats == {event_ids[2]: 2}  # only the one in flight came twice
    finally:
        receiver.stop()


@pytest.mark.skipif(on_postgres(), reason="tests/notifications/test_workers.py on PostgreSQL")
def test_a_worker_killed_mid_sweep_sends_every_reminder_once(env, workers) -> None:
    state: dict[str, Any] = {}

    def kill_on_fifth(count: int) -> str | None:
        if count == 5 and "victim" in state:
            kill(state["victim"])
            return "451 4.3.0 the worker died before hearing this"
        return None

    sink = SmtpSink(on_message=kill_on_fifth)
    mail = {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
    try:
        ids = run_step(env, "seed-reminders", "12")["ids"]
        state["victim"] = victim = workers(mail)
        enqueue({**env, **FAST}, "tasks.sweep_reminders()")
        wait_for(lambda: victim.proc.poll() is not None, "the kill", victim.logs)
        assert 0 < len(sink.mails) < len(ids)

        fresh = workers(mail)
        time.sleep(2.2)  # the sweep's claim on the rest runs out
        enqueue({**env, **FAST}, "tasks.sweep_reminders(); tasks.retry_due()")
        wait_for(lambda: len(sink.mails) >= len(ids), "every reminder", fresh.logs)
        ids_seen = Counter(str(m.message["Message-ID"]) for m in sink.mails)
        assert len(ids_seen) == len(ids) and set(ids_seen.values()) == {1}
        after = run_step(env, "state")
        mails = [d for d in after["deliveries"] if d[0] == "email"]
        assert sorted(d[2] for d in mails) == sorted(ids)
        assert {d[3] for d in mails} == {"sent"}
    finally:
        sink.stop()
