"""Reading a contract's text for key dates, and the reviewer's decisions on each proposal.

    run = run_extraction(actor, contract, file=upload)     # or text="..."
    accept(actor, run.proposals.first())                    # or edited_value="2027-03-01"
    reject(actor, proposal, "that is the date of the NDA")

Nothing reaches the contract or its milestones without `accept`, which goes through the
contracts and milestones services and records an event naming the quote it came from.
"""

from __future__ import annotations

from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.activity.services import record
from pactline.contracts.models import Contract
from pactline.errors import Conflict, ValidationFailed
from pactline.extraction.engine import extract
from pactline.extraction.model import Duration, Field, Value
from pactline.review.applying import apply
from pactline.review.models import ExtractionRun, Proposal, ProposalStatus
from pactline.review.queries import can_review
from pactline.review.reading import clean_text, read_upload
from pactline.review.values import describe, parse_edit, row_fields, stored_value

MANAGERS_ONLY = "only managers and above read key dates from a contract's text"
QUOTE_IN_SUMMARY = 200


def run_extraction(
    actor: Actor, contract: Contract, *, file: File | None = None, text: str | None = None
) -> ExtractionRun:
    """Read the file (TXT, DOCX, PDF) or the pasted text and store what the engine proposes."""
    require(can_review(actor), MANAGERS_ONLY)
    if file is not None and text:
        raise ValidationFailed.one("text", "choose a file or paste the text, not both")
    if file is not None:
        filename, body = read_upload(file)
    elif text is not None and text.strip():
        filename, body = "", clean_text(text)
    else:
        raise ValidationFailed.one("file", "choose a file or paste the contract's text")
    rows = proposal_rows(body)
    with transaction.atomic():
        run = ExtractionRun.objects.create(
            organisation=actor.organisation,
            contract=contract,
            filename=filename,
            text=body,
            created_by=actor.user,
        )
        Proposal.objects.bulk_create(
            Proposal(run=run, position=i, **fields) for i, fields in enumerate(rows)
        )
        record(
            actor,
            "text_read",
            contract,
            contract_id=contract.pk,
            summary=f"Key dates read from {run.source_name}: {len(rows)} proposals to review",
            changes={"extraction": {"before": None, "after": run.pk}},
        )
    return run


def proposal_rows(text: str) -> list[dict[str, Any]]:
    """The engine's proposals for `text`, as Proposal model fields, in the order shown."""
    result = extract(text)
    notice = result.get(Field.NOTICE_PERIOD)
    period = notice.value if notice and isinstance(notice.value, Duration) else None
    return [row_fields(found, period) for found in result.proposals]


def _locked(proposal: Proposal) -> Proposal:
    fresh = Proposal.objects.select_for_update().select_related("run").get(pk=proposal.pk)
    if fresh.status != ProposalStatus.PROPOSED:
        raise Conflict(f"this proposal was already {fresh.status}; it cannot be decided again")
    return fresh


def _value_to_accept(p: Proposal, edited_value: str | None) -> Value:
    if edited_value is not None and edited_value.strip():
        return parse_edit(Field(p.field), edited_value)
    if p.redacted:
        raise ValidationFailed.one(
            "value", "the contract text blanks this value out: enter the value to accept it"
        )
    value = stored_value(p)
    if value is None:
        raise ValidationFailed.one(
            "value", "the contract text does not state this value: enter it to accept it"
        )
    return value


def _quoted(p: Proposal) -> str:
    quote = " ".join(p.quote.split())
    if len(quote) > QUOTE_IN_SUMMARY:
        quote = quote[: QUOTE_IN_SUMMARY - 1].rstrip() + "…"
    return f"“{quote}”" if quote else "(no quote)"


@transaction.atomic
def accept(actor: Actor, proposal: Proposal, edited_value: str | None = None) -> Proposal:
    """Apply the proposal (or the person's corrected value) to the contract or a milestone."""
    require(can_review(actor), MANAGERS_ONLY)
    p = _locked(proposal)
    value = _value_to_accept(p, edited_value)
    contract = get_visible(permissions.visible_contracts(actor), p.run.contract_id, "contract")
    applied = apply(actor, contract, p, value)
    p.status = ProposalStatus.ACCEPTED
    p.edited_value = (edited_value or "").strip()[:300]
    p.decided_by = actor.user
    p.decided_at = timezone.now()
    p.result_type = applied.subject._meta.model_name or ""
    p.result_id = applied.subject.pk
    p.note = applied.note[:500]
    p.save()
    edited = " (corrected by hand)" if p.edited_value else ""
    record(
        actor,
        "proposal_accepted",
        applied.subject,
        contract_id=contract.pk,
        summary=f"{p.field_label} {describe(value)}{edited} accepted from the contract text "
        f"({p.run.source_name}): {_quoted(p)}",
        changes={
            "proposal": {"before": None, "after": p.pk},
            "value": {"before": p.value or None, "after": describe(value)},
            "quote": {"before": None, "after": p.quote[:500]},
        },
    )
    return p


@transaction.atomic
def reject(actor: Actor, proposal: Proposal, reason: str = "") -> Proposal:
    """Decline the proposal; nothing changes but the proposal and the history."""
    require(can_review(actor), MANAGERS_ONLY)
    reason = " ".join(reason.split())
    if len(reason) > 500:
        raise ValidationFailed.one("reason", "must be at most 500 characters")
    p = _locked(proposal)
    p.status = ProposalStatus.REJECTED
    p.reason = reason
    p.decided_by = actor.user
    p.decided_at = timezone.now()
    p.save()
    why = f": {reason}" if reason else ""
    record(
        actor,
        "proposal_rejected",
        p.run.contract,
        contract_id=p.run.contract_id,
        summary=f"Proposed {p.field_label.lower()} {p.shown_value} rejected{why}; "
        f"from the contract text ({p.run.source_name}): {_quoted(p)}",
        changes={"proposal": {"before": None, "after": p.pk}},
    )
    return p
