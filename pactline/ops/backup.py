"""Consistent online backups: the database plus stored documents in one archive.

SQLite is copied with its online backup API (a consistent snapshot while the app runs);
PostgreSQL with pg_dump (a consistent snapshot by MVCC). Documents are the files under the
storage directory (MEDIA_ROOT). The archive is a .tar.gz with a manifest naming the engine,
the schema's latest migrations and a SHA-256 per file, which restore checks before it touches
anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.sql"


class BackupError(Exception):
    pass


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else connection.vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432)]
    args += ["-U", db.get("USER") or "postgres"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _dump_database(target: Path) -> str:
    if _engine() == "sqlite":
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        dest = sqlite3.connect(target / SQLITE_NAME)
        with dest:
            source.backup(dest)
        dest.close()
        source.close()
        return SQLITE_NAME
    if _engine() != "postgresql":
        raise BackupError(f"backups support SQLite and PostgreSQL, not {_engine()}")
    args, env = _pg_env()
    name = settings.DATABASES["default"]["NAME"]
    out = target / PG_NAME
    result = subprocess.run(  # fixed program; arguments from settings
        [
            "pg_dump",
            *args,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "-f",
            str(out),
            name,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return PG_NAME


def _latest_migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app")
        return dict(cursor.fetchall())


def create_backup(archive: Path) -> dict[str, object]:
    """Write a backup archive; returns its manifest."""
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        database = _dump_database(work)
        files = {}
        if media.exists():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                files[str(path.relative_to(media))] = _sha256(path)
        manifest = {
            "format": 1,
            "created_at": datetime.now(tz=UTC).isoformat(),
            "engine": _engine(),
            "database": database,
            "database_sha256": _sha256(work / database),
            "migrations": _latest_migrations(),
            "files": files,
        }
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / database, arcname=database)
            for name in files:
                tar.add(media / name, arcname=f"files/{name}")
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe entry in archive: {member.name}")
        members.append(member)
    return members


def restore_backup(archive: Path) -> dict[str, object]:
    """Replace the database and documents with the archive's; checks every hash first."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, members=_safe_members(tar), filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"cannot read {archive}: {exc}") from None
        manifest = json.loads((work / MANIFEST).read_text())
        if manifest.get("engine") != _engine():
            raise BackupError(
                f"the backup is of a {manifest.get('engine')} database, this is {_engine()}"
            )
        database = work / manifest["database"]
        if _sha256(database) != manifest["database_sha256"]:
            raise BackupError("the database dump does not match its checksum")
        for name, digest in manifest["files"].items():
            if _sha256(work / "files" / name) != digest:
                raise BackupError(f"document {name} does not match its checksum")
        _restore_database(database)
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (work / "files").exists():
            shutil.copytree(work / "files", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    return manifest


def _restore_database(dump: Path) -> None:
    if _engine() == "sqlite":
        connections.close_all()
        source = sqlite3.connect(dump)
        dest = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        with dest:
            source.backup(dest)
        dest.close()
        source.close()
        return
    connections.close_all()
    args, env = _pg_env()
    name = settings.DATABASES["default"]["NAME"]
    result = subprocess.run(  # fixed program; arguments from settings
        ["psql", *args, "-v", "ON_ERROR_STOP=1", "-q", "-d", name, "-f", str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"psql restore failed: {result.stderr.strip()[:500]}")
