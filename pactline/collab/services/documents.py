"""Documents of contracts and milestones. A file is checked (name, type, content, size), stored
through Django's storage API under a random name, and recorded as a new DocumentVersion; a new
upload to an existing document adds a version and keeps the old ones."""

from __future__ import annotations

import hashlib
import uuid
from typing import IO, Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.collab.models import Document, DocumentKind, DocumentVersion
from pactline.collab.uploads import check_upload
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone
from pactline.validation import Errors, check_text


class Upload(Protocol):
    """What Django's UploadedFile offers, and what tests and the API pass."""

    name: str | None
    size: int | None
    content_type: str | None
    file: IO[bytes]


def document_storage() -> Storage:
    return storages[settings.PACTLINE_DOCUMENT_STORAGE]


def _digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    sha = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        sha.update(chunk)
    stream.seek(0)
    return sha.hexdigest()


def _check_may_upload(actor: Actor, milestone: Milestone | None) -> None:
    if milestone is not None:
        require(
            permissions.can_upload_milestone_document(actor, milestone),
            "you may not add documents to this milestone",
        )
    else:
        require(
            permissions.can_upload_contract_document(actor),
            "only managers and above add documents to a contract",
        )


def _new_document(
    actor: Actor, contract: Contract, milestone: Milestone | None, title: str, kind: str
) -> Document:
    errors = Errors()
    check_text(errors, "title", title, 200)
    if kind not in DocumentKind.values:
        errors.add("kind", f"must be one of {', '.join(DocumentKind.values)}")
    errors.raise_if_any()
    return Document.objects.create(
        organisation=actor.organisation,
        contract=contract,
        milestone=milestone,
        title=title.strip(),
        kind=kind,
    )


@transaction.atomic
def upload_document(
    actor: Actor,
    contract: Contract,
    upload: Upload,
    *,
    milestone: Milestone | None = None,
    document: Document | None = None,
    title: str = "",
    kind: str = DocumentKind.OTHER,
    note: str = "",
) -> DocumentVersion:
    """Store `upload` as a new document, or as the next version of `document`."""
    if document is not None:
        milestone = document.milestone
        contract = document.contract
    _check_may_upload(actor, milestone)
    errors = Errors()
    check_text(errors, "note", note, 500)
    errors.raise_if_any()
    checked = check_upload(
        upload.name or "", upload.content_type or "", upload.size or 0, upload.file
    )
    if document is None:
        document = _new_document(actor, contract, milestone, title or checked.filename, kind)
    document = Document.objects.select_for_update().get(pk=document.pk)
    number = document.version_count + 1
    storage = document_storage()
    name = storage.save(
        f"documents/{actor.organisation.pk}/{uuid.uuid4().hex}", File(upload.file, name="upload")
    )
    try:
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            filename=checked.filename,
            storage_name=name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=_digest(upload.file),
            note=note.strip(),
            uploaded_by=actor.user,
            uploaded_label=actor.name,
        )
        document.version_count = number
        document.updated_at = timezone.now()
        document.save(update_fields=["version_count", "updated_at"])
        _record_upload(actor, document, version)
    except Exception:
        storage.delete(name)  # the row was not written: do not keep an orphan file
        raise
    return version


def _record_upload(actor: Actor, document: Document, version: DocumentVersion) -> None:
    where = f"milestone {document.milestone}" if document.milestone_id else "the contract"
    record(
        actor,
        "document_uploaded",
        document,
        contract_id=document.contract_id,
        summary=f"{actor.name} uploaded {version.filename} (version {version.number}) to {where}",
        changes={
            "filename": {"before": None, "after": version.filename},
            "version": {"before": version.number - 1 or None, "after": version.number},
            "size": {"before": None, "after": version.size},
            "sha256": {"before": None, "after": version.sha256},
            "milestone_id": {"before": None, "after": document.milestone_id},
        },
    )


def open_version(version: DocumentVersion) -> IO[bytes]:
    return document_storage().open(version.storage_name, "rb")


def require_file(upload: object) -> None:
    if upload is None:
        raise ValidationFailed.one("file", "is required")
