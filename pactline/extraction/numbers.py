"""Numbers and lengths of time as contracts write them: "five (5) years", "sixty (60) days".

The parenthesised digits win over the words when both are present, because drafting errors
("sixty 90 days") are usually fixed in the digits.
"""

from __future__ import annotations

import re

from pactline.extraction.model import Duration

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip

_TENS_ALT = "|".join(TENS)
_UNITS_ALT = "|".join(sorted(UNITS, key=len, reverse=True))
# "twenty-five", "twenty five", "ninety", "six", "a", "an"
NUMBER_WORD = rf"(?:(?:{_TENS_ALT})(?:[\s-]+(?:{_UNITS_ALT}))?|{_UNITS_ALT}|hundred)"
_ORD_ALT = "|".join(sorted(ORDINALS, key=len, reverse=True))
ORDINAL_WORD = rf"(?:(?:{_TENS_ALT})[\s-]+(?:{_ORD_ALT})|{_ORD_ALT})"

# An amount: "five (5)", "5", "(5)", "sixty 90", "one hundred twenty (120)", "a", "an".
AMOUNT = (
    rf"(?:(?:one\s+hundred(?:\s+and)?\s+)?{NUMBER_WORD}\s*\(\s*\d{{1,4}}\s*\)"
    rf"|(?:one\s+hundred(?:\s+and)?\s+)?{NUMBER_WORD}(?:\s+\d{{1,4}})?"
    r"|\(\s*\d{1,4}\s*\)|\d{1,4}|an?)"
)
UNIT = (
    r"(?:(?:calendar|business|working)\s+)?"
    r"(?:days?|weeks?|months?|years?|calendar\s+quarters?|quarters?|contract\s+years?)"
)
# "five (5) years", "ninety (90) calendar days", "one-year", "5-year", "twelve month"
DURATION = rf"(?P<amount>{AMOUNT})\s*(?:-\s*)?(?P<unit>{UNIT})\b"
DURATION_RE = re.compile(DURATION, re.IGNORECASE)


def words_to_int(words: str) -> int | None:
    """ "twenty-five" -> 25, "one hundred twenty" -> 120, "a" -> 1; None when not a number."""
    tokens = re.split(r"[\s-]+", words.strip().lower())
    total = 0
    seen = False
    for token in tokens:
        if token in ("a", "an"):
            total, seen = total + 1, True
        elif token in UNITS:
            total, seen = total + UNITS[token], True
        elif token in TENS:
            total, seen = total + TENS[token], True
        elif token == "hundred":
            total, seen = max(total, 1) * 100, True
        elif token != "and":
            return None
    return total if seen else None


def ordinal_to_int(words: str) -> int | None:
    """ "twenty-first" -> 21, "fifth" -> 5; None when not an ordinal word."""
    tokens = re.split(r"[\s-]+", words.strip().lower())
    if len(tokens) == 2 and tokens[0] in TENS and tokens[1] in ORDINALS:
        return TENS[tokens[0]] + ORDINALS[tokens[1]]
    if len(tokens) == 1 and tokens[0] in ORDINALS:
        return ORDINALS[tokens[0]]
    return None


def parse_amount(text: str) -> int | None:
    """The number in an AMOUNT match, preferring its digits."""
    digits = re.findall(r"\d+", text)
    if digits:
        return int(digits[-1])
    return words_to_int(text)


def normalise_unit(unit: str) -> str:
    unit = re.sub(r"\s+", " ", unit.lower())
    business = unit.startswith(("business", "working"))
    unit = unit.split(" ")[-1]
    unit = unit if unit.endswith("s") else unit + "s"
    if unit == "quarters":
        return "months"  # converted by the caller's amount * 3
    return "business days" if business and unit == "days" else unit


def parse_duration(match: re.Match[str]) -> Duration | None:
    amount = parse_amount(match.group("amount"))
    if amount is None or amount <= 0:
        return None
    unit = normalise_unit(match.group("unit"))
    if "quarter" in match.group("unit").lower():
        amount *= 3
    return Duration(amount, unit)


def find_duration(text: str) -> tuple[Duration, re.Match[str]] | None:
    """The first length of time in `text`."""
    for match in DURATION_RE.finditer(text):
        duration = parse_duration(match)
        if duration:
            return duration, match
    return None
