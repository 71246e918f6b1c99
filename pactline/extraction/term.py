"""Expiration date, renewal term and notice period from the "Term" clauses.

A term clause is a sentence whose subject is this agreement or its (initial) term and whose
verb says how long it lasts: "shall continue for a period of five (5) years", "shall expire
on 31 December 2024", "shall remain in effect until terminated". Durations are added to the
start the clause names (a date, the Effective Date, the date hereof) to derive the expiration,
with the arithmetic kept as the proposal's trace.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from pactline.extraction.dates import DateMention
from pactline.extraction.model import PERPETUAL, Duration, Field, Proposal, Span
from pactline.extraction.numbers import (
    AMOUNT,
    DURATION,
    DURATION_RE,
    ORDINAL_WORD,
    ordinal_to_int,
    parse_amount,
    parse_duration,
)
from pactline.extraction.text import sentences

_STRONG_STATEMENT = re.compile(
    r"(?<!during\s)(?<!during\sthe\s)(?<!throughout\sthe\s)(?<!of\sthe\s)(?<!in\sthe\s)"
    r"(?<!within\sthe\s)(?<!after\sthe\s)(?<!for\sthe\s)(?<!upon\sthe\s)"
    r"\b(?:the\s+)?(?:initial\s+|original\s+)?(?:term|duration)\s+of\s+(?:this\s+[\w-]+|the\s+"
    r"(?:[\w-]+\s+){0,3}?(?:agreement|contract|(?-i:[A-Z]{2,6})))\b(?!\s+(?:and|or)\b)"
    r"|\b(?:your|the)\s+employment\s+(?:shall|will)\s+(?:commence|begin|start|continue)"
    r"|(?<!that\s)(?<!while\s)(?<!if\s)(?<!when\s)\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:agreement|contract)\s*,?\s*(?:shall|will|is\s+to|is)\s+(?:be\s+)?(?:commence|begin|"
    r"become\s+effective|take\s+effect|continue|remain|be\s+in\s+(?:full\s+)?(?:force|effect)|"
    r"in\s+(?:full\s+)?(?:force|effect)|effective|expire|terminate\b|extend|run|valid\b)"
    r"|\bcommencement\s+date\s+(?:for|of)\s+this\s+(?:agreement|contract)\b"
    r"|\b(?:shall|will)\s+have\s+a\s+(?:duration|term|validity)\s+of\b"
    r"|\binitial\s+(?:term|period)\b|\bterm\s*:|\bterm\s+(?:shall|will)\s+(?:commence|begin|be|"
    r"continue|expire|end|run)|[\"\u201c](?:term|contract\s+period|service\s+period)[\"\u201d]\s+"
    r"(?:shall\s+)?means?",
    re.IGNORECASE,
)
_STATEMENT = re.compile(
    r"(?<!that\s)(?<!while\s)(?<!if\s)(?<!when\s)\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:agreement|contract)\s*,?\s*(?:is|commences|begins|continues|expires|remains)\s+"
    r"(?:effective|in\s+(?:full\s+)?(?:force|effect)|for\b|on\b)"
    r"|\bis\s+for\s+a\s+(?:term|period)\s+of",
    re.IGNORECASE,
)
_CONTENT = re.compile(
    rf"{DURATION}|\banniversary\b|\b(?:19|20)\d\d\b|indefinitely|perpetu|"
    r"until\s+(?:it\s+is\s+)?terminated",
    re.IGNORECASE,
)
# clauses about something else that also lasts: survival, confidentiality, licences
_OFF_TOPIC = re.compile(
    r"surviv|confidential|non-?compet|non-?solicit|warrant|(?:after|following)\s+(?:the\s+|its\s+|such\s+|any\s+)?"
    r"(?:expiration|termination)|statute|limitation|"
    r"records|audit|indemnif|payment\s+term|exclusivity\s+period|lock-?up|option\s+period|"
    r"non-?renew|notice\s+of\s+(?:non-?renewal|termination)|license\s+(?:term|period)",
    re.IGNORECASE,
)
_END_DATE = re.compile(
    r"(?:until|through|thru|expir\w*\s+(?:on|at)|terminat\w*\s+(?:on|at)?|end(?:s|ing)?\s+(?:on|at)?|"
    r"concluding(?:\s+on)?|to\s+and\s+including|up\s+to\s+and\s+including|continue\s+to|(?<!prior\s)(?<!according\s)(?<!subject\s)(?<!pursuant\s)\bto|"
    r"(?:no|not)\s+(?:event\s+)?later\s+than)"
    r"\s*(?:the\s+close\s+of\s+business\s+on\s+|midnight\s+(?:on\s+)?)?\s*$",
    re.IGNORECASE,
)
_PERPETUAL = re.compile(
    r"\b(?:indefinitely|in\s+perpetuity|perpetual(?:ly)?|unless\s+and\s+until\s+(?:it\s+is\s+)?"
    r"terminated|until\s+(?:it\s+is\s+|so\s+)?terminated|until\s+terminated|"
    r"continue\s+unless\s+and\s+until|"
    r"until\s+(?:either|one|a)\s+party\s+(?:gives|terminates)|no\s+(?:fixed\s+)?(?:expiration|"
    r"end)\s+date)\b",
    re.IGNORECASE,
)
_FOR_DURATION = re.compile(
    rf"(?:\bfor\b|\bof\b|\bbe\b|\bis\b|:|\bterm\s+of\b|\bcontinue\b|\bextend\b|\blast\b|\buntil\b)"
    rf"\s*(?:an?\s+(?:initial\s+)?(?:period|term)\s+of\s+|the\s+period\s+of\s+|at\s+least\s+(?:a\s+"
    rf"period\s+of\s+)?)?(?:an?\s+initial\s+(?:period|term)\s+of\s+)?{DURATION}",
    re.IGNORECASE,
)
# "continue in effect until Acme ceases development", "end on the expiration of all orders",
# "will not end until ...": the term ends on an event, not a date (CUAD answers "perpetual")
_UNTIL_EVENT = re.compile(
    r"\b(?:(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract)|the\s+(?:initial\s+)?term"
    r"(?:\s+of\s+(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract))?|(?:your|the)\s+"
    r"employment)\s*,?\s+(?:[^.;]{0,160}?\b(?:and\s+)?)?(?:shall|will)\s+(?:(?:continue|remain)"
    r"(?:\s+in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?)?|not\s+end)\s+"
    r"(?:unless\s+and\s+)?until\b"
    r"|\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract|term)\b[^.;]{0,200}?\b(?:shall|will)"
    r"\s+(?:end|expire|terminate)\s+(?:on|upon)\s+the\s+[\w-]+\s+day\s+(?:following|after)\s+"
    r"(?:a|the|any|its)\s+(?:written\s+)?notice\b"
    r"|\b(?:this|the)\s+(?:[\w-]+\s+){0,3}?(?:agreement|contract|term)\b[^.;]{0,200}?\b"
    r"(?:ending|end|expire|expiring)\s+(?:on|upon|with)\s+the\s+"
    r"(?:expiration|termination|completion)\s+(?:and(?:/or)?\s+(?:expiration|termination)\s+)?of\s+"
    r"(?:(?:all|each|the\s+last)\s+)?(?!this\b)",
    re.IGNORECASE,
)
_EVENT_TAIL = re.compile(
    rf"{DURATION}|anniversary|\b(?:19|20)\d\d\b|\b(?:term|period)\s+of\b|"
    r"\[\s*\*|_{3}|\b(?:later|longer|shorter)\s+of\b",
    re.IGNORECASE,
)
_ANNIVERSARY = re.compile(
    rf"(?:(?P<ord>{ORDINAL_WORD}|\d+\s?(?:st|nd|rd|th|s\s?t|n\s?d|r\s?d|t\s?h))|(?P<card>{AMOUNT})"
    r"\s*-?\s*years?)\s*(?:\([^)]{1,8}\)\s*)?anniversary\s+of\s+"
    r"(?:the\s+)?(?P<anchor>effective\s+date|date\s+(?:hereof|of\s+this\s+agreement)|"
    r"execution|commencement\s+date)",
    re.IGNORECASE,
)
_FROM_ANCHOR = re.compile(
    r"(?:from|after|following|commencing\s+(?:on|with)|beginning\s+(?:on|with)|starting\s+(?:on|"
    r"with))\s+(?:the\s+)?(?P<anchor>effective\s+date|date\s+(?:hereof|first\s+(?:above\s+)?"
    r"written|of\s+(?:this\s+agreement|execution|signature))|execution\s+date|commencement\s+date|"
    r"(?:launch|closing|rig\s+release|first\s+commercial\s+sale|acceptance|installation|"
    r"delivery|completion)\b)",
    re.IGNORECASE,
)
_STARTS = re.compile(
    r"(?:(?:commenc\w*|begin\w*|start\w*|effective|from)\s+(?:on\s+)?(?:the\s+)?"
    r"|commencement\s+date\b[^.]{0,40}?\b(?:will|shall)\s+be\s+)$",
    re.IGNORECASE,
)
_EVENT_ANCHORS = ("launch", "closing", "rig", "first", "acceptance", "installation", "delivery",
                  "completion")  # fmt: skip


@dataclass(frozen=True)
class TermClause:
    start: int
    end: int
    score: float


def _worth_a_look(lowered: str) -> bool:
    """A cheap test before the expensive patterns: names a term and says something timed."""
    return any(
        w in lowered for w in ("term", "agreement", "contract", "period", "duration", "employment")
    ) and any(w in lowered for w in _TIMED_WORDS)


_TIMED_WORDS = ("year", "month", "day", "anniversar", "indefinite", "perpetu", "terminated",
                "19", "20", "week", "until", "through", "expire", "end on")  # fmt: skip


# a heading on its own: after a section number, a line break or the end of a sentence
_TERM_HEADING = re.compile(
    r"(?:\n\s*|[.:;]\s+|\d{1,2}(?:\.\d{1,2})*\.?\s+)(?:(?:Initial|INITIAL)\s+)?(?:Term|TERM)\.\s*$"
)
_STARTS_WITH_DURATION = re.compile(
    rf"^\s*(?:an?\s+(?:initial\s+)?(?:period|term)\s+of\s+)?{DURATION}\s+(?:from|after|following|"
    r"commencing|beginning|starting)\b",
    re.IGNORECASE,
)


def _under_term_heading(text: str, start: int, sentence: str) -> re.Match[str] | None:
    """ "4. Term. Three (3) years from the Effective Date.": the heading names the subject."""
    tail = text[max(0, start - 24) : start]
    if ("erm." not in tail and "ERM." not in tail) or not _TERM_HEADING.search(tail):
        return None
    return _STARTS_WITH_DURATION.match(sentence)


def term_clauses(text: str) -> list[TermClause]:
    """Sentences that say how long the agreement lasts, best first."""
    return list(_term_clauses(text))


@lru_cache(maxsize=8)
def _term_clauses(text: str) -> tuple[TermClause, ...]:
    found: list[TermClause] = []
    for start, end in sentences(text):
        heading = _under_term_heading(text, start, text[start:end])
        if end - start > 1500 or not (heading or _worth_a_look(text[start:end].lower())):
            continue
        sentence = re.sub(r"\s+", " ", text[start:end])
        strong = heading or _STRONG_STATEMENT.search(sentence)
        statement = strong or _STATEMENT.search(sentence)
        if not statement or not (
            _CONTENT.search(sentence, statement.start())
            or _NAMED_PERIOD.search(sentence, statement.start())
            or _REDACTED_END.search(sentence, statement.start())
        ):
            continue
        score = 2.0 if strong else 1.0
        if _OFF_TOPIC.search(sentence):
            continue
        if re.search(r"\brenew|\b(?:shall|will)\s+(?:be\s+)?(?:automatically\s+)?extend",
                     sentence, re.IGNORECASE):  # fmt: skip
            score -= 0.3
        found.append(TermClause(start, end, score))
    found.sort(key=lambda c: (-c.score, c.start))
    return tuple(found)


def _add(start: date, duration: Duration) -> date:
    unit = duration.unit
    if unit == "years":
        return start + relativedelta(years=duration.amount)
    if unit == "months":
        return start + relativedelta(months=duration.amount)
    if unit == "weeks":
        return start + relativedelta(weeks=duration.amount)
    return start + relativedelta(days=duration.amount)


_COMMENCEMENT_IS = re.compile(
    r"[\"\u201c]Commencement\s+Date[\"\u201d]\s*(?:shall\s+)?(?:means?|is|shall\s+be)\s+(?:the\s+)?"
    r"|\bthe\s+commencement\s+date\s+(?:for|of)\s+this\s+[\w-]+\s+(?:shall|will)\s+be\s+"
    r"|\bthe\s+Commencement\s+Date\s+(?:shall|will)\s+be\s+(?:the\s+)?",
    re.IGNORECASE,
)
_COMMENCEMENT_WORD = re.compile(r"[Cc]ommencement\s+[Dd]ate|COMMENCEMENT\s+DATE")
_COMMENCEMENT_AFTER = re.compile(
    r"\s*,?\s*\(\s*(?:the\s+|hereinafter\s+)?[\"\u201c]Commencement\s+Date[\"\u201d]\s*\)"
)
_IS_EFFECTIVE = re.compile(
    r"^(?:effective\s+date|date\s+(?:hereof|of\s+this\s+agreement|first\s+(?:above\s+)?written))",
    re.IGNORECASE,
)


def commencement_date(text: str, mentions: list[DateMention]) -> tuple[bool, date | None]:
    """A "Commencement Date" the text defines apart from the effective date: (defined, its
    value); the value is None when it is an event ("the date the first Unit is delivered")."""
    if not _COMMENCEMENT_WORD.search(text):
        return False, None
    for m in mentions:
        if _COMMENCEMENT_AFTER.match(text, m.end, m.end + 60):
            return True, m.value
    for found in _COMMENCEMENT_IS.finditer(text):
        rest = text[found.end() : found.end() + 40]
        if _IS_EFFECTIVE.match(rest):
            return False, None
        for m in mentions:
            if found.end() <= m.start <= found.end() + 15:
                return True, m.value
        return True, None
    return False, None


@dataclass
class Anchors:
    agreement: Proposal | None
    effective: Proposal | None
    commencement: tuple[bool, date | None] = (False, None)

    def resolve(self, name: str) -> tuple[date | None, str]:
        """The date an anchor phrase points at, and how to name it in a trace."""
        name = re.sub(r"\s+", " ", name.lower())
        if name.startswith(_EVENT_ANCHORS):
            return None, name
        if "commencement" in name and self.commencement[0]:
            return self.commencement[1], "commencement date"
        if "effective" in name or "commencement" in name:
            if self.effective:  # a redacted effective date is unknown, not the agreement date
                return (self.effective.value if isinstance(self.effective.value, date) else None,
                        "effective date")  # fmt: skip
            if self.agreement and isinstance(self.agreement.value, date):
                return self.agreement.value, "agreement date"
            return None, "effective date"
        for prop, label in ((self.agreement, "agreement date"),
                            (self.effective, "effective date")):  # fmt: skip
            if prop and isinstance(prop.value, date):
                return prop.value, label
        return None, "agreement date"


def _proposal(
    value: object, start: int, end: int, text: str, conf: float, trace: str = ""
) -> Proposal:
    return Proposal(
        field=Field.EXPIRATION_DATE,
        value=value,  # type: ignore[arg-type]
        span=Span(start, end, text[start:end]),
        confidence=conf,
        source="term clause",
        trace=trace,
    )


_REDACTED_END = re.compile(
    r"\b(?:until|through|expire\s+on|end\s+on|terminate\s+on)\s+(?:\[\s*\*+\s*\]|\[\s*\.{3}\s*\*+\s*"
    r"\.{3}\s*\]|\[\s*\])(?!\s*(?:\(|[\w-]+\s+)?(?:days?|weeks?|months?|years?)\b)",
    re.IGNORECASE,
)


def _stated_end(text: str, clause: TermClause, mentions: list[DateMention]) -> Proposal | None:
    inside = [m for m in mentions if clause.start <= m.start < clause.end]
    for m in inside:
        before = re.sub(r"\s+", " ", text[max(clause.start, m.start - 60) : m.start])
        if _END_DATE.search(before):
            if m.value is None:
                proposal = _proposal(None, m.start, m.end, text, 0.8)
                proposal.redacted = True
                return proposal
            return _proposal(m.value, m.start, m.end, text, 0.85)
    blank = _REDACTED_END.search(text, clause.start, clause.end)
    if blank:  # "shall expire on [***]": a date was there, it is not known
        proposal = _proposal(None, blank.start(), blank.end(), text, 0.75)
        proposal.redacted = True
        return proposal
    return None


def _before(text: str, clause: TermClause, mention: DateMention) -> str:
    return re.sub(r"\s+", " ", text[max(clause.start, mention.start - 60) : mention.start])


def stated_start(text: str, mentions: list[DateMention]) -> Proposal | None:
    """A start date the term clause states ("shall commence on 1 January 1998"): the
    effective date when the preamble names none."""
    for clause in term_clauses(text)[:6]:
        m = _start_mention(text, clause, mentions)
        if m:
            span = Span(m.start, m.end, text[m.start : m.end])
            return Proposal(Field.EFFECTIVE_DATE, m.value, span, 0.7, "term clause: start")
    return None


def _start_mention(
    text: str, clause: TermClause, mentions: list[DateMention]
) -> DateMention | None:
    for m in mentions:
        inside = clause.start <= m.start < clause.end and m.value is not None
        if inside and _STARTS.search(_before(text, clause, m)):
            return m
    return None


def _start_of(text: str, clause: TermClause, mentions: list[DateMention],
              anchors: Anchors) -> tuple[date | None, str]:  # fmt: skip
    sentence = text[clause.start : clause.end]
    start = _start_mention(text, clause, mentions)
    if start and start.value:
        return start.value, f"start date {start.value.isoformat()}"
    anchor = _FROM_ANCHOR.search(sentence)
    if anchor:
        value, label = anchors.resolve(anchor["anchor"])
        return value, label
    return anchors.resolve("effective date")


def _derived_end(text: str, clause: TermClause, mentions: list[DateMention],
                 anchors: Anchors) -> Proposal | None:  # fmt: skip
    sentence = text[clause.start : clause.end]
    ann = _ANNIVERSARY.search(sentence)
    if ann:
        if ann["ord"]:
            years = ordinal_to_int(ann["ord"]) or int(re.sub(r"\D", "", ann["ord"]) or 0)
        else:
            years = parse_amount(ann["card"]) or 0
        base, label = anchors.resolve(ann["anchor"])
        if base and years:
            end = base + relativedelta(years=years)
            trace = f"expiration = {label} {base.isoformat()} + {years} years"
            s, e = clause.start + ann.start(), clause.start + ann.end()
            return _proposal(end, s, e, text, 0.75, trace)
        return None
    found = _FOR_DURATION.search(sentence) or _under_term_heading(text, clause.start, sentence)
    if not found:
        return None
    inner = DURATION_RE.search(sentence, found.start("amount"))
    duration = parse_duration(inner) if inner else None
    if (
        duration is None
        or duration.unit not in ("years", "months")
        or "[" in sentence[max(0, found.start() - 5) : found.end()]
    ):
        return None
    base, label = _start_of(text, clause, mentions, anchors)
    s, e = clause.start + found.start("amount"), clause.start + found.end()
    if base is None:
        return None
    end = _add(base, duration)
    trace = f"expiration = {label} {base.isoformat()} + {duration}"
    return _proposal(end, s, e, text, 0.7, trace)


# "shall continue in effect for the Service Period", "until the Expiry Date": a period or
# date with a capitalised name defined elsewhere in the text
_NAMED_PERIOD = re.compile(
    r"\b(?:for|until|through|during|to|on)\s+the\s+(?!(?:Effective|Commencement|Initial|"
    r"Execution|Signature|Renewal)\s)(?P<name>(?:[A-Z][\w-]*\s+){1,3}"
    r"(?:Period|Term|Date|Window|Duration|Season|Phase))\b"
)


def _defined_period(text: str, clause: TermClause, mentions: list[DateMention],
                    anchors: Anchors) -> Proposal | None:  # fmt: skip
    sentence = re.sub(r"\s+", " ", text[clause.start : clause.end])
    for found in _NAMED_PERIOD.finditer(sentence):
        name = found["name"]
        words = r"\s+".join(re.escape(w) for w in name.split())
        definition = re.search(
            rf"{_Q_OPEN}{words}{_Q_CLOSE}\s*(?:shall\s+)?(?:means?|is|shall\s+be)\b"
            rf"|\((?:the\s+|such\s+)?{_Q_OPEN}{words}{_Q_CLOSE}\s*\)",
            text,
        )
        if definition is None:
            continue
        for start, end in sentences(text, definition.start(), definition.end()):
            inner = TermClause(start, end, 1.0)
            proposal = _stated_end(text, inner, mentions) or _derived_end(
                text, inner, mentions, anchors
            )
            if proposal:
                proposal.trace = (proposal.trace + f" ({name} as defined)").strip()
                return proposal
    return None


_Q_OPEN = '["\u201c]'
_Q_CLOSE = '["\u201d]'


def _until_event(text: str) -> Proposal | None:
    """A term that lasts until an event ("until Acme ceases development", "ending on the
    expiration of all orders") rather than for a time or to a date: no end date."""
    spans = sentences(text)
    starts = [s for s, _ in spans]
    seen = -1
    for trigger in _UNTIL_TRIGGER.finditer(text):
        index = bisect_right(starts, trigger.start()) - 1
        if index <= seen or index < 0:
            continue
        seen = index
        start, end = spans[index]
        if end - start > 1500:
            continue
        lowered = text[start:end].lower()
        if not any(w in lowered for w in ("agreement", "contract", "term", "employment")):
            continue
        sentence = re.sub(r"\s+", " ", text[start:end])
        found = _UNTIL_EVENT.search(sentence)
        if not found or _SURVIVAL.search(sentence, 0, found.start()):
            continue
        on_notice = found.group(0).lower().endswith("notice")
        if not on_notice and _EVENT_TAIL.search(sentence, found.end(), found.end() + 220):
            continue
        raw = _UNTIL_EVENT.search(text, start, end)
        s, e = raw.span() if raw else (start, end)
        return _proposal(PERPETUAL, s, e, text, 0.6, "the term ends on an event, not on a date")
    return None


# cheap marks of the sentences worth the full pattern
_UNTIL_TRIGGER = re.compile(
    r"\buntil\b|\b(?:end|ending|expire|expiring|terminate)\s+(?:on|upon|with)\s+the\b",
    re.IGNORECASE,
)
_SURVIVAL = re.compile(
    r"surviv|confidential|obligations?\s+(?:of|under)|licen[cs]e|warrant|"
    r"\bif\b|\bin\s+the\s+event\b|\bprovided\b",
    re.IGNORECASE,
)


def expiration(text: str, mentions: list[DateMention], anchors: Anchors) -> Proposal | None:
    """The end of the initial term: a stated date, else a duration from the start date, else
    "perpetual" when the term lasts until an event."""
    anchors.commencement = commencement_date(text, mentions)
    return _expiration(text, mentions, anchors) or _until_event(text)


def _expiration(text: str, mentions: list[DateMention], anchors: Anchors) -> Proposal | None:
    clauses = term_clauses(text)[:6]
    for i, clause in enumerate(clauses):
        stated = _stated_end(text, clause, mentions)
        if stated:
            return stated
        derived = _derived_end(text, clause, mentions, anchors)
        if derived:
            # a date stated in the next sentences of the same clause beats the arithmetic
            for other in clauses[i + 1 :]:
                if 0 < other.start - clause.end < 600 and other.score >= clause.score:
                    stated = _stated_end(text, other, mentions)
                    if stated:
                        return stated
            return derived
        defined = _defined_period(text, clause, mentions, anchors)
        if defined:
            return defined
        sentence = text[clause.start : clause.end]
        perpetual = _PERPETUAL.search(sentence)
        if perpetual and not re.search(
            r"\b(?:period|term)\s+of\b|\byears?\b|\bmonths?\b", sentence
        ):
            s, e = clause.start + perpetual.start(), clause.start + perpetual.end()
            return _proposal(PERPETUAL, s, e, text, 0.7, "the term has no end date")
    return None
