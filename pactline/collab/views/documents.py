"""Uploading documents and new versions, a document's versions, and the checked download."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.collab import services
from pactline.collab.forms import DocumentForm, VersionForm
from pactline.collab.models import Document, DocumentVersion
from pactline.collab.services.documents import open_version
from pactline.collab.views.common import (
    back_to,
    contract_of,
    document_of,
    milestone_of,
    page_of,
    version_of,
)
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.web.forms import submit
from pactline.web.http import actor_of, portal_view


def _say_problems(request: HttpRequest, form: DocumentForm | VersionForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"The file was not stored: {error}")


def _upload(request: HttpRequest, actor: Actor, contract: Contract, milestone: Milestone | None):  # type: ignore[no-untyped-def]
    may = (
        permissions.can_upload_milestone_document(actor, milestone)
        if milestone is not None
        else permissions.can_upload_contract_document(actor)
    )
    require(may, "You may not add documents here.")
    form = DocumentForm(request.POST, request.FILES)
    if form.validated():
        d = form.cleaned_data
        version = submit(
            form,
            lambda: services.upload_document(
                actor,
                contract,
                d["file"],
                milestone=milestone,
                title=d["title"],
                kind=d["kind"],
                note=d["note"],
            ),
        )
        if version is not None:
            messages.success(request, f"{version.filename} stored.")
    if form.errors:
        _say_problems(request, form)
    return back_to(request, milestone or contract, "documents")


@portal_view
@require_POST
def contract_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return _upload(request, actor, contract_of(actor, pk), None)


@portal_view
@require_POST
def milestone_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = milestone_of(actor, pk)
    return _upload(request, actor, milestone.contract, milestone)


def may_add_version(actor: Actor, document: Document) -> bool:
    if document.milestone_id:
        return permissions.can_upload_milestone_document(actor, document.milestone)
    return permissions.can_upload_contract_document(actor)


@portal_view
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    document = document_of(actor, pk)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(may_add_version(actor, document), "You may not add versions of this document.")
    if request.method == "POST" and form.validated():
        d = form.cleaned_data
        version = submit(
            form,
            lambda: services.upload_document(
                actor, document.contract, d["file"], document=document, note=d["note"]
            ),
        )
        if version is not None:
            messages.success(request, f"Version {version.number} stored.")
            return back_to(request, document.milestone or document.contract, "documents")
    context = {
        "document": document,
        "versions": document.versions.select_related("uploaded_by"),
        "form": form if may_add_version(actor, document) else None,
        "back": page_of(document.milestone or document.contract, "documents"),
    }
    return render(request, "collab/document_detail.html", context, status=form.status)


@portal_view
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, only to someone who sees its document: always an attachment, never rendered
    by the browser (nosniff, and a sandboxing CSP should it be opened anyway)."""
    return attachment(version_of(actor_of(request), pk))


def attachment(version: DocumentVersion) -> FileResponse:
    response = FileResponse(
        open_version(version),
        as_attachment=True,
        filename=version.filename,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
