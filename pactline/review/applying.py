"""What accepting a proposal does: each field goes through the contracts or milestones services.

Contract dates update the contract (its milestones follow through the deadline engine); the
notice period sets `Contract.notice_period_days`; the derived notice deadline and obligations
become milestones whose due date is a rule where the text states one ("within 30 days after
acceptance"), not a date frozen today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Model

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts import services as contracts
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.extraction.model import PERPETUAL, Duration, Field, Rule, Value
from pactline.extraction.text import sentence_bounds, squash
from pactline.milestones import services as milestones
from pactline.milestones.models import Milestone, MilestoneKind
from pactline.milestones.scheduling import Anchor, add_offset
from pactline.review.models import Proposal
from pactline.review.values import describe, rule_text

CONTRACT_DATES = {
    Field.AGREEMENT_DATE: "signed_on",
    Field.EFFECTIVE_DATE: "start_on",
    Field.EXPIRATION_DATE: "end_on",
}
NOTICE_TITLE = "Last day to give notice of non-renewal"
KINDS = {
    "payment": MilestoneKind.PAYMENT,
    "delivery": MilestoneKind.DELIVERABLE,
    "report": MilestoneKind.REPORT,
}
TITLE_CHARS = 120


@dataclass(frozen=True)
class Applied:
    """The object the acceptance created or changed, and a sentence for the reviewer."""

    subject: Model
    note: str


def apply(actor: Actor, contract: Contract, proposal: Proposal, value: Value) -> Applied:
    field = Field(proposal.field)
    try:
        if field in CONTRACT_DATES:
            return _contract_date(actor, contract, field, value)
        if field is Field.RENEWAL_TERM:
            note = f"Renewal term “{value}” noted in the contract's history."
            return Applied(contract, note)
        if field is Field.NOTICE_PERIOD:
            return _notice_period(actor, contract, value)
        return _milestone(actor, contract, proposal, value)
    except ValidationFailed as exc:
        raise _on_value(exc) from None


def _on_value(exc: ValidationFailed) -> ValidationFailed:
    """A service's field errors as errors of the value being accepted."""
    if set(exc.errors) == {"value"}:
        return exc
    problems = [
        f"{f.removesuffix('_id').replace('_', ' ')}: {' '.join(m)}" for f, m in exc.errors.items()
    ]
    return ValidationFailed({"value": problems})


def _contract_date(actor: Actor, contract: Contract, field: Field, value: Value) -> Applied:
    name = CONTRACT_DATES[field]
    if field is Field.EXPIRATION_DATE and value == PERPETUAL:
        contracts.update_contract(actor, contract, {"end_on": None}, None)
        return Applied(contract, "The term is perpetual: the contract's end date is left empty.")
    if not isinstance(value, date):
        raise ValidationFailed.one("value", "must be a date")
    contracts.update_contract(actor, contract, {name: value}, None)
    label = {"signed_on": "Signature", "start_on": "Start", "end_on": "End"}[name]
    return Applied(contract, f"{label} date set to {value.isoformat()}.")


def notice_days(contract: Contract, period: Duration) -> int:
    """The notice period in days: exact for days and weeks; months, years and business days
    are counted back from the contract's end date, which must be known."""
    if period.unit == "days":
        return period.amount
    if period.unit == "weeks":
        return period.amount * 7
    end = contract.end_on
    if end is None:
        raise ValidationFailed.one(
            "value",
            f"{period} is counted back from the contract's end date, which is not set yet: "
            "accept the expiration date first, or enter the notice period in days",
        )
    amount, unit = period.scheduling_unit
    earlier = add_offset(end, -amount, unit, milestones.calendar_for(contract)).result
    return (end - earlier).days


def _notice_period(actor: Actor, contract: Contract, value: Value) -> Applied:
    if not isinstance(value, Duration):
        raise ValidationFailed.one("value", "must be a length of time, e.g. 90 days")
    days = notice_days(contract, value)
    contracts.update_contract(actor, contract, {"notice_period_days": days}, None)
    return Applied(contract, f"Notice period set to {days} days before the end date.")


# --- milestones -------------------------------------------------------------------------------


def _kind(actor: Actor, key: str) -> str:
    """The type for a proposal's label, or the fallback when the organisation archived it."""
    from pactline.milestones.types import FALLBACK, get

    found = get(actor.organisation.pk, key)
    return key if found is not None and not found.archived else FALLBACK


def _milestone(actor: Actor, contract: Contract, proposal: Proposal, value: Value) -> Applied:
    if isinstance(value, date):
        rule: dict[str, object] = {"due_anchor": Anchor.ABSOLUTE.value, "due_date": value}
    elif isinstance(value, Rule):
        rule = _rule_input(actor, contract, value)
    else:
        raise ValidationFailed.one("value", "must be a date or a rule")
    data = {
        "title": _title(proposal, value),
        "kind": _kind(actor, KINDS.get(proposal.label, MilestoneKind.CUSTOM).value),
        "description": _description(proposal),
        **rule,
    }
    m = milestones.create_milestone(actor, contract, data)
    due = m.due_date.isoformat() if m.due_date else "not scheduled yet"
    when = rule_text(value) if isinstance(value, Rule) else value.isoformat()
    return Applied(m, f"Milestone “{m.title}” created: due {when} ({due}).")


def _rule_input(actor: Actor, contract: Contract, rule: Rule) -> dict[str, object]:
    data: dict[str, object] = {
        "due_anchor": rule.anchor.value,
        "due_offset": rule.offset,
        "due_unit": rule.unit.value,
    }
    if rule.anchor in (Anchor.MILESTONE, Anchor.MILESTONE_DONE):
        event = event_milestone(actor, contract, rule.event or "the event")
        # "30 days after acceptance" counts from when acceptance happens (is done);
        # "10 days before delivery" from the date it is planned for.
        anchor = Anchor.MILESTONE_DONE if rule.offset >= 0 else Anchor.MILESTONE
        data |= {"due_anchor": anchor.value, "anchor_milestone_id": event.pk}
    return data


def event_milestone(actor: Actor, contract: Contract, event: str) -> Milestone:
    """The contract's milestone for an event an obligation counts from ("receipt of the
    invoice"), found by its title or created unscheduled, to be dated or completed later."""
    title = event[:1].upper() + event[1:]
    found = (
        permissions.visible_milestones(actor)
        .filter(contract=contract, title__iexact=title)
        .order_by("pk")
        .first()
    )
    if found is not None:
        return found
    description = (
        f"An event the contract counts deadlines from. Give it a date, or mark it done when "
        f"it happens: the obligations that follow “{event}” are then scheduled."
    )
    return milestones.create_milestone(
        actor, contract, {"title": title[:300], "kind": "custom", "description": description}
    )


def sentence(proposal: Proposal) -> str:
    """The sentence of the contract text around the proposal's quote."""
    text = proposal.run.text
    if proposal.start is None or proposal.end is None or proposal.end > len(text):
        return squash(proposal.quote)
    start, stop = sentence_bounds(text, proposal.start, proposal.end)
    return squash(text[start:stop])


def _title(proposal: Proposal, value: Value) -> str:
    if proposal.field == Field.NOTICE_DEADLINE:
        return NOTICE_TITLE
    kind = (proposal.label or "obligation").capitalize()
    title = f"{kind}: {sentence(proposal) or describe(value)}"
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def _description(proposal: Proposal) -> str:
    where = proposal.run.source_name
    lines = [f"From the contract text ({where}): “{sentence(proposal)}”"]
    if proposal.trace:
        lines.append(proposal.trace)
    return "\n".join(lines)[:20000]
