"""Schemas of the extraction review API, and the plain dicts its answers are built from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from pactline.api_common import InSchema
from pactline.review.models import MAX_TEXT_CHARS, ExtractionRun, Proposal


class ExtractFormIn(InSchema):
    """Multipart form fields besides `file`."""

    text: str | None = Field(None, description="the contract's text, instead of a file")


class ExtractJsonIn(InSchema):
    text: str = Field(max_length=MAX_TEXT_CHARS, description="the contract's plain text")


class AcceptIn(InSchema):
    value: str | None = Field(
        None,
        max_length=300,
        description="a corrected value instead of the proposed one: a date (2027-03-01), "
        '"perpetual", a length of time ("90 days"), or a rule ("30 days after contract start")',
    )


class RejectIn(InSchema):
    reason: str = Field("", max_length=500, description="why (optional)")


class DurationOut(Schema):
    amount: int
    unit: str = Field(description="days, business days, weeks, months or years")


class RuleOut(Schema):
    anchor: str = Field(description="contract_start, contract_end, contract_signed or milestone")
    offset: int = Field(description="negative: before the anchor")
    unit: str
    event: str = Field(description="the event a milestone anchor stands for")


class ResultOut(Schema):
    type: Literal["contract", "milestone"]
    id: int


class ProposalOut(Schema):
    id: int
    extraction_id: int
    field: str
    label: str = Field(description="obligations: payment, delivery or report")
    value: str | None = Field(description="as shown; null when redacted or not stated")
    value_date: date | None
    duration: DurationOut | None
    rule: RuleOut | None
    quote: str = Field(description="the words of the text the value comes from")
    start: int | None = Field(description="offset of the quote in the extraction's text")
    end: int | None
    confidence: float
    source: str
    trace: str = Field(description="how a derived value was computed")
    redacted: bool
    status: Literal["proposed", "accepted", "rejected"]
    edited_value: str
    reason: str
    decided_by: str | None
    decided_at: datetime | None
    result: ResultOut | None = Field(description="what accepting created or changed")
    note: str


class ExtractionSummaryOut(Schema):
    id: int
    contract_id: int
    filename: str = Field(description="empty for pasted text")
    created_by: str | None
    created_at: datetime
    proposals: int
    open: int = Field(description="proposals still to review")


class ExtractionOut(Schema):
    id: int
    contract_id: int
    filename: str
    created_by: str | None
    created_at: datetime
    text: str = Field(description="the text as read; proposals' offsets point into it")
    proposals: list[ProposalOut]


def proposal_out(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "extraction_id": p.run_id,
        "field": p.field,
        "label": p.label,
        "value": p.value if p.has_value else None,
        "value_date": p.value_date,
        "duration": {"amount": p.duration_amount, "unit": p.duration_unit}
        if p.duration_amount is not None
        else None,
        "rule": {
            "anchor": p.due_anchor,
            "offset": p.due_offset or 0,
            "unit": p.due_unit,
            "event": p.anchor_event,
        }
        if p.due_anchor
        else None,
        "quote": p.quote,
        "start": p.start,
        "end": p.end,
        "confidence": p.confidence,
        "source": p.source,
        "trace": p.trace,
        "redacted": p.redacted,
        "status": p.status,
        "edited_value": p.edited_value,
        "reason": p.reason,
        "decided_by": p.decided_by.email if p.decided_by else None,
        "decided_at": p.decided_at,
        "result": {"type": p.result_type, "id": p.result_id} if p.result_id else None,
        "note": p.note,
    }


def who(run: ExtractionRun) -> str | None:
    return run.created_by.email if run.created_by else None


def extraction_out(run: ExtractionRun) -> dict[str, Any]:
    proposals = run.proposals.select_related("decided_by")
    return {
        "id": run.pk,
        "contract_id": run.contract_id,
        "filename": run.filename,
        "created_by": who(run),
        "created_at": run.created_at,
        "text": run.text,
        "proposals": [proposal_out(p) for p in proposals],
    }
