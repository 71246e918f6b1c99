"""Fixtures of the fault tests: a database shared with real subprocesses, and servers that are
always stopped at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.live import WebServer, base_env, fresh_database, migrated_sqlite, on_postgres


@pytest.fixture(scope="session")
def sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Path | None:
    """On SQLite, a file copy of the freshly migrated test database (no second migrate)."""
    if on_postgres():
        return None
    with django_db_blocker.unblock():
        return migrated_sqlite(tmp_path_factory.mktemp("faults-template"))


@pytest.fixture
def env(sqlite_template: Path | None, tmp_path: Path, transactional_db: Any) -> dict[str, str]:
    """The environment of every subprocess of the test: its own database and data directory."""
    return base_env(fresh_database(sqlite_template, tmp_path), tmp_path / "data")


@pytest.fixture
def web(env: dict[str, str]) -> Iterator[Callable[..., WebServer]]:
    started: list[WebServer] = []

    def start(
        fault: str | None = None,
        workers: int = 2,
        wait: bool = True,
        extra: dict[str, str] | None = None,
    ) -> WebServer:
        """Start `pactline web`; with wait=False the caller sets data up meanwhile, then
        calls `wait_up()`. `extra`: more environment for the server."""
        server = WebServer(env, fault=fault, workers=workers, extra=extra)
        started.append(server)
        return server.wait_up() if wait else server

    yield start
    for server in started:
        server.stop()
