"""Real processes for the fault tests: a database the test and its subprocesses share, the
production web server (`pactline web`, gunicorn) started and SIGKILLed, and set-up steps run
in their own process (tests/faults/scenario.py).

On SQLite the database is a file (the migrated test database saved once per session, copied
per test); on PostgreSQL (DATABASE_URL set) it is the test database itself, so the tests run
with transaction=True.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds; a healthy run needs a fraction of it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").split(":")[0] in ("postgres", "postgresql")


def postgres_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def base_env(database_url: str, data_dir: Path) -> dict[str, str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    drop = {"REDIS_URL", "PACTLINE_FAULT_PAUSE", "EMAIL_URL"}
    return {
        **{k: v for k, v in os.environ.items() if k not in drop},
        "DJANGO_SETTINGS_MODULE": "pactline.settings",
        "DATABASE_URL": database_url,
        "PACTLINE_DATA_DIR": str(data_dir),
        "PACTLINE_ALLOW_PRIVATE_WEBHOOKS": "1",
        "PACTLINE_BASE_URL": "http://testserver",
        "LOG_LEVEL": "WARNING",
    }


def migrated_sqlite(directory: Path) -> Path:
    """The session's template: the migrated test database (in memory), copied to a file with
    SQLite's backup API. Call before any test writes to it."""
    import sqlite3

    from django.db import connection

    path = directory / "template.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return path


def fresh_database(template: Path | None, directory: Path) -> str:
    if template is None:
        return postgres_url()
    path = directory / "db.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def run_step(env: dict[str, str], *args: str) -> Any:
    """Run one step of tests/faults/scenario.py in its own process; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.scenario", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise AssertionError(f"scenario {args} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_for(check: Callable[[], bool], what: str, logs: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child stays a zombie until gunicorn reaps it.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(")")[-1].split()[0] != "Z"


class WebServer:
    """`pactline web` (gunicorn) in its own process group; `crash()` SIGKILLs the worker process
    that is inside the faulted request, and the master starts a new one, as after an OOM kill."""

    def __init__(
        self,
        env: dict[str, str],
        fault: str | None = None,
        workers: int = 2,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.env = {**env, **(extra or {})}
        if fault:
            self.env["PACTLINE_FAULT_PAUSE"] = fault
        self.data_dir = Path(env["PACTLINE_DATA_DIR"])
        self.port = free_port()
        self.log = self.data_dir / f"web-{self.port}.log"
        argv = [sys.executable, "-m", "pactline.cli", "web", "--port", str(self.port)]
        argv += ["--workers", str(workers), "--threads", "4"]
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_up(self) -> WebServer:
        wait_for(self._up, "the web server", self.logs)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the web server exited\n{self.logs()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=WAIT,
        )

    def fault_reached(self, point: str) -> Path:
        return self.data_dir / f"fault-{point}.ready"

    def crash(self, point: str) -> None:
        """SIGKILL the process paused at `point` (a gunicorn worker, mid-transaction)."""
        pid = int(self.fault_reached(point).read_text())
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not _alive(pid), f"process {pid} to die", self.logs)

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: nothing gets to clean up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def enqueue(env: dict[str, str], code: str) -> None:
    """Put tasks on the worker's queue, as its periodic scheduler would."""
    script = "import django; django.setup()\nfrom pactline.notifications import tasks\n" + code
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


class Worker:
    """`pactline worker` (Huey, SQLite queue in the data directory), periodic tasks off: the
    test enqueues what the scheduler would."""

    def __init__(self, env: dict[str, str], threads: int = 1) -> None:
        self.log = Path(env["PACTLINE_DATA_DIR"]) / f"worker-{time.monotonic_ns()}.log"
        argv = ["worker", "--workers", str(threads), "--no-periodic"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pactline.cli", *argv],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class EventReceiver:
    """A webhook receiver that is idempotent on the event id, as receivers are asked to be:
    a repeated id is answered 200 and not processed again. `on_new(n)` runs when the n-th new
    event arrives, before the answer (a test kills the sender there)."""

    def __init__(self, on_new: Callable[[int], None] | None = None) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.arrivals: list[int] = []  # every request's event id, in order
        self.processed: list[int] = []  # each event id once, in order of first arrival
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                event_id = int(json.loads(body)["id"])
                with lock:
                    receiver.arrivals.append(event_id)
                    new = event_id not in receiver.processed
                    if new:
                        receiver.processed.append(event_id)
                    count = len(receiver.processed)
                if new and on_new is not None:
                    on_new(count)
                with contextlib.suppress(OSError):
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
