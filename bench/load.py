"""HTTP load benchmark against the production server (`pactline web`: gunicorn, its default
workers and threads), at several concurrencies, with the SQL queries per request, the server's
memory and the same SQL run directly, so the framework's share shows as a ratio.

    .venv/bin/python bench/load.py --data-dir /tmp/pl-bench-full             # 1M milestones
    .venv/bin/python bench/load.py --contracts 2000 --duration 3             # small, temporary
    .venv/bin/python bench/load.py --data-dir /tmp/pl-bench-full --only none --soak 600

The data directory is the one `bench/dashboard.py --data-dir` generates (it is generated here
when it holds no benchmark organisation). The server runs with PACTLINE_QUERY_COUNT_HEADER=1
so each response says how many SQL queries it ran (`X-Query-Count`). The client is httpx, one
keep-alive client per thread; every thread sends its next request as soon as the previous one
is answered (a closed loop), so at concurrency c there are always c requests in flight.

"CPU ms": the server's CPU time (gunicorn master and workers, psutil) per request answered,
over the measurement.

"direct SQL": the SQL one request runs, captured in this process (Django's test client against
the same database) and replayed through a plain sqlite3 connection, median of 5 (writes inside a
transaction that is rolled back). HTTP median / direct SQL is the framework's overhead ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

ENDPOINTS = (
    "contract_list",
    "contract_list_health",
    "contract_detail",
    "overdue_api",
    "due_range_api",
    "create_milestone",
    "update_due_date",
    "dashboard",
)


@dataclass
class Result:
    endpoint: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    server_cpu_ms: float | None = None  # the server's CPU time per answered request
    stored: float | None = None  # share of the cached lists' answers served again

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


class Target:
    """What one request of each endpoint is, with per-thread state for the writes."""

    def __init__(self, contracts: list[int], seed: list[int], today: date) -> None:
        self.contracts = contracts
        self.seed = seed  # milestones to move before a thread has made its own
        self.today = today
        self.created: dict[int, list[int]] = {}  # thread -> milestone ids it made

    def request(self, endpoint: str, thread: int, n: int) -> tuple[str, str, dict | None]:
        rnd = random.Random(thread * 1_000_003 + n)
        if endpoint == "contract_list":
            return "GET", "/contracts/", None
        if endpoint == "contract_list_health":
            return "GET", "/contracts/?health=due_soon", None
        if endpoint == "contract_detail":
            return "GET", f"/contracts/{rnd.choice(self.contracts)}/", None
        if endpoint == "overdue_api":
            return "GET", "/api/v1/milestones?health=overdue&limit=100", None
        if endpoint == "due_range_api":
            start = self.today + timedelta(days=rnd.randrange(0, 60))
            end = start + timedelta(days=7)
            return "GET", f"/api/v1/milestones?due_after={start}&due_before={end}", None
        if endpoint == "create_milestone":
            due = self.today + timedelta(days=30 + rnd.randrange(0, 300))
            body = {
                "contract_id": rnd.choice(self.contracts),
                "title": "Load",
                "due_date": str(due),
            }
            return "POST", "/api/v1/milestones", body
        if endpoint == "update_due_date":
            mine = self.created.get(thread) or self.seed[thread % len(self.seed) :][:1]
            due = self.today + timedelta(days=30 + rnd.randrange(0, 300))
            body = {"due_date": str(due), "reason": "load test"}
            return "PATCH", f"/api/v1/milestones/{mine[n % len(mine)]}", body
        if endpoint == "dashboard":
            return "GET", "/", None
        raise ValueError(endpoint)


def server_rss(pid: int) -> int:
    """Resident memory of the gunicorn master and its workers, in bytes."""
    import psutil

    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master and its workers."""
    import psutil

    proc = psutil.Process(pid)
    procs = [proc, *proc.children(recursive=True)]
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def answer_counts(base: str) -> dict[str, float]:
    """`pactline_api_answers_total` by source, from the server's /metrics."""
    import httpx

    counts: dict[str, float] = {}
    for line in httpx.get(f"{base}/metrics", timeout=30).text.splitlines():
        if line.startswith("pactline_api_answers_total{"):
            source = line.split('source="', 1)[1].split('"', 1)[0]
            counts[source] = float(line.rsplit(" ", 1)[1])
    return counts


def stored_share(before: dict[str, float], after: dict[str, float]) -> float | None:
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    total = sum(delta.values())
    return delta.get("stored", 0) / total if total else None


def start_server(data_dir: str, port: int, workers: int | None, threads: int | None):
    env = dict(os.environ, PACTLINE_DATA_DIR=data_dir, PACTLINE_QUERY_COUNT_HEADER="1")
    env.setdefault("LOG_LEVEL", "WARNING")
    argv = [str(ROOT / ".venv/bin/pactline"), "web", "--port", str(port)]
    if not Path(argv[0]).exists():
        argv[0] = shutil.which("pactline") or "pactline"
    if workers:
        argv += ["--workers", str(workers)]
    if threads:
        argv += ["--threads", str(threads)]
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not answer /healthz within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def run_load(
    base: str,
    auth: dict[str, dict[str, str]],
    target: Target,
    endpoints: list[str],
    concurrency: int,
    seconds: float,
) -> dict[str, Result]:
    """Closed loop: `concurrency` threads, each sending the next request when answered;
    with several endpoints each thread goes round them in turn."""
    import httpx

    results = {e: Result(e, concurrency) for e in endpoints}
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(thread: int) -> None:
        local = {e: Result(e, concurrency) for e in endpoints}
        cycle = itertools.cycle(endpoints)
        cookies = auth["web"]["cookies"]  # the API requests name their token instead
        with httpx.Client(base_url=base, timeout=120, cookies=cookies) as client:
            n = thread  # spread the threads over the endpoints
            for _ in range(thread % len(endpoints)):
                next(cycle)
            while time.monotonic() < stop:
                endpoint = next(cycle)
                method, path, body = target.request(endpoint, thread, n)
                n += 1
                headers = auth["api"]["headers"] if path.startswith("/api/") else {}
                started = time.perf_counter()
                response = client.request(method, path, json=body, headers=headers)
                elapsed = time.perf_counter() - started
                r = local[endpoint]
                if response.status_code >= 400:
                    r.errors[response.status_code] = r.errors.get(response.status_code, 0) + 1
                    continue
                r.latencies.append(elapsed * 1000)
                r.queries.append(int(response.headers.get("X-Query-Count", -1)))
                if endpoint == "create_milestone":
                    target.created.setdefault(thread, []).append(response.json()["id"])
        with lock:
            for e, r in local.items():
                results[e].latencies += r.latencies
                results[e].queries += r.queries
                for code, count in r.errors.items():
                    results[e].errors[code] = results[e].errors.get(code, 0) + count

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    for r in results.values():
        r.seconds = elapsed
    return results


def direct_sql(db_path: str, statements: list[str], runs: int = 5) -> float:
    """Median milliseconds to run the statements through a plain sqlite3 connection."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    times = []
    try:
        for _ in range(runs + 1):
            started = time.perf_counter()
            conn.execute("BEGIN")
            for sql in statements:
                conn.execute(sql).fetchall()
            conn.execute("ROLLBACK")
            times.append((time.perf_counter() - started) * 1000)
            if times[0] > 2000:  # a slow page: once is enough
                break
    finally:
        conn.close()  # also when a replayed insert collides: no write lock left behind
    return statistics.median(times[1:] or times)  # the first warms the cache


def capture(
    target: Target, endpoint: str, auth: dict[str, dict[str, str]]
) -> tuple[list[str], float]:
    """The SQL statements one request of the endpoint runs (in this process), and the time
    Django's cursor spent running them."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pactline import api_cache

    client = Client(raise_request_exception=True)
    method, path, body = target.request(endpoint, 0, 10**6)
    extra = {}
    if path.startswith("/api/"):
        extra["HTTP_AUTHORIZATION"] = auth["api"]["headers"]["Authorization"]
    else:
        for name, value in auth["web"]["cookies"].items():
            client.cookies[name] = value
    call = getattr(client, method.lower())
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
    call(path, **kwargs, **extra)  # warm-up: lazily loaded things, the token's last use
    api_cache.store().clear()  # what a request runs when its answer is not stored
    with CaptureQueriesContext(connection) as ctx:
        response = call(path, **kwargs, **extra)
    assert response.status_code < 400, (endpoint, response.status_code)
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    queries = [q for q in ctx.captured_queries if not q["sql"].startswith(skip)]
    return [q["sql"] for q in queries], sum(float(q["time"]) for q in queries) * 1000


def credentials() -> tuple[dict[str, dict[str, str]], list[int], list[int]]:
    from django.conf import settings
    from django.test import Client

    from pactline.accounts import services as accounts
    from pactline.accounts.models import Membership
    from pactline.contracts.models import Contract
    from pactline.milestones.models import Milestone

    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation__slug="bench")
        .order_by("pk")
        .first()
    )
    assert membership is not None
    token = accounts.create_token_for_email(
        membership.user.email, membership.organisation.name, f"load {time.time():.0f}"
    )
    client = Client()
    client.force_login(membership.user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    contracts = list(
        Contract.objects.filter(organisation=membership.organisation)
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    seed = list(
        Milestone.objects.filter(contract_id__in=contracts[:64], position=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    auth = {
        "api": {"headers": {"Authorization": f"Bearer {token}"}},
        "web": {"cookies": {settings.SESSION_COOKIE_NAME: cookie}},
    }
    return auth, contracts, seed


HEADER = (
    f"{'endpoint':<18}{'c':>4}{'req/s':>9}{'median ms':>11}{'p95 ms':>9}"
    f"{'queries':>9}{'direct SQL ms':>15}{'ratio':>8}{'CPU ms':>8}{'stored':>8}  errors   "
    "load average"
)


def report(results: list[Result], direct: dict[str, float], load: str) -> None:
    for r in results:
        q = statistics.median(r.queries) if r.queries else float("nan")
        median = r.pct(0.5)
        sql = direct.get(r.endpoint)
        ratio = f"{median / sql:7.1f}x" if sql else "       "
        sql_text = f"{sql:15.1f}" if sql is not None else " " * 15
        cpu = f"{r.server_cpu_ms:8.1f}" if r.server_cpu_ms is not None else " " * 8
        stored = f"{r.stored:8.0%}" if r.stored is not None else " " * 8
        print(
            f"{r.endpoint:<18}{r.concurrency:>4}{r.rps:>9.1f}{median:>11.1f}{r.pct(0.95):>9.1f}"
            f"{q:>9.0f}{sql_text}{ratio}{cpu}{stored}  {r.errors or '-'!s:<8} {load}"
        )
    sys.stdout.flush()


def loadavg() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="benchmark data directory (kept; generated if empty)")
    parser.add_argument("--contracts", type=int, default=2000, help="when generating")
    parser.add_argument("--per", type=int, default=10, help="milestones per contract")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--only", default=",".join(ENDPOINTS), help="endpoints, or none")
    parser.add_argument("--soak", type=float, default=0, help="seconds of the mix at c=8")
    parser.add_argument("--mix", default="", help="the soak's endpoints (default: all)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, help="default: pactline web's own")
    parser.add_argument("--threads", type=int, help="default: pactline web's own")
    parser.add_argument(
        "--together",
        default="",
        help="endpoints measured in one run, with weights: overdue_api*9,update_due_date",
    )
    parser.add_argument(
        "--no-answer-cache",
        action="store_true",
        help="compute every list answer (PACTLINE_ANSWER_CACHE_MB=0 for the server)",
    )
    args = parser.parse_args()
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        run(args, args.data_dir)
    else:
        with tempfile.TemporaryDirectory() as data_dir:
            run(args, data_dir)


def run(args: argparse.Namespace, data_dir: str) -> None:
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    from dashboard import existing_actor, generate, setup

    setup(data_dir)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    if existing_actor() is None:
        started = time.perf_counter()
        generate(args.contracts, args.per)
        print(
            f"generated {args.contracts * args.per:,} milestones in "
            f"{time.perf_counter() - started:.0f} s"
        )
    from django.conf import settings
    from django.db import connection

    from pactline.milestones.models import Milestone

    print(f"{Milestone.objects.count():,} milestones in {data_dir}")
    auth, contracts, seed = credentials()
    endpoints = [e for e in args.only.split(",") if e in ENDPOINTS]
    mix = [e for e in args.mix.split(",") if e in ENDPOINTS]
    target = Target(contracts, seed, date.today())
    direct: dict[str, float] = {}
    db_path = str(settings.DATABASES["default"]["NAME"])
    if connection.vendor == "sqlite":
        for e in endpoints:
            statements, in_cursor = capture(target, e, auth)
            try:
                direct[e] = direct_sql(db_path, statements)
            except sqlite3.IntegrityError:
                # A write replayed collides with the row the capture made (the audit event's
                # sequence number): take the time the statements took in Django's cursor.
                direct[e] = in_cursor
            print(f"direct SQL of {e}: {direct[e]:.1f} ms ({len(statements)} statements)")
            sys.stdout.flush()
    connection.close()
    if args.no_answer_cache:
        os.environ["PACTLINE_ANSWER_CACHE_MB"] = "0"  # the server inherits it
    server = start_server(data_dir, args.port, args.workers, args.threads)
    base = f"http://127.0.0.1:{args.port}"
    try:
        rss = [server_rss(server.pid)]
        print(f"server RSS at start: {rss[0] / 2**20:.0f} MiB")
        # One request of each first: workers import everything, caches warm.
        warm = [e for e in endpoints or mix if e != "update_due_date"]
        if warm:
            run_load(base, auth, target, warm, 2, 2)
        results: list[Result] = []
        print(HEADER)
        for c in [int(x) for x in args.concurrency.split(",") if x]:
            for e in endpoints:
                load = loadavg()
                r = measure(base, auth, target, [e], c, args.duration, server.pid)[e]
                results.append(r)
                report([r], direct, load)
            rss.append(server_rss(server.pid))
            print(f"server RSS after c={c}: {rss[-1] / 2**20:.0f} MiB")
        if args.together:
            # e.g. overdue_api*9,update_due_date: one measurement of reads among writes
            mixed = [
                name
                for part in args.together.split(",")
                for name in [part.split("*")[0]] * int(part.split("*")[1] if "*" in part else 1)
            ]
            load = loadavg()
            for c in [int(x) for x in args.concurrency.split(",") if x] or [8]:
                together = measure(base, auth, target, mixed, c, args.duration, server.pid)
                print(f"together at c={c}: {args.together}")
                report(list(together.values()), direct, load)
        if args.soak:
            soak(base, auth, target, server.pid, args.soak, mix or list(ENDPOINTS))
    finally:
        stop_server(server)


def measure(
    base: str,
    auth: dict,
    target: Target,
    endpoints: list[str],
    concurrency: int,
    seconds: float,
    pid: int,
) -> dict[str, Result]:
    """run_load, with the server's CPU per answered request and the share of stored answers
    (CPU and share over the whole measurement, so alike for endpoints run together)."""
    cpu, answers = server_cpu(pid), answer_counts(base)
    results = run_load(base, auth, target, endpoints, concurrency, seconds)
    used, share = server_cpu(pid) - cpu, stored_share(answers, answer_counts(base))
    answered = sum(len(r.latencies) + sum(r.errors.values()) for r in results.values())
    for name, r in results.items():
        if answered:
            r.server_cpu_ms = used * 1000 / answered
        if name in ("overdue_api", "due_range_api"):
            r.stored = share
    return results


def soak(base: str, auth: dict, target: Target, pid: int, seconds: float, mix: list[str]) -> None:
    """The mix of the endpoints at concurrency 8 for `seconds`, RSS sampled every 30 s."""
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        start = time.monotonic()
        while not done.is_set():
            samples.append((time.monotonic() - start, server_rss(pid)))
            done.wait(30)

    sampler = threading.Thread(target=sample)
    sampler.start()
    load = loadavg()
    try:
        results = run_load(base, auth, target, mix, 8, seconds)
    finally:
        done.set()
        sampler.join()
    samples.append((seconds, server_rss(pid)))
    print(f"soak: {seconds:.0f} s of the mix at c=8 (load at start {load}, end {loadavg()})")
    print(HEADER)
    report(list(results.values()), {}, loadavg())
    mib = [s[1] / 2**20 for s in samples]
    print(
        f"server RSS: start {mib[0]:.0f} MiB, end {mib[-1]:.0f} MiB, max {max(mib):.0f} MiB; "
        "samples: "
        + ", ".join(f"{t:.0f}s={m:.0f}" for (t, _), m in zip(samples, mib, strict=False))
    )


if __name__ == "__main__":
    main()
