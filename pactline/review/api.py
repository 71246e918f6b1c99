"""REST API of the extraction review: read a contract's text, then accept or reject each
proposal. Handlers call `review.services`; they never write models."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticError

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.api_auth import actor_of
from pactline.api_common import Page, PageParams, error_responses, get_or_404, paginate
from pactline.errors import ValidationFailed
from pactline.review import services
from pactline.review.models import Proposal
from pactline.review.queries import can_review, contract_runs, visible_proposals, visible_runs
from pactline.review.schemas import (
    AcceptIn,
    ExtractFormIn,
    ExtractionOut,
    ExtractionSummaryOut,
    ExtractJsonIn,
    ProposalOut,
    RejectIn,
    extraction_out,
    proposal_out,
    who,
)

extractions = Router(tags=["key dates from the contract text"])

UPLOAD_ERRORS = error_responses(401, 403, 404, 413, 422)
READ_ERRORS = error_responses(401, 403, 404, 422)
DECIDE_ERRORS = error_responses(401, 403, 404, 409, 422)
MANAGERS_ONLY = "only managers and above read key dates from a contract's text"


# --- reading ----------------------------------------------------------------------------------


def _json_text(request: HttpRequest) -> str:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ValidationFailed.one("body", "is not valid JSON") from None
    try:
        return ExtractJsonIn.model_validate(data).text
    except PydanticError as exc:
        errors = [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors()]
        raise ValidationError(errors) from None


@extractions.post(
    "/contracts/{contract_id}/extractions",
    response={201: ExtractionOut, **UPLOAD_ERRORS},
    url_name="contract-extraction-create",
    summary="Read key dates from the contract's text",
    description=(
        "Send the contract as `multipart/form-data` (field `file`: TXT, DOCX, or PDF with a "
        'text layer; or field `text`), or as JSON `{"text": "..."}`. The answer lists the '
        "proposals, each with its quote and offsets; nothing changes until one is accepted. "
        "A scanned PDF without a text layer is a 422 on `file`. Managers and above."
    ),
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": ExtractJsonIn.model_json_schema()}}
        }
    },
)
def create_extraction(
    request: HttpRequest,
    contract_id: int,
    form: Form[ExtractFormIn],
    file: File[UploadedFile] = None,
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    require(can_review(actor), MANAGERS_ONLY)
    if request.content_type == "application/json":
        run = services.run_extraction(actor, contract, text=_json_text(request))
    else:
        unknown = set(request.POST) - {"text", "csrfmiddlewaretoken"}
        if unknown:
            raise ValidationFailed(dict.fromkeys(sorted(unknown), "is not a known field"))
        run = services.run_extraction(actor, contract, file=file, text=form.text)
    return Status(201, extraction_out(run))


@extractions.get(
    "/contracts/{contract_id}/extractions",
    response={200: Page[ExtractionSummaryOut], **READ_ERRORS},
    url_name="contract-extraction-list",
    summary="List the readings of a contract's text, newest first",
)
def list_extractions(
    request: HttpRequest, contract_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    require(can_review(actor), MANAGERS_ONLY)
    runs = (
        contract_runs(actor, contract.pk)
        .select_related("created_by")
        .annotate(
            total=Count("proposals"),
            still_open=Count("proposals", filter=Q(proposals__status="proposed")),
        )
        .defer("text")
    )
    found = paginate(runs, page)
    found["items"] = [
        {
            "id": r.pk,
            "contract_id": r.contract_id,
            "filename": r.filename,
            "created_by": who(r),
            "created_at": r.created_at,
            "proposals": r.total,
            "open": r.still_open,
        }
        for r in found["items"]
    ]
    return found


@extractions.get(
    "/extractions/{extraction_id}",
    response={200: ExtractionOut, **READ_ERRORS},
    url_name="extraction-detail",
    summary="Get a reading: its text and proposals",
)
def get_extraction(request: HttpRequest, extraction_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    run = get_or_404(visible_runs(actor).select_related("created_by"), extraction_id, "extraction")
    require(can_review(actor), MANAGERS_ONLY)
    return extraction_out(run)


# --- decisions --------------------------------------------------------------------------------


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    actor = actor_of(request)
    proposal = get_or_404(visible_proposals(actor), proposal_id, "proposal")
    require(can_review(actor), MANAGERS_ONLY)
    return proposal


def _decided(p: Proposal) -> dict[str, Any]:
    return proposal_out(Proposal.objects.select_related("decided_by").get(pk=p.pk))


@extractions.post(
    "/proposals/{proposal_id}/accept",
    response={200: ProposalOut, **DECIDE_ERRORS},
    url_name="proposal-accept",
    summary="Accept a proposal, as proposed or with a corrected value",
    description=(
        "Applies it through the contracts and milestones services: agreement, effective and "
        "expiration dates set the contract's signature, start and end dates; the notice period "
        "its notice days; the notice deadline and obligations become milestones (relative "
        "terms as rules). A redacted or unstated value needs `value`. A decided proposal "
        "answers 409."
    ),
)
def accept_proposal(request: HttpRequest, proposal_id: int, payload: AcceptIn) -> dict[str, Any]:
    proposal = _proposal(request, proposal_id)
    return _decided(services.accept(actor_of(request), proposal, payload.value))


@extractions.post(
    "/proposals/{proposal_id}/reject",
    response={200: ProposalOut, **DECIDE_ERRORS},
    url_name="proposal-reject",
    summary="Reject a proposal",
)
def reject_proposal(request: HttpRequest, proposal_id: int, payload: RejectIn) -> dict[str, Any]:
    proposal = _proposal(request, proposal_id)
    return _decided(services.reject(actor_of(request), proposal, payload.reason))
