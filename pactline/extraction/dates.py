"""Find the dates written in a contract, with their offsets, including blanked-out ones.

Patterns run on the original text (whitespace-tolerant), so every offset points into it.
Handles "May 1, 2006", "the 1st day of May, 2006", "1 st day of May 2006" (PDF-split
ordinals), "the twenty-first day of June, 1999", "26 September 2019", "5/1/2006", "13/07/05",
"2006-05-01", and blanks such as "September __, 2018", "[***], 2020", "[]/[]/2020".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pactline.extraction.numbers import ORDINAL_WORD, ordinal_to_int

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s*)"
# 1st, 1 st, 15t h, 21s t, 2nd, 3rd: PDF text layers split suffixes
_ORD_SUFFIX = r"(?:\s?(?:s\s?t|n\s?d|r\s?d|t\s?h)\b)?"
_DAY = rf"(?P<day>[0-3]?\d){_ORD_SUFFIX}"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_BLANK = r"(?:_+|\[\s*\*+\s*\]|\[\s*\]|\*{3,}|\[\s*\.{3}\s*\*+\s*\.{3}\s*\])"

_PATTERNS: list[tuple[str, str]] = [
    # "May 1, 2006", "April. 1st 2019", "March 18. 2021", "MAY 3,2006"
    ("mdy", rf"\b{_MONTH}\.?\s*{_DAY}\s*[,.]?\s*,?\s*{_YEAR}"),
    # "1st day of May, 2006", "the 21st day of June 1999", "20th day of Friday, March 2020",
    # "26 September 2019", "16 day of August. 2012", "20 March day of 1998"
    (
        "dmy",
        rf"\b{_DAY}\)?\s*(?:day\s+of\s+)?{_WEEKDAY}?{_MONTH}\s*[,.]?\s*(?:in\s+the\s+year\s+|day\s+of\s+)?"
        rf"{_YEAR}",
    ),
    # "the twenty-first day of June, 1999"
    (
        "dmy_words",
        rf"\b(?P<dayword>{ORDINAL_WORD})\s+day\s+of\s+{_WEEKDAY}?{_MONTH}\s*[,.]?\s*{_YEAR}",
    ),
    # 2006-05-01
    ("iso", r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"),
    # 5/1/2006, 05-01-2006, 1/14/02, 13/07/05, 10-11-96
    ("numeric", r"(?<![\d/.-])(?P<a>[0-3]?\d)([/.-])(?P<b>[0-3]?\d)\2(?P<y>\d{4}|\d\d)(?![\d/])"),
    # blanks: "September __, 2018", "[***], 2020", "___________ __, 2000", "[]/[]/2020",
    # "this ___ day of ______, 19__", "July 2013" (no day)
    ("blank_md", rf"\b{_MONTH}\s*(?:{_BLANK}\s*)+,?\s*(?P<year>(?:19|20)(?:\d\d|_+))"),
    ("blank_all", rf"(?:{_BLANK}\s*){{1,3}},\s*(?P<year>(?:19|20)(?:\d\d|_+))"),
    ("blank_num", rf"{_BLANK}\s*/\s*{_BLANK}\s*/\s*(?P<year>(?:19|20)\d\d)"),
    (
        "blank_day",
        rf"\b{_BLANK}\s*day\s+of\s+(?:{_MONTH}|{_BLANK})\s*,?\s*(?P<year>(?:19|20)(?:\d\d|_+))",
    ),
    # "made as of , 2013," (the day and month left out)
    (
        "blank_empty",
        r"\b(?:as\s+of|dated|AGREEMENT|made\s+on)\s+(?P<span>,\s*(?P<year>(?:19|20)\d\d))\b",
    ),
    ("month_year", rf"\b{_MONTH}\s*,?\s*{_YEAR}"),
]
_COMPILED = [(name, re.compile(p, re.IGNORECASE)) for name, p in _PATTERNS]
_BLANK_KINDS = {"blank_md", "blank_all", "blank_num", "blank_day", "blank_empty", "month_year"}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: date | None  # None when blanked out or without a day
    kind: str

    @property
    def redacted(self) -> bool:
        return self.value is None


def _two_digit_year(year: int) -> int:
    return year + (2000 if year < 50 else 1900)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _value(kind: str, m: re.Match[str]) -> date | None:
    if kind in ("mdy", "dmy"):
        return _safe_date(int(m["year"]), _month(m["month"]), int(m["day"]))
    if kind == "dmy_words":
        day = ordinal_to_int(m["dayword"])
        return _safe_date(int(m["year"]), _month(m["month"]), day) if day else None
    if kind == "iso":
        return _safe_date(int(m["year"]), int(m["m"]), int(m["d"]))
    if kind == "numeric":
        a, b, y = int(m["a"]), int(m["b"]), m["y"]
        year = int(y) if len(y) == 4 else _two_digit_year(int(y))
        if a > 12 >= b:  # 13/07/05 is day/month/year
            a, b = b, a
        return _safe_date(year, a, b)
    return None


# Cheap markers of where a date may be; the full patterns only run in windows around them.
# Every date form has a year (or "19__") or a numeric d/m/y: cheap markers of where to look
_HINT = re.compile(r"(?:19|20)(?:\d\d|__)|\d[/.-]\d{1,2}[/.-]\d")
_BACK, _AHEAD = 72, 12  # the year ends most forms; ISO and numeric dates start with it


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for m in _HINT.finditer(text, start, end):
        lo, hi = max(start, m.start() - _BACK), min(end, m.end() + _AHEAD)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """All date mentions in text[start:end], in reading order, without overlaps."""
    end = len(text) if end is None else end
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    windows = _windows(text, start, end)
    for kind, pattern in _COMPILED:
        for m in (m for lo, hi in windows for m in pattern.finditer(text, lo, hi)):
            s0, e0 = m.span("span") if "span" in pattern.groupindex else m.span()
            if any(s0 < e and s < e0 for s, e in taken):
                continue
            value = _value(kind, m)
            if value is None and kind not in _BLANK_KINDS:
                continue
            if kind == "numeric" and not _plausible_numeric(text, m):
                continue
            taken.append((s0, e0))
            found.append(DateMention(s0, e0, text[s0:e0], value, kind))
    return sorted(found, key=lambda d: d.start)


def _plausible_numeric(text: str, m: re.Match[str]) -> bool:
    """Numeric dates need a separator that is not a decimal point and a four-digit year or a
    slash; "1.2.10" is a section number, "10-11-96" a date."""
    sep = text[m.start() + len(m["a"])]
    if sep == ".":
        return len(m["y"]) == 4
    return True
