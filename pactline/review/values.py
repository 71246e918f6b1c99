"""Values of proposals: from the engine into rows, from rows back, and from a person's edit.

A value is the engine's own vocabulary (`pactline.extraction.model.Value`): a date, a text
("perpetual", a renewal term), a `Duration` or a `Rule`. An edited value is read per field and
refused with a message on "value" when it cannot be read; numeric dates like 03/04/2027 are
refused rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pactline.errors import ValidationFailed
from pactline.extraction.dates import find_dates
from pactline.extraction.model import PERPETUAL, Duration, Field, Rule, Value
from pactline.extraction.model import Proposal as Found
from pactline.extraction.numbers import find_duration
from pactline.milestones.scheduling import Anchor, Unit
from pactline.review.models import MAX_QUOTE_CHARS, Proposal

DATE_FIELDS = (Field.AGREEMENT_DATE, Field.EFFECTIVE_DATE)
MAX_EDIT_CHARS = 300
EDIT_HELP = {
    Field.AGREEMENT_DATE: "a date, e.g. 2027-03-01 or 1 March 2027",
    Field.EFFECTIVE_DATE: "a date, e.g. 2027-03-01 or 1 March 2027",
    Field.EXPIRATION_DATE: "a date, or “perpetual” when the term has no end",
    Field.RENEWAL_TERM: "as the contract says it, e.g. “successive 1 year”",
    Field.NOTICE_PERIOD: "a length of time, e.g. 90 days or 3 months",
    Field.NOTICE_DEADLINE: "a length of time before the contract's end (e.g. 90 days), or a date",
    Field.OBLIGATION: "a date, or a rule such as “30 days after contract start” or "
    "“10 working days after acceptance”",
}
_RULE = re.compile(
    r"^\s*(?P<duration>.+?)\s+(?P<dir>after|following|from|before|prior\s+to)\s+(?:the\s+)?"
    r"(?P<event>.+?)\s*$",
    re.IGNORECASE,
)
_ANCHORS = (
    (re.compile(r"^(?:contract\s+)?(?:start|effective\s+date|commencement)", re.I),
     Anchor.CONTRACT_START),
    (re.compile(r"^(?:contract\s+)?(?:end|expiration|expiry|termination)", re.I),
     Anchor.CONTRACT_END),
    (re.compile(r"^(?:contract\s+)?(?:signature|signing|execution)", re.I),
     Anchor.CONTRACT_SIGNED),
)  # fmt: skip


# --- engine -> row ----------------------------------------------------------------------------


def row_fields(found: Found, notice: Duration | None = None) -> dict[str, Any]:
    """The model fields of one engine proposal; `notice` turns the derived notice deadline into
    a rule (contract end minus the notice period) besides its date."""
    fields: dict[str, Any] = {
        "field": found.field.value,
        "label": found.label[:32],
        "confidence": round(float(found.confidence), 3),
        "source": found.source[:100],
        "trace": found.trace[:500],
        "redacted": found.redacted,
    }
    if found.span is not None:
        fields |= {
            "quote": found.span.text[:MAX_QUOTE_CHARS],
            "start": found.span.start,
            "end": found.span.end,
        }
    if not found.redacted and found.value is not None:
        fields |= value_fields(found.value)
    if found.field is Field.NOTICE_DEADLINE and notice is not None:
        amount, unit = notice.scheduling_unit
        fields |= _rule_fields(Rule(Anchor.CONTRACT_END, -amount, unit))
    return fields


def _rule_fields(rule: Rule) -> dict[str, Any]:
    return {
        "due_anchor": rule.anchor.value,
        "due_offset": rule.offset,
        "due_unit": rule.unit.value,
        "anchor_event": rule.event[:100],
    }


def value_fields(value: Value) -> dict[str, Any]:
    if isinstance(value, date):
        return {"value": value.isoformat(), "value_date": value}
    if isinstance(value, Duration):
        return {
            "value": str(value),
            "duration_amount": value.amount,
            "duration_unit": value.unit,
        }
    if isinstance(value, Rule):
        return {"value": rule_text(value)[:300], **_rule_fields(value)}
    return {"value": str(value or "")[:300]}


# --- row -> value -----------------------------------------------------------------------------


def stored_value(p: Proposal) -> Value:
    """The value the proposal holds, or None when the text blanked it out or did not say."""
    if p.redacted:
        return None
    if p.field == Field.NOTICE_DEADLINE and p.due_anchor:
        return stored_rule(p)
    if p.value_date is not None:
        return p.value_date
    if p.duration_amount is not None:
        return Duration(p.duration_amount, p.duration_unit)
    if p.due_anchor:
        return stored_rule(p)
    return p.value or None


def stored_rule(p: Proposal) -> Rule:
    return Rule(Anchor(p.due_anchor), p.due_offset or 0, Unit(p.due_unit), p.anchor_event)


# --- a person's edit --------------------------------------------------------------------------


def _invalid(field: Field, text: str) -> ValidationFailed:
    return ValidationFailed.one("value", f"cannot read {text!r}: enter {EDIT_HELP[field]}")


def parse_date(text: str) -> date | None:
    """A date written in full (ISO, or with the month's name); None for anything else."""
    mentions = find_dates(text)
    if len(mentions) != 1 or mentions[0].value is None:
        return None
    mention = mentions[0]
    if mention.text.strip() != text.strip() or mention.kind == "numeric":
        return None
    return mention.value


def parse_duration(text: str) -> Duration | None:
    """ "90 days", "three (3) months", "2 business days"; a bare number is days."""
    if text.strip().isdigit():
        amount = int(text.strip())
        return Duration(amount, "days") if 0 < amount <= 36600 else None
    found = find_duration(text)
    if found is None or found[1].group(0).strip() != text.strip():
        return None
    return found[0]


def parse_rule(text: str) -> Rule | None:
    """ "30 days after contract start", "10 business days after acceptance of the goods"."""
    match = _RULE.match(text)
    duration = parse_duration(match["duration"]) if match else None
    if match is None or duration is None:
        return None
    amount, unit = duration.scheduling_unit
    if match["dir"].lower().startswith(("before", "prior")):
        amount = -amount
    event = re.sub(r"\s+", " ", match["event"]).strip()
    for pattern, anchor in _ANCHORS:
        if pattern.match(event):
            return Rule(anchor, amount, unit)
    return Rule(Anchor.MILESTONE, amount, unit, event[:100])


def parse_edit(field: Field, text: str) -> Value:
    """The edited value of a proposal of `field`, or ValidationFailed on "value"."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise ValidationFailed.one("value", f"enter {EDIT_HELP[field]}")
    if len(text) > MAX_EDIT_CHARS:
        raise ValidationFailed.one("value", f"must be at most {MAX_EDIT_CHARS} characters")
    parsed: Value = None
    if field in DATE_FIELDS:
        parsed = parse_date(text)
    elif field is Field.EXPIRATION_DATE:
        parsed = PERPETUAL if text.lower() == PERPETUAL else parse_date(text)
    elif field is Field.RENEWAL_TERM:
        parsed = text
    elif field is Field.NOTICE_PERIOD:
        parsed = parse_duration(text)
    elif field is Field.NOTICE_DEADLINE:
        duration = parse_duration(text)
        if duration is not None:
            amount, unit = duration.scheduling_unit
            parsed = Rule(Anchor.CONTRACT_END, -amount, unit)
        else:
            parsed = parse_date(text)
    else:
        parsed = parse_date(text) or parse_rule(text)
    if parsed is None:
        raise _invalid(field, text)
    return parsed


def describe(value: Value) -> str:
    """A value as the review list and the history show it."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Rule):
        return rule_text(value)
    return "" if value is None else str(value)


def rule_text(rule: Rule) -> str:
    """ "90 calendar days before contract end", "30 calendar days after receipt of invoice"."""
    what = rule.event or rule.anchor.label.lower()
    direction = "before" if rule.offset < 0 else "after"
    return f"{abs(rule.offset)} {rule.unit.label} {direction} {what}"


__all__ = [
    "EDIT_HELP",
    "describe",
    "parse_edit",
    "row_fields",
    "rule_text",
    "stored_value",
    "value_fields",
]
