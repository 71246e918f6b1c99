"""Structure of messy contract text: sentences, filing footers, the preamble.

Contract texts come from PDFs and EDGAR filings: some have no line breaks, some break every
line, page numbers and "Source: COMPANY, 10-K, 3/30/2016" footers interrupt sentences. The
helpers here work on the original text and return offsets into it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Where a sentence ends: a full stop or a blank line before a capital or a clause number
# (a blank line before a lower-case word is a page break inside a sentence).
_NEXT = r"(?=[\"'(\u201c]?[A-Z0-9]|\([a-z0-9]{1,4}\)\s)"
_BOUNDARY = re.compile(rf"\.\s+{_NEXT}|\n[ \t\r]*\n\s*{_NEXT}")
_YEAR_AFTER_DAY = re.compile(r"\d\d?\.\s+(?:19|20)\d\d\b|\d\.\s+(?:19|20)\d\d\b")
# ...unless the full stop ends an abbreviation or an initial ("Inc.", "No.", "J. Smith")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Inc|Ltd|Co|Corp|No|Nos|Sec|St|Mr|Mrs|Ms|Dr|U\.S|vs|Jr|Sr|Art|para)|\b[A-Za-z])$"
)
_MONTH_BEFORE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)$",
    re.IGNORECASE,
)
_MAX_SENTENCE = 1500

# "Source: ACME CORP, 10-K, 3/30/2016": the EDGAR filing footer, never a contract date.
_FILING_FOOTER = re.compile(r"Source:\s[^\n]{1,120}?,\s*[\w/().-]{1,20}(?:\s[\w/().-]{1,12})?,\s*$")
_PAGE_BEFORE = re.compile(r"\bPage\s*$", re.IGNORECASE)


def _boundaries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(end of sentence, start of the next) pairs in text[start:end]."""
    found = []
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == "." and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start()):
            continue
        if _YEAR_AFTER_DAY.match(text, max(0, m.start() - 2)):  # "March 18. 2021"
            continue
        if (
            text[m.start()] == "."
            and text[m.end() : m.end() + 1].isdigit()
            and _MONTH_BEFORE.search(text, max(0, m.start() - 10), m.start())
        ):  # "April. 1st 2019"
            continue
        found.append((m.start() + (1 if text[m.start()] == "." else 0), m.end()))
    return found


def sentence_bounds(text: str, pos: int, end: int | None = None) -> tuple[int, int]:
    """The sentence around text[pos:end], limited to a few hundred characters each side."""
    end = pos if end is None else end
    lo = max(0, pos - _MAX_SENTENCE)
    cuts = _boundaries(text, lo, pos)
    start = cuts[-1][1] if cuts else lo
    after = _boundaries(text, end, min(len(text), end + _MAX_SENTENCE))
    stop = after[0][0] if after else min(len(text), end + _MAX_SENTENCE)
    return start, stop


def sentence_at(text: str, pos: int, end: int | None = None) -> tuple[int, int, str]:
    start, stop = sentence_bounds(text, pos, end)
    return start, stop, text[start:stop]


@lru_cache(maxsize=8)
def _all_sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for stop, nxt in _boundaries(text, 0, len(text)):
        if stop > cursor:
            spans.append((cursor, stop))
        cursor = nxt
    if cursor < len(text):
        spans.append((cursor, len(text)))
    return tuple(spans)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (whole sentences, computed once per text)."""
    end = len(text) if end is None else end
    return [(s, e) for s, e in _all_sentences(text) if e > start and s < end]


def is_filing_noise(text: str, pos: int) -> bool:
    """A date that is part of a filing footer ("Source: ..., 10-K, 3/30/2016") or a page
    header ("Page 2 May 2004")."""
    before = text[max(0, pos - 140) : pos]
    return bool(_FILING_FOOTER.search(before) or _PAGE_BEFORE.search(before))


def squash(text: str) -> str:
    """Collapse whitespace, for display of quotes."""
    return re.sub(r"\s+", " ", text).strip()
