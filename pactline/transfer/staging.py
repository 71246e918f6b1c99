"""Uploaded import files, kept between the preview and the commit.

The page (or API client) uploads once; the preview and the commit then read the same stored
bytes, so "Commit" writes exactly the file that was previewed. Files go through Django's default
storage (under the data directory): `imports/<id>/upload` with `imports/<id>/meta.json` (who
uploaded it, in which organisation, with which options) and `imports/<id>/progress.json` (how
far a running preview or commit got, polled by the page). The id is 128 random bits and answers
only to the same user in the same organisation. A staged file is deleted after its commit, and
after a day in any case.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.errors import Forbidden, NotFound, ValidationFailed
from pactline.transfer.importing import (
    CommitResult,
    ImportOptions,
    ImportProblems,
    Preview,
    commit_import,
    plan_import,
)
from pactline.transfer.importing.types import DATE_ORDERS, FORMATS
from pactline.transfer.limits import limit

ROOT = "imports"
KEEP = timedelta(days=1)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
PROGRESS_EVERY = 0.25  # seconds between progress writes
# What a staged upload remembers of the options (the commit adds override_conflicts).
KEPT_OPTIONS = (
    "format",
    "sheet",
    "date_order",
    "encoding",
    "delimiter",
    "mapping",
    "mapping_name",
    "contract_number",
    "contract_title",
    "all_tasks",
)


@dataclass
class StagedImport:
    id: str
    user_id: int
    organisation_id: int
    filename: str
    size: int
    created_at: datetime
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def expires_at(self) -> datetime:
        return self.created_at + KEEP

    def import_options(self, override_conflicts: bool = False) -> ImportOptions:
        return ImportOptions(
            filename=self.filename, override_conflicts=override_conflicts, **self.options
        )


def _name(upload_id: str, part: str) -> str:
    return f"{ROOT}/{upload_id}/{part}"


def _kept(options: ImportOptions) -> dict[str, Any]:
    data = asdict(options)
    return {k: data[k] for k in KEPT_OPTIONS}


def _write_meta(staged: StagedImport) -> None:
    data = asdict(staged)
    data["created_at"] = staged.created_at.isoformat()
    name = _name(staged.id, "meta.json")
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(data).encode()))


def _read_meta(upload_id: str) -> StagedImport | None:
    try:
        with default_storage.open(_name(upload_id, "meta.json"), "rb") as handle:
            data = json.loads(handle.read())
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        known = {f.name for f in fields(StagedImport)}
        return StagedImport(**{k: v for k, v in data.items() if k in known})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check_options(options: ImportOptions) -> None:
    if options.date_order not in DATE_ORDERS:
        raise ValidationFailed.one("date_order", f"must be one of {', '.join(DATE_ORDERS)}")
    if options.format not in FORMATS:
        raise ValidationFailed.one("format", f"must be one of {', '.join(FORMATS)}")


def stage(actor: Actor, upload: File, filename: str, options: ImportOptions) -> StagedImport:
    """Keep an uploaded file for its preview and commit (managers and above import)."""
    require(permissions.can_manage_contracts(actor), "only managers and above import")
    if actor.user_id is None:
        raise ValidationFailed.one("file", "imports belong to a person")
    check_options(options)
    size = upload.size or 0
    if size == 0:
        raise ValidationFailed.one("file", "is empty")
    maximum = limit("PACTLINE_IMPORT_MAX_BYTES")
    if size > maximum:
        raise ValidationFailed.one("file", f"is {size:,} bytes; the limit is {maximum:,}")
    purge_expired()
    staged = StagedImport(
        id=secrets.token_urlsafe(16),
        user_id=actor.user_id,
        organisation_id=actor.organisation.pk,
        filename=PurePosixPath(filename.replace("\\", "/")).name[:200] or "upload",
        size=size,
        created_at=timezone.now(),
        options=_kept(options),
    )
    upload.seek(0)
    default_storage.save(_name(staged.id, "upload"), upload)
    _write_meta(staged)
    return staged


def find(actor: Actor, upload_id: str) -> StagedImport:
    """The actor's own staged upload.

    Unknown, expired, or of another organisation: NotFound. Another member's: Forbidden (only
    the uploader previews and commits a file, which the random id already keeps private).
    """
    staged = _read_meta(upload_id) if ID_PATTERN.match(upload_id or "") else None
    if staged is None or staged.organisation_id != actor.organisation.pk:
        raise NotFound("no such import: it was committed, expired after a day, or never existed")
    if staged.user_id != actor.user_id:
        raise Forbidden("only the person who uploaded this file can preview or commit it")
    if timezone.now() >= staged.expires_at:
        discard(staged.id)
        raise NotFound("this upload expired after a day; upload the file again")
    return staged


def change_options(staged: StagedImport, options: ImportOptions) -> StagedImport:
    """Remember new options (a corrected mapping, another sheet or date order)."""
    check_options(options)
    staged.options = _kept(options)
    _write_meta(staged)
    return staged


@contextmanager
def opened(staged: StagedImport) -> Iterator[File]:
    try:
        handle = default_storage.open(_name(staged.id, "upload"), "rb")
    except OSError:
        raise NotFound("the uploaded file is gone; upload it again") from None
    try:
        yield handle
    finally:
        handle.close()


def discard(upload_id: str) -> None:
    """Delete a staged upload and everything kept with it."""
    folder = f"{ROOT}/{upload_id}"
    try:
        _, files = default_storage.listdir(folder)
    except OSError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    with suppress(OSError):
        default_storage.delete(folder)  # the file system storage removes the empty folder


def purge_expired(now: datetime | None = None) -> int:
    """Delete staged uploads older than a day (and broken ones); how many were deleted."""
    now = now or timezone.now()
    try:
        folders, _ = default_storage.listdir(ROOT)
    except OSError:
        return 0
    purged = 0
    for upload_id in folders:
        staged = _read_meta(upload_id)
        created = staged.created_at if staged else _modified(upload_id)
        if created is None or now - created >= KEEP:
            discard(upload_id)
            purged += 1
    return purged


def _modified(upload_id: str) -> datetime | None:
    """When a folder without readable metadata was written (it may be mid-upload)."""
    try:
        _, files = default_storage.listdir(f"{ROOT}/{upload_id}")
        times = [default_storage.get_modified_time(f"{ROOT}/{upload_id}/{f}") for f in files]
    except (OSError, NotImplementedError):
        return None
    return max(times) if times else None


# --- progress ---------------------------------------------------------------------------------


class Progress:
    """Writes how far a preview or commit got, at most a few times a second."""

    def __init__(self, upload_id: str, stage: str, total: int | None = None) -> None:
        self.name = _name(upload_id, "progress.json")
        self.last = 0.0
        self.begin(stage, total)

    def begin(self, stage: str, total: int | None = None) -> None:
        self.stage, self.total = stage, total
        self.write(0, force=True)

    def __call__(self, done: int) -> None:
        self.write(done)

    def write(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        data = {"stage": self.stage, "done": done, "total": self.total}
        try:
            # Overwritten in place (a reader may catch it half-written and try again later).
            with default_storage.open(self.name, "wb") as handle:
                handle.write(json.dumps(data).encode())
        except OSError:
            pass  # progress is a courtesy; the work goes on

    def done(self) -> None:
        if default_storage.exists(self.name):
            default_storage.delete(self.name)


def progress_of(staged: StagedImport) -> dict[str, Any] | None:
    """{"stage": "reading"|"checking"|"writing", "done": n, "total": n or None}, or None."""
    try:
        with default_storage.open(_name(staged.id, "progress.json"), "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --- preview and commit -----------------------------------------------------------------------


def preview(actor: Actor, staged: StagedImport, override_conflicts: bool = False) -> Preview:
    """The dry run of the staged file with its current options."""
    progress = Progress(staged.id, "reading")
    try:
        with opened(staged) as handle:
            return plan_import(actor, handle, staged.import_options(override_conflicts), progress)
    finally:
        progress.done()


class CommitRefused(ImportProblems):
    """A refused commit, with the preview it planned (to tell problems from conflicts)."""

    def __init__(self, cause: ImportProblems, preview: Preview) -> None:
        super().__init__(cause.message, cause.problems)
        self.preview = preview

    @property
    def unresolved_conflicts(self) -> bool:
        """Refused for conflicts alone (the file is fine, the override was not given)."""
        p = self.preview
        return p.ok and bool(p.conflicts) and not p.options.override_conflicts


def commit(
    actor: Actor,
    staged: StagedImport,
    fingerprint: str | None,
    override_conflicts: bool = False,
) -> CommitResult:
    """Plan the staged file again and write it, if it still does what the preview showed.

    Raises Conflict when the database changed since the preview (the fingerprint differs),
    ImportProblems when the file has problems or unresolved conflicts; nothing is written then.
    The staged file is deleted after a successful commit.
    """
    progress = Progress(staged.id, "checking")
    try:
        with opened(staged) as handle:
            planned = plan_import(
                actor, handle, staged.import_options(override_conflicts), progress
            )
        progress.begin("writing", len(planned.contracts) + len(planned.milestones))
        result = commit_import(
            actor, planned, progress=progress, expect_fingerprint=fingerprint or None
        )
    except ImportProblems as exc:
        raise CommitRefused(exc, planned) from exc
    finally:
        progress.done()
    discard(staged.id)
    return result
