"""Documents of contracts and milestones (multipart uploads), their versions and contents, and
submitting a milestone for acceptance with deliverables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from pactline.accounts import permissions
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    InSchema,
    expected_version,
    get_or_404,
)
from pactline.collab import services
from pactline.collab.models import Document, DocumentKind, DocumentVersion
from pactline.collab.services.documents import require_file
from pactline.collab.views.documents import attachment
from pactline.errors import ValidationFailed
from pactline.milestones.api import lookups
from pactline.milestones.api.schemas import MilestoneOut
from pactline.milestones.models import Milestone

router = Router(tags=["documents"])

UPLOAD = "Send `multipart/form-data` with the file in `file`; size and type limits apply."


class VersionOut(Schema):
    id: int
    number: int
    filename: str
    size: int
    content_type: str
    sha256: str
    note: str
    uploaded_by_id: int | None
    uploaded_label: str
    uploaded_at: datetime


class DocumentOut(Schema):
    id: int
    contract_id: int
    milestone_id: int | None
    title: str
    kind: str
    version_count: int
    created_at: datetime
    updated_at: datetime
    versions: list[VersionOut] = Field(description="newest first")

    @staticmethod
    def resolve_versions(obj: Document) -> list[Any]:
        return list(obj.versions.all())


class DocumentFormIn(InSchema):
    title: str = Field("", max_length=200, description="defaults to the file name")
    kind: DocumentKind = DocumentKind.OTHER
    note: str = Field("", max_length=500)


class VersionFormIn(InSchema):
    note: str = Field("", max_length=500, description="what changed")


class SubmitFormIn(InSchema):
    note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, description="the milestone version you last read")


def _documents(request: HttpRequest) -> QuerySet[Document]:
    docs = permissions.visible_documents(actor_of(request))
    return docs.prefetch_related("versions").order_by("title", "pk")


def _milestone(request: HttpRequest, milestone_id: int) -> Milestone:
    qs = permissions.visible_milestones(actor_of(request)).select_related("contract")
    return get_or_404(qs, milestone_id, "milestone")


def _refuse_unknown_fields(request: HttpRequest, schema: type[InSchema], *files: str) -> None:
    known = set(schema.model_fields) | set(files) | {"csrfmiddlewaretoken"}
    unknown = (set(request.POST) | set(request.FILES)) - known
    if unknown:
        raise ValidationFailed(dict.fromkeys(sorted(unknown), "is not a known field"))


@router.get(
    "/contracts/{contract_id}/documents",
    response={200: list[DocumentOut], **READ_ERRORS},
    url_name="contract-document-list",
    summary="List a contract's own documents (not its milestones')",
)
def list_contract_documents(request: HttpRequest, contract_id: int) -> QuerySet[Document]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    return _documents(request).filter(contract=contract, milestone=None)


@router.post(
    "/contracts/{contract_id}/documents",
    response={201: DocumentOut, **CREATE_ERRORS},
    url_name="contract-document-create",
    summary="Upload a document to a contract (managers and above)",
    description=UPLOAD,
)
def create_contract_document(
    request: HttpRequest,
    contract_id: int,
    fields: Form[DocumentFormIn],
    file: File[UploadedFile] = None,
) -> Status[Document]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    _refuse_unknown_fields(request, DocumentFormIn, "file")
    require_file(file)
    version = services.upload_document(
        actor, contract, file, title=fields.title, kind=fields.kind, note=fields.note
    )
    return Status(201, _documents(request).get(pk=version.document_id))


@router.get(
    "/milestones/{milestone_id}/documents",
    response={200: list[DocumentOut], **READ_ERRORS},
    url_name="milestone-document-list",
    summary="List a milestone's documents",
)
def list_milestone_documents(request: HttpRequest, milestone_id: int) -> QuerySet[Document]:
    return _documents(request).filter(milestone=_milestone(request, milestone_id))


@router.post(
    "/milestones/{milestone_id}/documents",
    response={201: DocumentOut, **CREATE_ERRORS},
    url_name="milestone-document-create",
    summary="Upload a document (a deliverable, a certificate) to a milestone",
    description=UPLOAD,
)
def create_milestone_document(
    request: HttpRequest,
    milestone_id: int,
    fields: Form[DocumentFormIn],
    file: File[UploadedFile] = None,
) -> Status[Document]:
    actor = actor_of(request)
    milestone = _milestone(request, milestone_id)
    _refuse_unknown_fields(request, DocumentFormIn, "file")
    require_file(file)
    version = services.upload_document(
        actor,
        milestone.contract,
        file,
        milestone=milestone,
        title=fields.title,
        kind=fields.kind,
        note=fields.note,
    )
    return Status(201, _documents(request).get(pk=version.document_id))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **READ_ERRORS},
    url_name="document-detail",
    summary="Get a document with its versions",
)
def get_document(request: HttpRequest, document_id: int) -> Document:
    return get_or_404(_documents(request), document_id, "document")


@router.post(
    "/documents/{document_id}/versions",
    response={201: DocumentOut, **CREATE_ERRORS},
    url_name="document-version-create",
    summary="Upload a new version of a document (the old ones stay)",
    description=UPLOAD,
)
def create_version(
    request: HttpRequest,
    document_id: int,
    fields: Form[VersionFormIn],
    file: File[UploadedFile] = None,
) -> Status[Document]:
    actor = actor_of(request)
    document = get_or_404(_documents(request), document_id, "document")
    _refuse_unknown_fields(request, VersionFormIn, "file")
    require_file(file)
    services.upload_document(actor, document.contract, file, document=document, note=fields.note)
    return Status(201, _documents(request).get(pk=document.pk))


@router.get(
    "/document-versions/{version_id}/content",
    response={200: None, **READ_ERRORS},
    url_name="document-version-content",
    summary="Download a version's file (an attachment)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the file",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_version(request: HttpRequest, version_id: int) -> FileResponse:
    versions = DocumentVersion.objects.filter(
        document__in=permissions.visible_documents(actor_of(request))
    )
    return attachment(get_or_404(versions, version_id, "document version"))


@router.post(
    "/milestones/{milestone_id}/submit",
    response={200: MilestoneOut, **WRITE_ERRORS},
    url_name="milestone-submit",
    summary="Submit a milestone for acceptance, with deliverables and a note",
    description="Send `multipart/form-data`: `note`, `version`, and files in `files` "
    "(repeat the field for several). The files become deliverables of the milestone.",
)
def submit_milestone(
    request: HttpRequest,
    milestone_id: int,
    fields: Form[SubmitFormIn],
    files: File[list[UploadedFile]] = None,
) -> Any:
    actor = actor_of(request)
    milestone = _milestone(request, milestone_id)
    _refuse_unknown_fields(request, SubmitFormIn, "files")
    version = expected_version(request, fields.version)
    services.submit_for_acceptance(actor, milestone, fields.note, files or [], version)
    return lookups.milestone_out(actor, milestone.pk)
