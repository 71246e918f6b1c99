"""Concurrent writers: several processes writing through the services at once all land (no
"database is locked" on SQLite: WAL, IMMEDIATE transactions, busy timeout), and parallel edits
of one milestone over HTTP either succeed or get 409, never overwrite each other silently."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections import Counter

import pytest

from tests.faults.live import ROOT, WAIT, on_postgres, run_step

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS, WRITES = 4, 50


def test_concurrent_writer_processes_all_land(env) -> None:
    seeded = run_step(env, "seed-org")
    before, targets = seeded["state"], seeded["ids"][:WRITERS]
    step = [sys.executable, "-m", "tests.faults.scenario", "write-many"]
    writers = [
        subprocess.Popen(
            [*step, str(pk), str(WRITES), f"w{n}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, pk in enumerate(targets)
    ]
    outputs = [w.communicate(timeout=WAIT * 2) for w in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert "database is locked" not in err
        assert writer.returncode == 0, err[-3000:]
    after = run_step(env, "state")
    for n, pk in enumerate(targets):
        assert after["description"][str(pk)].split() == [f"w{n}-{i}" for i in range(WRITES)]
        assert after["version"][str(pk)] == 1 + WRITES
    assert after["events"] == before["events"] + WRITERS * WRITES
    assert after["chain_broken_at"] is None and after["head_problem"] is None


def test_parallel_edits_of_one_milestone_lose_nothing(env, web) -> None:
    server = web(wait=False)
    seeded = run_step(env, "seed-org")
    server.wait_up()
    target = f"/milestones/{seeded['ids'][0]}"
    threads, each = 6, 4
    outcomes: Counter[int] = Counter()
    landed: list[str] = []
    lock = threading.Lock()

    def editor(n: int) -> None:
        with server.client(seeded["token"]) as api:
            k = 0
            while k < each:
                current = api.get(target).json()
                token = f"t{n}-{k}"
                answer = api.patch(
                    target,
                    json={
                        "description": f"{current['description']} {token}".strip(),
                        "version": current["version"],
                    },
                )
                with lock:
                    outcomes[answer.status_code] += 1
                    if answer.status_code == 200:
                        landed.append(token)
                        k += 1

    workers = [threading.Thread(target=editor, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=WAIT)
    assert set(outcomes) <= {200, 409}, outcomes  # nothing else: no 5xx, no "locked"
    assert outcomes[200] == threads * each
    after = run_step(env, "state")
    final = after["description"][str(seeded["ids"][0])].split()
    assert sorted(final) == sorted(landed)  # every successful edit is there, once
    assert after["version"][str(seeded["ids"][0])] == 1 + threads * each
    assert after["chain_broken_at"] is None


@pytest.mark.skipif(on_postgres(), reason="SQLite's file lock")
def test_a_database_locked_too_long_answers_503_and_changes_nothing(env, web) -> None:
    server = web(wait=False, extra={"PACTLINE_SQLITE_BUSY_SECONDS": "0.5"})
    seeded = run_step(env, "seed-org")
    api = server.wait_up().client(seeded["token"])
    target = f"/milestones/{seeded['ids'][2]}"
    holder = sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=5)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the busy timeout
    try:
        busy = api.patch(target, json={"description": "first try", "version": 1})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 503, busy.text
    assert busy.headers["Retry-After"] == "2" and "Try again" in busy.json()["detail"]
    again = api.patch(target, json={"description": "first try", "version": 1})
    assert again.status_code == 200, again.text  # the refused attempt left nothing behind
    assert again.json()["version"] == 2
