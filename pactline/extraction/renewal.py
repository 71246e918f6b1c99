"""Renewal term and the notice period to stop a renewal.

"shall automatically renew for successive one (1) year periods unless either party gives
notice of non-renewal at least ninety (90) days prior to the end of the then-current term"
gives renewal term "successive 1 year" and notice period "90 days". Phrases as CUAD's
annotators write them: "successive" when renewals repeat, the number in digits, singular unit
for one.
"""

from __future__ import annotations

import re

from pactline.extraction.model import Duration, Field, Proposal, Span
from pactline.extraction.numbers import DURATION, DURATION_RE, parse_duration
from pactline.extraction.text import sentences

_RENEWAL = re.compile(
    r"\b(?:renew\w*|extend\w*|extension|year[\s-]to[\s-]year|month[\s-]to[\s-]month|"
    r"continue\s+(?:automatically|thereafter)|automatically\s+continue)",
    re.IGNORECASE,
)
_OF_AGREEMENT = re.compile(
    r"\b(?:this|the)\s+(?:[\w-]+\s+){0,2}?(?:agreement|contract|term|jsma)\b|\bterm\b|"
    r"\bagreement\b|\binitial\s+period\b",
    re.IGNORECASE,
)
_NOT_RENEWAL = re.compile(
    r"\b(?:license|licence|lease|patent|registration|insurance|policy|permit|visa|warrant|"
    r"statement\s+of\s+work|sow|purchase\s+order|attachment|schedule)s?\b[^.]{0,40}\brenew",
    re.IGNORECASE,
)
# a duration that is a notice period, not a renewal: "ninety (90) days prior to"
_NOTICE_AFTER = re.compile(
    r"^\s*(?:'s?|\u2019s?)?\s*(?:\([^)]{0,12}\)\s*)?(?:(?:calendar|business|days?|written|prior|advance)"
    r"\s+){0,3}(?:prior|before|in\s+advance|advance|notice)\b",
    re.IGNORECASE,
)
# renewals that need both parties to agree again are not renewal terms
_MUTUAL = re.compile(r"\bmutual(?:ly)?\b|\bupon\s+(?:the\s+)?agreement\s+of", re.IGNORECASE)
_RENEWAL_DURATION = re.compile(
    rf"(?:(?P<kind>successive|additional|subsequent|further|renewal|another|consecutive|each|"
    rf"every|one\s*\(1\)\s+additional|an?\s+additional|an?\s+further)\s+)?"
    rf"(?:(?:periods?|terms?)\s+of\s+)?(?:up\s+to\s+)?{DURATION}",
    re.IGNORECASE,
)
_BASIS = re.compile(
    r"\b(?:(?P<year>year[\s-]to[\s-]year|annual(?:ly)?|yearly|one-year)|(?P<month>month[\s-]to[\s-]"
    r"month|monthly))\b(?:\s+(?:basis|periods?|terms?|renewals?))?",
    re.IGNORECASE,
)
_REPEATS = re.compile(
    r"successive|each|every|subsequent|year[\s-]to[\s-]year|annual|consecutive|basis", re.IGNORECASE
)
_NOTICE = re.compile(
    rf"{DURATION}\s*(?:'s?|\u2019s?)?\s*(?:\([^)]{{0,12}}\)\s*)?(?:(?:prior|advance|written|"
    rf"advanced)\s+){{0,3}}(?:notice\b|prior\b|before\b|in\s+advance\b|advance\b|preceding\b)",
    re.IGNORECASE,
)
_NOTICE_TOPIC = re.compile(
    r"renew|extend|extension|expir|end\s+of\s+(?:the\s+|said\s+|such\s+|this\s+|any\s+)?"
    r"(?:then[\s-]*)?(?:current\s+|initial\s+|applicable\s+|relevant\s+|renewal\s+)?(?:term|period)|"
    r"terminate\s+relations|non-?renewal",
    re.IGNORECASE,
)


_NON_RENEWAL = re.compile(
    r"non-?renewal|not\s+to\s+(?:renew|extend)|(?:prior|before)\s+to\s+the\s+(?:expiration|end)\s+of\s+"
    r"(?:the\s+|this\s+)?(?:then[\s-]*current\s+|initial\s+|relevant\s+|applicable\s+|renewal\s+)?"
    r"(?:term|renewal)",
    re.IGNORECASE,
)


def _renewal_sentences(text: str) -> list[tuple[int, int]]:
    found = []
    for start, end in sentences(text):
        sentence = text[start:end]
        if len(sentence) > 1500 or not _RENEWAL.search(sentence):
            continue
        if not _OF_AGREEMENT.search(sentence) or _NOT_RENEWAL.search(sentence):
            continue
        if _MUTUAL.search(sentence):
            continue
        found.append((start, end))
    return found


def _format(duration: Duration, repeats: bool) -> str:
    return f"successive {duration}" if repeats else str(duration)


def _renewal_in(text: str, start: int, end: int) -> Proposal | None:
    sentence = text[start:end]
    keyword = _RENEWAL.search(sentence)
    if keyword is None:
        return None
    if re.match(r"extends?\s+(?:for|until|through|to)\b", sentence[keyword.start() :], re.I):
        return None  # "the term shall extend for 50 years" is the term itself
    for m in _RENEWAL_DURATION.finditer(sentence, keyword.start(), keyword.end() + 200):
        inner = DURATION_RE.search(sentence, m.start("amount"))
        duration = parse_duration(inner) if inner else None
        if duration is None or duration.unit not in ("years", "months"):
            continue
        if _NOTICE_AFTER.match(sentence[m.end() :]):
            continue
        before = sentence[max(0, m.start() - 40) : m.start()].lower()
        if re.search(r"\b(?:within|after|following|least|than|prior)\s*$", before):
            continue
        repeats = bool(_REPEATS.search(sentence))
        span = Span(start + m.start(), start + m.end(), m.group(0))
        return Proposal(Field.RENEWAL_TERM, _format(duration, repeats), span, 0.7, "renewal clause")
    basis = _BASIS.search(sentence)
    if basis:
        duration = Duration(1, "years" if basis["year"] else "months")
        span = Span(start + basis.start(), start + basis.end(), basis.group(0))
        return Proposal(Field.RENEWAL_TERM, _format(duration, True), span, 0.65, "renewal clause")
    return None


def renewal_term(text: str) -> tuple[Proposal | None, list[tuple[int, int]]]:
    """The renewal term and the sentences that talk about renewing the agreement."""
    found = _renewal_sentences(text)
    for start, end in found:
        proposal = _renewal_in(text, start, end)
        if proposal:
            return proposal, found
    return None, found


def notice_period(text: str, renewal_sentences: list[tuple[int, int]]) -> Proposal | None:
    """The notice to stop a renewal, looked for in and right after the renewal sentences."""
    spans = sentences(text)
    index = {s: i for i, s in enumerate(spans)}
    windows: list[tuple[int, int]] = []
    for sent in renewal_sentences:
        windows.append(sent)
        i = index.get(sent)
        if i is not None and i + 1 < len(spans):
            windows.append(spans[i + 1])
    strict = [s for s in spans if _NON_RENEWAL.search(text, s[0], s[1])]
    for start, end in [*windows, *strict]:
        sentence = text[start:end]
        if not _NOTICE_TOPIC.search(sentence):
            continue
        for m in _NOTICE.finditer(sentence):
            inner = DURATION_RE.search(sentence, m.start("amount"))
            duration = parse_duration(inner) if inner else None
            if duration is None:
                continue
            if duration.unit == "business days":
                duration = Duration(duration.amount, "days")
            span = Span(start + m.start(), start + m.end(), m.group(0))
            return Proposal(Field.NOTICE_PERIOD, duration, span, 0.7, "renewal clause")
    return None
