"""Running at scale (issue 9): two `pactline web` processes (gunicorn, the production server)
and two `pactline worker` processes against one PostgreSQL database and one Redis.

Load goes to both web processes at once: milestones created, and the same milestones updated
concurrently from both sides with optimistic locking (a stale version is a 409). Reminders are
due for every milestone due today; both workers sweep and send. A real SMTP server counts the
e-mails per milestone: each reminder arrives exactly once, and every update that was answered
2xx is in the final state (no lost update), in each process's answers to the milestone list
as well (answers stored per process follow the organisation's revision).

It runs in the PostgreSQL pass (DATABASE_URL=postgres://...): its database is a fresh copy of
that pass's migrated test database (CREATE DATABASE ... TEMPLATE, a second instead of half a
minute of migrations), dropped afterwards. The queue is Redis (REDIS_URL, else 127.0.0.1) in
database 15 under a queue name of its own, so runs in parallel do not see each other's tasks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.notifications.receivers import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_DB = 15
PREMADE = 12  # milestones due today, made before the processes start
UPDATERS = 4  # concurrent updates per premade milestone, through both web processes
CREATED = 12  # milestones due today created through the API under load

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the pass's test database exists, nothing held
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...); this is the SQLite one",
    ),
]


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def _reachable() -> tuple[str, str]:
    """The maintenance database URL and the Redis URL, or a skip naming what is missing."""
    import psycopg
    import redis

    admin = _with_path(DATABASE_URL, "/postgres")
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable: {exc}")
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    redis_url = _with_path(base, f"/{REDIS_DB}")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {base}: {exc}")
    return admin, redis_url


def _copy_database(admin: str, template: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        for attempt in range(10):
            try:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                # Connections of this test process's finished threads (this pass's test
                # database is this process's alone): close them.
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [template],
                )
                time.sleep(0.1 * (attempt + 1))
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Cluster:
    env: dict[str, str]
    ports: list[int]
    smtp: SmtpSink
    redis_url: str
    queue: str
    data: dict[str, Any]
    logs: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, name: str, *args: str) -> None:
        command = shutil.which("pactline", path=os.path.dirname(sys.executable))
        argv = [command, *args] if command else [sys.executable, "-m", "pactline.cli", *args]
        env = dict(self.env, PROMETHEUS_MULTIPROC_DIR=str(self.logs / f"metrics-{name}"))
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
        self.procs.append(
            subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.logs.glob("*.log"))
        )

    def sweep_now(self) -> None:
        """Enqueue the reminder sweep as the periodic scheduler would (it does once a minute)."""
        from huey import RedisHuey

        huey = RedisHuey(self.queue, url=self.redis_url)

        def sweep_reminders() -> None:  # the workers run the real task of this name
            raise AssertionError("runs in a worker")

        sweep_reminders.__module__ = "pactline.notifications.tasks"
        huey.task(name="notifications.sweep_reminders")(sweep_reminders)()


@pytest.fixture
def cluster(django_db_blocker, tmp_path: Path) -> Iterator[Cluster]:
    from django.db import connections

    admin, redis_url = _reachable()
    template = connections["default"].settings_dict["NAME"]  # the pass's migrated test database
    with django_db_blocker.unblock():
        connections.close_all()
    name = f"pl_multiproc_{uuid.uuid4().hex[:10]}"
    queue = f"pl-multiproc-{uuid.uuid4().hex[:10]}"
    _copy_database(admin, template, name)
    smtp = SmtpSink()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "HUEY", "PACTLINE_", "REDIS", "EMAIL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="pactline.settings",
        DATABASE_URL=_with_path(DATABASE_URL, f"/{name}"),
        REDIS_URL=redis_url,
        HUEY_NAME=queue,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        PACTLINE_DATA_DIR=str(tmp_path / "data"),
        PACTLINE_BASE_URL="http://testserver",
        HUEY_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    made = subprocess.run(
        [sys.executable, "-m", "tests.ops.multiprocess_app", str(PREMADE)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    try:
        assert made.returncode == 0, made.stderr[-3000:]
        data = json.loads(made.stdout.strip().splitlines()[-1])
        ports = [free_port(), free_port()]
        c = Cluster(env, ports, smtp, redis_url, queue, data, logs)
        for n, port in enumerate(ports):
            c.start(f"web{n}", "web", "--port", str(port), "--workers", "1", "--threads", "8")
        for n in range(2):
            c.start(f"worker{n}", "worker", "--workers", "2")
        try:
            yield c
        finally:
            c.stop()
    finally:
        smtp.stop()
        _drop_database(admin, name)
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"*{queue}*"):
            client.delete(key)


def _wait_until_up(c: Cluster, deadline: float) -> None:
    for port in c.ports:
        last: object = None
        while True:
            try:
                last = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code
                if last == 200:
                    break
            except httpx.HTTPError as exc:
                last = exc
            assert time.monotonic() < deadline, f"web on {port}: {last!r}\n{c.log_tail()}"
            time.sleep(0.2)


def _reminded(c: Cluster) -> Counter[int]:
    """E-mails per milestone, from the links in their text."""
    counts: Counter[int] = Counter()
    for mail in list(c.smtp.mails):
        found = set(re.findall(r"/milestones/(\d+)/", mail.part("plain")))
        for pk in found:
            counts[int(pk)] += 1
    return counts


def test_two_web_processes_and_two_workers_lose_nothing_and_send_once(cluster: Cluster) -> None:
    c = cluster
    started = time.monotonic()
    _wait_until_up(c, started + 120)  # seconds on an idle machine; generous for a busy one
    headers = {"Authorization": f"Bearer {c.data['token']}"}
    # A connection per request: gunicorn closes idle keep-alive connections after 2 s, and a
    # request sent on one just as it closes would fail on the client's side, not the server's.
    fresh = httpx.Limits(max_keepalive_connections=0)
    clients = [
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}/api/v1", headers=headers, timeout=60, limits=fresh
        )
        for port in c.ports
    ]
    premade = {int(pk): version for pk, version in c.data["milestones"].items()}

    def update(job: tuple[int, int]) -> tuple[int, str, int | str, int | None]:
        pk, n = job
        reader, writer = clients[n % 2], clients[(n + 1) % 2]
        marker = f"update {n} of {pk}"
        try:
            version = reader.get(f"/milestones/{pk}").json()["version"]
            body = {"description": marker, "version": version}
            answer = writer.patch(f"/milestones/{pk}", json=body)
        except httpx.HTTPError as exc:
            return pk, marker, repr(exc), None
        got = answer.json().get("version") if answer.status_code == 200 else None
        return pk, marker, answer.status_code, got

    def create(n: int) -> tuple[int | str, int | None]:
        body = {
            "contract_id": c.data["contract_id"],
            "title": f"Created under load {n:03d}",
            "owner_id": c.data["user_id"],
            "due_date": c.data["today"],
        }
        try:
            answer = clients[n % 2].post("/milestones", json=body)
        except httpx.HTTPError as exc:
            return repr(exc), None
        return answer.status_code, answer.json().get("id")

    # Each process answers the contract's list once before the load, and keeps the answer.
    listing = f"/contracts/{c.data['contract_id']}/milestones?limit=100"
    for client in clients:
        assert client.get(listing).status_code == 200
    jobs = [(pk, n) for pk in premade for n in range(UPDATERS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        creations = pool.map(create, range(CREATED))
        updates = list(pool.map(update, jobs))
        creations = list(creations)

    # Nothing failed: every answer is a success or, for a stale version, a 409.
    statuses = Counter(status for _, _, status, _ in updates)
    assert set(statuses) <= {200, 409}, f"{statuses}\n{c.log_tail()}"
    assert statuses[200] >= len(premade), statuses  # each milestone took at least one
    assert {status for status, _ in creations} == {201}, f"{creations}\n{c.log_tail()}"
    # No lost update: the successes of each milestone form one chain of versions, and the
    # final state is the last of them.
    won: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, marker, status, version in updates:
        if status == 200:
            assert version not in won[pk], f"two updates of {pk} made version {version}"
            won[pk][version] = marker
    for pk, first in premade.items():
        final = clients[0].get(f"/milestones/{pk}").json()
        assert final["version"] - first == len(won[pk]), (pk, final["version"], won[pk])
        assert final["description"] == won[pk][max(won[pk])]

    # The list, asked again of each process, shows every change made through either one: a
    # stored answer is keyed on the organisation's revision, which lives in the database.
    for client in clients:
        rows = {row["id"]: row for row in client.get(listing).json()["items"]}
        assert {pk for _, pk in creations} <= set(rows)
        for pk in premade:
            assert rows[pk]["description"] == won[pk][max(won[pk])], pk

    # Reminders: one e-mail per milestone due today, whichever worker sent it.
    expected = set(premade) | {pk for _, pk in creations}
    deadline = time.monotonic() + 90
    while set(_reminded(c)) < expected:
        assert time.monotonic() < deadline, (
            f"missing reminders: {sorted(expected - set(_reminded(c)))}\n{c.log_tail()}"
        )
        c.sweep_now()  # the outbox has set the new milestones' reminder times by now or soon
        time.sleep(1.0)
    for _ in range(2):  # both workers sweep again: nothing more may go out
        c.sweep_now()
    time.sleep(2.0)
    counts = _reminded(c)
    assert {pk: n for pk, n in counts.items() if n != 1} == {}
    assert set(counts) == expected
    for client in clients:
        client.close()
