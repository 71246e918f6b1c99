"""The production web server (`pactline web`, gunicorn) loses the process serving a write to
SIGKILL in the middle of it: the database then holds none of the change, the audit chain still
verifies, and the same request sent again (to the worker gunicorn starts in its place) writes
all of it. The fault hook (pactline/faults.py) stops the request at a named point inside its
transaction, so the kill lands there every time."""

from __future__ import annotations

import base64
import contextlib
import threading
from typing import Any

import httpx
import pytest

from tests.faults.live import run_step, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def in_background(send: Any) -> threading.Thread:
    """Send a request that will never be answered (its server dies)."""

    def run() -> None:
        with contextlib.suppress(httpx.TransportError):
            send()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def assert_chain_intact(state: dict[str, Any]) -> None:
    assert state["chain_broken_at"] is None
    assert state["head_problem"] is None


def crash_at(server: Any, point: str, send: Any) -> None:
    thread = in_background(send)
    wait_for(server.fault_reached(point).exists, f"the request to reach {point}", server.logs)
    server.crash(point)
    thread.join(timeout=10)


def test_killed_during_an_import_commit_writes_nothing_then_all(env, web) -> None:
    server = web(fault="import.commit", wait=False)
    seeded = run_step(env, "seed-org")
    api = server.wait_up().client(seeded["token"])
    rows = "".join(f"IMP-1,Imported,Delivery {i},2027-06-{i + 1:02d}\r\n" for i in range(20))
    csv = ("Contract number,Contract title,Milestone,Due date\r\n" + rows).encode()
    body = {"filename": "plan.csv", "content_base64": base64.b64encode(csv).decode()}
    before = seeded["state"]
    upload = api.post("/imports", json=body)
    assert upload.status_code == 201, upload.text
    commit = f"/imports/{upload.json()['id']}/commit"

    crash_at(server, "import.commit", lambda: api.post(commit, json={}))

    after_kill = run_step(env, "state")
    # The new contract was written before the kill, inside the transaction: it is gone too.
    assert (after_kill["contracts"], after_kill["milestones"]) == (1, 8)
    assert after_kill["events"] == before["events"]
    assert after_kill["due"] == before["due"]
    assert_chain_intact(after_kill)

    done = api.post(commit, json={})  # the staged file is still there: commit it again
    assert done.status_code == 200, done.text
    assert done.json()["created"]["milestones"] == 20
    after = run_step(env, "state")
    assert (after["contracts"], after["milestones"]) == (2, 28)
    assert after["verbs"].count("imported") == 1
    assert after["events"] == before["events"] + 1 + 20 + 1  # contract, milestones, import
    assert_chain_intact(after)


def test_killed_during_a_cascade_moves_no_date_then_every_date(env, web) -> None:
    server = web(fault="cascade.write", wait=False)
    seeded = run_step(env, "seed-chain", "30")
    api = server.wait_up().client(seeded["token"])
    head, ids, before = seeded["ids"][0], seeded["ids"], seeded["state"]
    change = {"due_date": "2027-03-11", "reason": "client is late", "version": 1}

    crash_at(server, "cascade.write", lambda: api.patch(f"/milestones/{head}", json=change))

    after_kill = run_step(env, "state")
    # The head's own row and event were written before the kill: neither survived it.
    assert after_kill["due"] == before["due"]
    assert after_kill["version"] == before["version"]
    assert after_kill["events"] == before["events"]
    assert_chain_intact(after_kill)

    moved = api.patch(f"/milestones/{head}", json=change)
    assert moved.status_code == 200, moved.text
    after = run_step(env, "state")
    shifted = {
        pk: after["due"][str(pk)] for pk in ids if after["due"][str(pk)] != before["due"][str(pk)]
    }
    assert set(shifted) == set(ids)  # the whole chain moved, ten days each
    assert after["due"][str(ids[-1])] == "2027-04-09"
    assert after["events"] == before["events"] + len(ids)  # one "rescheduled" per milestone
    assert_chain_intact(after)
