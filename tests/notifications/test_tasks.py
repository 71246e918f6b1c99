"""The Huey tasks: the periodic ones run end to end (immediate mode), the queue follows the
settings (SQLite file by default, Redis with REDIS_URL), and `pactline serve` runs the web
server and the worker together."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey
from huey.contrib.djhuey import HUEY

from pactline.cli import run_together
from pactline.notifications import tasks
from pactline.notifications.models import Delivery, Notification
from pactline.notifications.reminders import schedule
from tests.factories import MilestoneFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def immediate():
    from huey.storage import MemoryStorage

    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False  # this makes a new SQLite storage: back to memory, as in conftest
    HUEY.storage = MemoryStorage(HUEY.name)


@pytest.mark.django_db
def test_periodic_tasks_run_the_whole_chain(immediate, world, contract, clock) -> None:
    m = MilestoneFactory(
        contract=contract, owner=world.user("member"), due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    assert tasks.sweep_reminders.call_local() == 1  # enqueues processing: runs at once here
    tasks.outbox_tick.call_local()
    tasks.retry_due.call_local()
    assert Notification.objects.filter(user=world.user("member")).count() == 1
    assert Delivery.objects.get(recipient=world.user("member"), channel="email").status == "sent"
    assert tasks.send_digests.call_local() == 0
    assert tasks.refresh_reminders.call_local() >= 0
    assert tasks.extend_series.call_local() == 0
    assert tasks.refresh_forecasts.call_local() >= 0


def test_the_default_queue_is_a_sqlite_file_in_the_data_directory(settings) -> None:
    assert isinstance(HUEY, SqliteHuey)  # (its storage is swapped for memory in tests)
    assert settings.HUEY["filename"] == str(Path(settings.DATA_DIR) / "huey.sqlite3")


def redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15").ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_url_selects_redis(tmp_path: Path) -> None:
    """A fresh process with REDIS_URL set puts tasks on Redis, and a worker takes them."""
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "HUEY_NAME": f"t{os.getpid()}",
        "PACTLINE_DATA_DIR": str(tmp_path),
    }
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pactline.settings');"
        "django.setup()\nfrom huey.contrib.djhuey import HUEY\n"
        "print(type(HUEY).__name__, HUEY.name)\n"
        "from pactline.notifications import tasks\ntasks.send_pending()\nprint(len(HUEY))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "RedisHuey" and out[2] == "1"
    queue = RedisHuey(env["HUEY_NAME"], url=env["REDIS_URL"])
    try:
        assert len(queue) == 1
    finally:
        queue.flush()


def test_serve_runs_web_and_worker_and_stops_both(tmp_path: Path) -> None:
    """run_together with two small stand-in programs: the web one ends, the worker is stopped."""
    marker = tmp_path / "worker-stopped"
    worker = [
        sys.executable,
        "-c",
        "import signal, sys, time, pathlib\n"
        f"def bye(*a): pathlib.Path({str(marker)!r}).write_text('ok'); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, bye)\nwhile True: time.sleep(0.1)",
    ]
    web = [sys.executable, "-c", "import time; time.sleep(1.5)"]
    began = time.monotonic()
    assert run_together(web, worker) == 0
    assert marker.read_text() == "ok"
    assert time.monotonic() - began < 15
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
