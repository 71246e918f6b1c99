"""Dated and relative obligations: payments, deliveries, reports.

"Licensee shall pay the fee within thirty (30) days after receipt of the invoice" becomes a
rule (anchor "receipt of the invoice", +30 calendar days), not a frozen date; "deliver the
prototype on or before March 1, 2021" becomes a fixed date. Anchors that are contract dates
map to the deadline engine's Anchor values, other events to Anchor.MILESTONE with a name.
"""

from __future__ import annotations

import re

from pactline.extraction.dates import DateMention
from pactline.extraction.model import Field, Proposal, Rule, Span
from pactline.extraction.numbers import DURATION, DURATION_RE, parse_duration
from pactline.extraction.text import sentence_bounds
from pactline.milestones.scheduling import Anchor, Unit

_KINDS = (
    ("payment", re.compile(r"\b(?:pay|paid|payment|payable|invoice|remit|fee|royalt)", re.I)),
    ("delivery", re.compile(r"\b(?:deliver|ship|provide|supply|install|complete)", re.I)),
    ("report", re.compile(r"\b(?:report|statement|forecast|notify|submit)", re.I)),
)
_RELATIVE = re.compile(
    rf"\b(?:within|no\s+later\s+than|not\s+later\s+than|not\s+more\s+than|by\s+the\s+end\s+of)\s+"
    rf"{DURATION}\s+(?P<dir>after|following|of|from|before|prior\s+to)\s+(?:the\s+)?"
    r"(?P<event>[\w\s'\u2019-]{3,60}?)(?=[,.;:()]|\s+(?:and|or|unless|provided|in\s+accordance|by|to)\b)",
    re.IGNORECASE,
)
_DATED = re.compile(r"\b(?:on\s+or\s+before|no\s+later\s+than|by|due\s+(?:on|by)?)\s*$", re.I)
_CONTRACT_ANCHORS = (
    (re.compile(r"effective\s+date|commencement\s+date|start", re.I), Anchor.CONTRACT_START),
    (re.compile(r"execution|signing|signature|date\s+(?:hereof|of\s+this)", re.I),
     Anchor.CONTRACT_SIGNED),
    (re.compile(r"(?:expiration|termination|end)\s+of\s+(?:this\s+agreement|the\s+term)", re.I),
     Anchor.CONTRACT_END),
)  # fmt: skip
_UNITS = {
    "days": Unit.CALENDAR_DAYS,
    "business days": Unit.WORKING_DAYS,
    "weeks": Unit.WEEKS,
    "months": Unit.MONTHS,
}
MAX_OBLIGATIONS = 200


def _kind(sentence: str) -> str | None:
    for name, pattern in _KINDS:
        if pattern.search(sentence):
            return name
    return None


def _anchor(event: str) -> tuple[Anchor, str]:
    for pattern, anchor in _CONTRACT_ANCHORS:
        if pattern.search(event):
            return anchor, ""
    return Anchor.MILESTONE, re.sub(r"\s+", " ", event).strip()


def _rule(match: re.Match[str]) -> Rule | None:
    inner = DURATION_RE.search(match.string, match.start("amount"))
    duration = parse_duration(inner) if inner else None
    if duration is None:
        return None
    amount, unit = duration.amount, _UNITS.get(duration.unit)
    if unit is None:  # years: the engine counts months
        amount, unit = amount * 12, Unit.MONTHS
    if match["dir"].lower().startswith(("before", "prior")):
        amount = -amount
    anchor, event = _anchor(match["event"])
    return Rule(anchor, amount, unit, event)


def obligations(text: str, mentions: list[DateMention]) -> list[Proposal]:
    """Relative deadlines ("within 30 days after acceptance") and dated ones ("on or before
    March 1, 2021") in sentences about paying, delivering or reporting."""
    found: list[Proposal] = []
    for m in _RELATIVE.finditer(text):
        start, end = sentence_bounds(text, m.start(), m.end())
        kind = _kind(text[start:end])
        rule = _rule(m) if kind else None
        if rule:
            span = Span(m.start(), m.end(), m.group(0))
            found.append(Proposal(Field.OBLIGATION, rule, span, 0.6, "relative deadline",
                                  trace=f"due = {rule.describe()}", label=kind or ""))  # fmt: skip
        if len(found) >= MAX_OBLIGATIONS:
            return found
    for d in mentions:
        if d.value is None or not _DATED.search(text, max(0, d.start - 20), d.start):
            continue
        start, end = sentence_bounds(text, d.start, d.end)
        kind = _kind(text[start:end])
        if kind:
            span = Span(d.start, d.end, d.text)
            found.append(Proposal(Field.OBLIGATION, d.value, span, 0.55, "dated obligation",
                                  label=kind))  # fmt: skip
        if len(found) >= MAX_OBLIGATIONS:
            break
    found.sort(key=lambda p: p.span.start if p.span else 0)
    return found
