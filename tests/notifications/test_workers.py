"""Real worker processes (`pactline worker`) against PostgreSQL: two workers sweeping the same
due reminders deliver each exactly once; a worker killed mid-sweep (SIGKILL) and restarted
loses nothing and duplicates nothing. E-mail goes to a real SMTP server on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from pactline.notifications.models import Delivery, ReminderPolicy
from pactline.notifications.reminders import schedule
from tests.factories import MilestoneFactory
from tests.notifications.receivers import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="several worker processes need PostgreSQL (DATABASE_URL=postgres://...)",
    ),
]
WAIT = 90  # seconds


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Workers:
    """Worker processes sharing one Huey queue (SQLite) in a temporary data directory."""

    def __init__(self, data_dir: Path, smtp_port: int) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "REDIS_URL"},
            "DATABASE_URL": database_url(),
            "PACTLINE_DATA_DIR": str(data_dir),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "PACTLINE_BASE_URL": "http://testserver",
            "PACTLINE_REMINDER_BATCH": "5",
            "PACTLINE_REMINDER_LEASE_SECONDS": "2",
            "PACTLINE_DELIVERY_LEASE_SECONDS": "2",
            "PACTLINE_DELIVERY_BACKOFF_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.data_dir = data_dir
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, threads: int = 2) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"worker-{len(self.procs)}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pactline.cli",
                "worker",
                "--workers",
                str(threads),
                "--no-periodic",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def enqueue(self, code: str) -> None:
        """Put tasks on the shared queue, as the periodic scheduler would."""
        script = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'pactline.settings'); django.setup()\nfrom pactline.notifications import tasks\n"
            + code
        )
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=self.env, check=True)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def due_reminders(world, contract) -> Callable[[int], list[int]]:
    """`n` open milestones whose "7 days before" reminder is due now, for n owners."""

    def make(n: int) -> list[int]:
        ReminderPolicy.objects.create(
            organisation=world.acme,
            days_before=[7],
            on_due_date=False,
            send_hour=0,
            overdue_every_days=None,
            escalate_owner_after_days=None,
            escalate_contact_after_days=None,
        )
        due = timezone.now().date() + timedelta(days=7)
        world.acme.default_time_zone = "UTC"
        world.acme.save()
        ids = [
            MilestoneFactory(contract=contract, owner=world.user("member"), due_date=due).pk
            for _ in range(n)
        ]
        schedule.refresh_milestones(ids)
        return ids

    return make


def wait_for(check: Callable[[], bool], what: str, workers: Workers) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    logs = "\n".join(p.read_text()[-3000:] for p in workers.data_dir.glob("worker-*.log"))
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


@pytest.fixture
def workers_for(tmp_path: Path) -> Iterator[Callable[[SmtpSink], Workers]]:
    made: list[Workers] = []

    def build(sink: SmtpSink) -> Workers:
        workers = Workers(tmp_path, sink.port)
        made.append(workers)
        return workers

    yield build
    for workers in made:
        workers.stop()


def message_ids(sink: SmtpSink) -> Counter[str]:
    return Counter(str(m.message["Message-ID"]) for m in sink.mails)


def test_two_workers_deliver_each_reminder_exactly_once(due_reminders, workers_for) -> None:
    ids = due_reminders(60)
    sink = SmtpSink()
    try:
        workers = workers_for(sink)
        workers.start()
        workers.start()
        # Both workers run sweeps at the same time, as their schedulers would every minute.
        workers.enqueue("for _ in range(8): tasks.sweep_reminders()")
        wait_for(lambda: len(sink.mails) >= len(ids), "60 e-mails", workers)
        workers.enqueue("for _ in range(4): tasks.sweep_reminders(); tasks.retry_due()")
        time.sleep(3)
        counts = message_ids(sink)
        assert len(counts) == len(ids) and set(counts.values()) == {1}
        assert Delivery.objects.filter(channel="email", status="sent").count() == len(ids)
        assert Delivery.objects.filter(channel="in_app", status="sent").count() == len(ids)
        mine = Delivery.objects.filter(milestone_id__in=ids, channel="email")
        assert sorted(mine.values_list("milestone_id", flat=True)) == sorted(ids)
    finally:
        sink.stop()


def test_a_worker_killed_mid_sweep_loses_and_repeats_nothing(due_reminders, workers_for) -> None:
    ids = due_reminders(30)
    state: dict[str, Any] = {"victim": None}

    def kill_on_tenth(count: int) -> str | None:
        if count == 10 and state["victim"] is not None:
            os.kill(state["victim"].pid, signal.SIGKILL)  # in the middle of sending
            return "451 4.3.0 the worker died before hearing this"
        return None

    sink = SmtpSink(on_message=kill_on_tenth)
    try:
        workers = workers_for(sink)
        state["victim"] = workers.start(threads=1)
        workers.enqueue("tasks.sweep_reminders()")
        wait_for(lambda: state["victim"].poll() is not None, "the kill", workers)
        assert state["victim"].returncode == -signal.SIGKILL
        delivered_before = len(sink.mails)
        assert 0 < delivered_before < len(ids)
        # Restart: after the leases run out, the periodic tasks take up what was left.
        workers.start(threads=2)
        time.sleep(2.5)
        workers.enqueue("tasks.sweep_reminders(); tasks.retry_due()")
        wait_for(lambda: len(sink.mails) >= len(ids), "every e-mail", workers)
        workers.enqueue("tasks.sweep_reminders(); tasks.retry_due()")
        time.sleep(3)
        counts = message_ids(sink)
        assert len(counts) == len(ids) and set(counts.values()) == {1}
        assert Delivery.objects.filter(channel="email").exclude(status="sent").count() == 0
        occurrences = set(
            Delivery.objects.filter(milestone_id__in=ids).values_list("occurrence", flat=True)
        )
        assert occurrences == {timezone.now().date()}
    finally:
        sink.stop()
