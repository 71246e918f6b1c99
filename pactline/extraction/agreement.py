"""Agreement date and effective date: the title block, the preamble, the signatures.

The agreement date is the date the preamble says the contract was made ("made and entered
into as of", "dated", "executed on", "this 21st day of June"), else the lone date of the title
block, else the last date next to the signatures. The effective date is a date the text ties to
effectiveness ("effective as of", '(the "Effective Date")', "shall commence on"), else the
agreement date when the text's defined term "Effective Date" points back to the preamble, else
the last signature date when it is defined as the date of the last signature. Otherwise empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from pactline.extraction.dates import DateMention
from pactline.extraction.model import Field, Proposal, Span
from pactline.extraction.text import is_filing_noise, sentence_bounds

HEAD = 6000  # the title block and preamble live in the first few thousand characters
_Q = r"[\"'\u201c\u201d\u2018\u2019]{0,2}"

_MADE = re.compile(
    r"\b(?:made|entered\s+into|executed|concluded|signed|dated|agreed)"
    r"(?:\s+(?:and|&)\s+(?:entered\s+into|effective|executed|delivered|made|dated))?"
    r"(?:\s+into)?(?:\s+(?:and\s+is\s+)?effective)?"
    r"(?:\s+(?:in|at)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?,?)?"
    r"(?:\s*,?\s*(?:as\s+of|on|at|effective|in|with\s+effect\s+from|from))?"
    r"(?:\s*,?\s*and\s+(?:is\s+)?effective(?:\s+as\s+of|\s+on)?)?\s*,?"
    r"(?:\s+(?:this|the))*\s*(?:\(?[a-z-]+\)?\s*)?\(?$",
    re.IGNORECASE,
)
_EFFECTIVE = re.compile(
    r"(?:\beffective(?:\s+date)?|\bcommenc\w*|\bbegin\w*|\bstart\w*"
    r"|\bcommencement\s+date(?:\s+[\w ]{0,40}?(?=:))?)"
    r"(?:\s*(?::|is|shall\s+be|will\s+be|means|shall\s+mean))?"
    r"(?:\s*,?\s*(?:as\s+of|on|from|upon|at|in))?\s*,?(?:\s+(?:this|the))*\s*(?:\(?[a-z-]+\)?\s*)?$",
    re.IGNORECASE,
)
_DEFINED_AFTER = re.compile(
    rf"^\s*,?\s*\(?\s*(?:(?:the|this|hereinafter|herein|referred\s+to\s+as|called|as)\s+)*"
    rf"{_Q}\s*(?:Effective\s+Date|Commencement\s+Date)",
    re.IGNORECASE,
)
_AS_OF = re.compile(r"\bas\s+of\s*,?(?:\s+(?:this|the))*\s*$", re.IGNORECASE)
_SIGNED_DATE = re.compile(r"\b(?:dated|date)\s*:?\s*$", re.IGNORECASE)
_EFFECTIVE_IS_PREAMBLE = re.compile(
    r"(?:this|the)\s+(?:agreement|contract|term)\b[^.;]{0,120}?"
    r"(?:commenc\w*|begin\w*|effective|take\s+effect|start\w*)\s+(?:on|as\s+of|from|upon)\s+"
    r"(?:the\s+)?(?:date\s+(?:first\s+)?(?:above\s+)?(?:written|set\s+forth|hereof|of\s+execution"
    r"|of\s+this\s+agreement)|execution\s+(?:of|hereof))"
    rf"|effective\s+date{_Q}\s*\)?\s*(?:shall\s+)?(?:mean|means|is|shall\s+be|has\s+the\s+meaning)"
    r"[^.]{0,80}?(?:preamble|first\s+(?:above\s+)?(?:written|set\s+forth|stated)|date\s+hereof|"
    r"date\s+of\s+this\s+agreement)",
    re.IGNORECASE,
)
_EFFECTIVE_IS_LAST_SIGNATURE = re.compile(
    r"effective\s+date[^.]{0,60}?(?<!after\sthe\sdate\sof\s)(?:last|latest|later)\s+(?:of\s+the\s+)?"
    r"(?:signature|signatory|party\s+(?:hereto\s+)?(?:has\s+)?(?:to\s+)?(?:execute|sign)|"
    r"date\s+(?:of\s+)?signed)"
    r"|\beffective\s+(?:as\s+of|on|upon)\s+the\s+(?:date\s+(?:of\s+(?:the\s+)?)?(?:last|latest|later|final)"
    r"\s+(?:signature|execution)|date\s+(?:last|finally)\s+signed)"
    r"|(?<!after\sthe\sdate\sof\s)(?:last|latest)\s+(?:signature|signatory|party\s+(?:hereto\s+)?(?:has\s+)?(?:execute|sign))"
    r"[^.]{0,40}?\(\s*[\"'\u201c\u201d]{0,2}effective\s+date",
    re.IGNORECASE,
)
# '"Effective Date" means the date on which the Authority approves this Contract', "the
# Effective Date shall be the Closing Date": effectiveness waits for an event
_EFFECTIVE_IS_EVENT = re.compile(
    rf"effective\s+date{_Q}\s*\)?\s*(?:shall\s+)?(?:mean|means|is|shall\s+be)\s+(?:the\s+)?"
    r"(?:effective\s+date\s+of\s+this\s+\w+\s*,?\s*which\s+shall\s+be\s+the\s+)?"
    r"(?:first\s+)?(?:date|day)\s+(?:on\s+which|upon\s+which|when|that)\b(?![^.]{0,80}?\b(?:sign|"
    r"execut))"
    r"|\b(?:this|the)\s+(?:agreement|contract)\s+shall\s+(?:take\s+effect|become\s+effective)"
    r"\s+(?:after|upon|when|once)\s+(?:it\s+is\s+|the\s+)?(?:approv|receipt|obtain|clos|satisf)",
    re.IGNORECASE,
)
_DAY_AFTER = re.compile(r"[Dd]ay\s+(?:after|following)\s|DAY\s+(?:AFTER|FOLLOWING)\s")
_DAY_AFTER_LAST_SIGNATURE = re.compile(
    r"effective[^.]{0,80}?\bday\s+(?:after|following)\s+the\s+(?:date\s+of\s+(?:the\s+)?)?"
    r"(?:last|latest|later|final)\s+(?:signature|execution)"
    rf"|\bday\s+(?:after|following)\s+the\s+(?:date\s+of\s+(?:the\s+)?)?(?:last|latest|final)\s+"
    rf"signature[^.]{{0,60}}?\(\s*(?:the\s+)?{_Q}effective\s+date",
    re.IGNORECASE,
)
_EFFECTIVE_BLANK = re.compile(
    r"Effective\s+Date\b[^.]{0,80}?(?:_{3,}|\[\s*\*+\s*\])", re.IGNORECASE
)
_DEFINED_TERM = re.compile(r"Effective Date|EFFECTIVE DATE")
_AGREEMENT_NOUN = re.compile(
    r"\b(?:agreement|contract|amendment|plan|letter|license|lease|note|indenture|addendum)s?\b",
    re.IGNORECASE,
)
_OTHER_DETERMINERS = frozenset(
    {
        "a", "an", "that", "certain", "said", "such", "original", "existing", "prior", "the",
        "its", "their", "each", "any",
    }
)  # fmt: skip
_OWN_DETERMINERS = frozenset(("this", "these", "present"))
_SIGNATURE_CUE = re.compile(r"/s/|IN WITNESS WHEREOF|By signing below", re.IGNORECASE)


@dataclass
class Candidate:
    mention: DateMention
    kind: str  # made, effective, as_of, signed
    effective: bool  # the text ties this date to effectiveness
    score: float


def _before(text: str, mention: DateMention, width: int = 90) -> str:
    return re.sub(r"\s+", " ", text[max(0, mention.start - width) : mention.start]).rstrip()


def is_reference(text: str, mention: DateMention) -> bool:
    """Whether the words before a date name another agreement ("to the Supply Agreement
    dated as of ...") rather than this one."""
    window = re.sub(r"\s+", " ", text[max(0, mention.start - 200) : mention.start])
    window = re.sub(r"\([^()]*\)", " ", window)
    nouns = list(_AGREEMENT_NOUN.finditer(window))
    if not nouns:
        return False
    last = nouns[-1]
    tail = window[last.end() :]
    if len(tail) > 60 or re.search(r"[.;]\s|\bby\s+and\s+between\b|\bis\b", tail):
        return False
    for word in reversed(window[: last.start()].split()[-8:]):
        word = word.strip(",\"'\u201c\u201d").lower()
        if word in _OWN_DETERMINERS:
            return False
        if word in _OTHER_DETERMINERS:
            return True
        if word.endswith("."):
            return False
    return False


def _in_definition(text: str, mention: DateMention) -> bool:
    """A date inside a glossary entry ('"Ares Agreement" means the agreement dated ...')."""
    start, _ = sentence_bounds(text, mention.start)
    return bool(re.search(r"\b(?:means|shall\s+mean)\b", text[start : mention.start]))


def candidates(text: str, mentions: list[DateMention]) -> list[Candidate]:
    found: list[Candidate] = []
    for m in mentions:
        if m.start > HEAD or is_filing_noise(text, m.start) or _in_definition(text, m):
            continue
        before = _before(text, m)
        defined = bool(_DEFINED_AFTER.match(text[m.end : m.end + 80]))
        made = _MADE.search(before)
        if made:
            if not is_reference(text, m):
                effective = defined or "effective" in made.group(0).lower()
                found.append(Candidate(m, "made", effective, 0.9))
        elif _EFFECTIVE.search(before):
            if not is_reference(text, m):
                found.append(Candidate(m, "effective", True, 0.85))
        elif _AS_OF.search(before):
            if not is_reference(text, m):
                found.append(Candidate(m, "as_of", defined, 0.7 if defined else 0.6))
        elif defined and not is_reference(text, m):
            found.append(Candidate(m, "effective", True, 0.8))
    return found


_PREAMBLE = re.compile(
    r"\b(?:THIS|This)\b|\bWHEREAS\b|\bRECITALS?\b|\bby\s+and\s+between\b|Ladies and Gentlemen"
)


def preamble_start(text: str) -> int:
    """Where the preamble ("This Agreement is made...") starts; the title block is before it."""
    found = _PREAMBLE.search(text, 0, HEAD)
    return found.start() if found else 1500


def _title_date(text: str, mentions: list[DateMention], taken: set[int]) -> DateMention | None:
    """A lone date in the title block: before the first sentence of the preamble."""
    limit = min(preamble_start(text), 2500)
    for m in mentions:
        if m.start >= limit:
            break
        if m.start in taken or is_filing_noise(text, m.start) or is_reference(text, m):
            continue
        return m
    return None


def signature_dates(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """Dates written next to signatures ("/s/ Jane Doe Date: 1/14/02")."""
    cues = [m.start() for m in _SIGNATURE_CUE.finditer(text)]
    found = []
    for m in mentions:
        if m.value is None or is_filing_noise(text, m.start):
            continue
        near = any(-250 <= m.start - cue <= 400 for cue in cues)
        if near and m.start > 1000:
            found.append(m)
    return found


def _proposal(field: Field, mention: DateMention, text: str, score: float, src: str) -> Proposal:
    return Proposal(
        field=field,
        value=mention.value,
        span=Span(mention.start, mention.end, text[mention.start : mention.end]),
        confidence=score,
        source=src,
        redacted=mention.value is None,
    )


def agreement_date(text: str, mentions: list[DateMention]) -> Proposal | None:
    cands = candidates(text, mentions)
    made = [c for c in cands if c.kind == "made"]
    if made:
        return _proposal(Field.AGREEMENT_DATE, made[0].mention, text, 0.9, "preamble: made")
    # "effective as of this 1st day of March": an execution-style date, not a start date
    this_day = [c for c in cands if c.kind == "effective" and _before(text, c.mention, 12)
                .lower().endswith(("this", "the"))]  # fmt: skip
    if this_day:
        return _proposal(Field.AGREEMENT_DATE, this_day[0].mention, text, 0.75, "preamble")
    title = _title_date(text, mentions, {c.mention.start for c in cands if c.effective})
    if title:
        return _proposal(Field.AGREEMENT_DATE, title, text, 0.75, "title block")
    as_of = [c for c in cands if c.kind == "as_of"]
    if as_of:
        return _proposal(Field.AGREEMENT_DATE, as_of[0].mention, text, 0.6, "preamble: as of")
    if any(c.effective for c in cands):
        return None
    signed = signature_dates(text, mentions)
    if signed:
        last = max(signed, key=lambda m: m.value)  # type: ignore[arg-type,return-value]
        return _proposal(Field.AGREEMENT_DATE, last, text, 0.5, "last signature date")
    return None


def effective_date(
    text: str, mentions: list[DateMention], agreement: Proposal | None
) -> Proposal | None:
    cands = [c for c in candidates(text, mentions) if c.effective]
    if cands:
        return _proposal(Field.EFFECTIVE_DATE, cands[0].mention, text, 0.85, "effective clause")
    day_after = _DAY_AFTER.search(text) and _DAY_AFTER_LAST_SIGNATURE.search(text)
    if day_after or _EFFECTIVE_IS_LAST_SIGNATURE.search(text):
        signed = signature_dates(text, mentions)
        if not signed:
            return None  # "as of the date last signed" with no date by the signatures
        last = max(signed, key=lambda m: m.value)  # type: ignore[arg-type,return-value]
        proposal = _proposal(Field.EFFECTIVE_DATE, last, text, 0.6, "last signature date")
        proposal.trace = "effective date = date of the last signature"
        if day_after and last.value:
            proposal.value = last.value + timedelta(days=1)
            proposal.trace = f"effective date = last signature {last.value.isoformat()} + 1 day"
        return proposal
    blank = _EFFECTIVE_BLANK.search(text)
    if blank:
        span = Span(blank.start(), blank.end(), blank.group(0))
        return Proposal(Field.EFFECTIVE_DATE, None, span, 0.7, "effective clause", redacted=True)
    if agreement is None:
        return None
    if _EFFECTIVE_IS_PREAMBLE.search(text):
        return _same_as_agreement(agreement)
    if _EFFECTIVE_IS_EVENT.search(text):
        return None  # "Effective Date" means the date the authority approves: not yet known
    if _DEFINED_TERM.search(text):
        return _same_as_agreement(agreement)
    return None


def _same_as_agreement(agreement: Proposal) -> Proposal:
    return Proposal(
        field=Field.EFFECTIVE_DATE,
        value=agreement.value,
        span=agreement.span,
        confidence=0.65,
        source="agreement date",
        redacted=agreement.redacted,
        trace=f"effective date = agreement date {agreement.display() or '(redacted)'}",
    )
