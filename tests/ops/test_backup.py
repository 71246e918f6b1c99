"""Back up, destroy, restore: every row and every document file comes back."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the SQLite pass runs these, against both SQLite and PostgreSQL",
)
ROOT = Path(__file__).resolve().parents[2]
PACTLINE = [sys.executable, "-m", "pactline.cli"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PACTLINE, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def snapshot(env: dict[str, str]) -> str:
    """Every row of every table, as Django's dumpdata sees it."""
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','pactline.settings');"
        "django.setup();from django.core.management import call_command;"
        "call_command('dumpdata','--natural-foreign','--indent','1',"
        "exclude=['contenttypes','auth.permission','sessions'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return out.stdout


def files(media: Path) -> dict[str, str]:
    return {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }


def round_trip(env: dict[str, str], data_dir: Path, destroy) -> None:
    assert run(env, "migrate").returncode == 0
    assert run(env, "demo").returncode == 0
    media = data_dir / "media" / "documents"
    media.mkdir(parents=True, exist_ok=True)
    (media / "contract.pdf").write_bytes(b"%PDF-1.4 signed contract\n")
    (media / "nested").mkdir(exist_ok=True)
    (media / "nested" / "certificate.txt").write_text("insurance certificate 2027")
    before_rows, before_files = snapshot(env), files(data_dir / "media")
    archive = data_dir / "backup.tar.gz"
    done = run(env, "backup", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    assert "2 documents" in done.stdout

    destroy()
    for path in (data_dir / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert run(env, "restore", str(archive)).returncode == 1  # needs --yes
    restored = run(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert snapshot(env) == before_rows
    assert files(data_dir / "media") == before_files
    verify = run(env, "audit", "verify")
    assert verify.returncode == 0 and "chain intact" in verify.stdout


def test_sqlite_backup_destroy_restore(tmp_path: Path) -> None:
    env = {**os.environ, "PACTLINE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    def destroy() -> None:
        db = tmp_path / "pactline.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        assert run(env, "migrate").returncode == 0  # an empty database, as after a disk loss

    round_trip(env, tmp_path, destroy)


def test_postgresql_backup_destroy_restore(tmp_path: Path) -> None:
    name = f"pactline_backup_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    env = {
        **os.environ,
        "PACTLINE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
    }

    def destroy() -> None:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}", autocommit=True) as c:
            c.execute("DROP SCHEMA public CASCADE")
            c.execute("CREATE SCHEMA public")

    try:
        round_trip(env, tmp_path, destroy)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_tampered_archive_is_refused(tmp_path: Path) -> None:
    import tarfile

    env = {**os.environ, "PACTLINE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    assert run(env, "migrate").returncode == 0
    archive = tmp_path / "b.tar.gz"
    assert run(env, "backup", "-o", str(archive)).returncode == 0
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "database.sqlite3":
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    result = run(env, "restore", str(bad), "--yes")
    assert result.returncode == 1
    assert "does not match its checksum" in result.stderr
