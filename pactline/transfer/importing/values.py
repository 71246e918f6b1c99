"""Reading one cell: dates (ISO, day-first, month-first, Excel), amounts, choices, text.

Every parser raises `ValueError` with a reason a person can act on. Results of text parsing
are cached: a sheet repeats the same dates and amounts many times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pactline.validation import MAX_MONEY, MAX_YEAR, MIN_YEAR, currencies

EXCEL_EPOCH = datetime(1899, 12, 30)
# Serial numbers from 1 Jan 1950 to 31 Dec 2149: anything else in a date column is a mistake.
SERIAL_RANGE = (18264, 91310)
TWO_DIGIT_PIVOT = 70  # 69 -> 2069, 70 -> 1970


class Formula(str):
    """A spreadsheet cell holding a formula (refused: we do not evaluate formulas)."""


@dataclass(frozen=True)
class Ambiguous:
    """A date like 03/04/2027 that reads differently day-first and month-first."""

    text: str
    dmy: date
    mdy: date


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ][\d:.]+(?:z|[+-]\d\d:?\d\d)?)?")
_NUMERIC = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_YMD_SLASH = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_SERIAL = re.compile(r"\d{5}(?:\.0+)?")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-./]+([a-z]+)\.?,?[\s\-./]+(\d{4})")
_MONTH_NAME_DAY = re.compile(r"([a-z]+)\.?[\s\-./]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(\d{4})")


def _make(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"has a year outside {MIN_YEAR}-{MAX_YEAR}")
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        value += 2000 if value < TWO_DIGIT_PIVOT else 1900
    return value


def from_serial(serial: float, epoch: datetime = EXCEL_EPOCH) -> date:
    if not SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
        raise ValueError("is a number, not a date (Excel serial numbers 18264-91310 are read)")
    return (epoch + timedelta(days=int(serial))).date()


@lru_cache(maxsize=4096)
def parse_date_text(text: str, order: str) -> date | Ambiguous:
    """A date from text; `order` is "dmy", "mdy" or "auto" (may answer Ambiguous)."""
    s = text.strip().lower()
    if m := _ISO.fullmatch(s):
        return _checked(_make(int(m[1]), int(m[2]), int(m[3])), text)
    if m := _YMD_SLASH.fullmatch(s):
        return _checked(_make(int(m[1]), int(m[2]), int(m[3])), text)
    if m := _NUMERIC.fullmatch(s):
        a, b, year = int(m[1]), int(m[2]), _year(m[3])
        dmy, mdy = _make(year, b, a), _make(year, a, b)
        if order == "dmy":
            return _checked(dmy, text, "as day/month/year")
        if order == "mdy":
            return _checked(mdy, text, "as month/day/year")
        if dmy and mdy and dmy != mdy:
            return Ambiguous(text, dmy, mdy)
        return _checked(dmy or mdy, text)
    if m := _DAY_MONTH_NAME.fullmatch(s):
        return _named(m[2], int(m[1]), m[3], text)
    if m := _MONTH_NAME_DAY.fullmatch(s):
        return _named(m[1], int(m[2]), m[3], text)
    if _SERIAL.fullmatch(s):
        return from_serial(float(s))
    raise ValueError("is not a date (use YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY)")


def _named(month_name: str, day: int, year: str, text: str) -> date:
    month = MONTHS.get(month_name)
    if month is None:
        raise ValueError(f"{month_name!r} is not a month name")
    return _checked(_make(int(year), month, day), text)


def _checked(value: date | None, text: str, how: str = "") -> date:
    if value is None:
        suffix = f" {how}" if how else ""
        raise ValueError(f"is not a valid date{suffix}")
    return value


def parse_date(value: object, order: str, epoch: datetime = EXCEL_EPOCH) -> date | Ambiguous:
    """A date from a cell: a date or datetime cell, an Excel serial number, or text."""
    if isinstance(value, datetime):
        return _checked(_make(value.year, value.month, value.day), str(value))
    if isinstance(value, date):
        return _checked(_make(value.year, value.month, value.day), str(value))
    if isinstance(value, bool):
        raise ValueError("is not a date")
    if isinstance(value, int | float):
        return from_serial(value, epoch)
    return parse_date_text(str(value), order)


# --- money --------------------------------------------------------------------------------------

SYMBOLS = {
    "€": "EUR",
    "$": "USD",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "chf": "CHF",
    "us$": "USD",
    "a$": "AUD",
    "c$": "CAD",
    "kr": "SEK",
}
_CODE = re.compile(r"[a-z]{3}")
_GROUPED_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567,89
_GROUPED_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.89
_SPACES = re.compile(r"[\s\u00a0\u202f']")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None


@lru_cache(maxsize=4096)
def parse_money_text(text: str) -> Money:
    s = text.strip().lower()
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()").strip()
    currency = None
    for symbol, code in sorted(SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if s.startswith(symbol) or s.endswith(symbol):
            currency = code
            s = s.removeprefix(symbol).removesuffix(symbol).strip()
            break
    head, tail = s[:3], s[-3:]
    if currency is None and _CODE.fullmatch(head) and head.upper() in currencies():
        currency, s = head.upper(), s[3:].strip()
    elif currency is None and _CODE.fullmatch(tail) and tail.upper() in currencies():
        currency, s = tail.upper(), s[:-3].strip()
    if s.startswith("-"):
        negative, s = True, s[1:].strip()
    amount = _number(_SPACES.sub("", s))
    return Money(-amount if negative else amount, currency)


def _number(s: str) -> Decimal:
    if _GROUPED_DOT.fullmatch(s):
        s = s.replace(".", "").replace(",", ".")
    elif _GROUPED_COMMA.fullmatch(s):
        s = s.replace(",", "")
    elif s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")  # 1234,56
    try:
        amount = Decimal(s)
    except InvalidOperation:
        raise ValueError(
            "is not an amount (e.g. 1234.56, 1,234.56, 1.234,56 or € 1 234,56)"
        ) from None
    if not amount.is_finite():
        raise ValueError("is not an amount")
    return amount


def parse_money(value: object) -> Money:
    if isinstance(value, bool):
        raise ValueError("is not an amount")
    if isinstance(value, int | float | Decimal):
        money = Money(Decimal(str(round(value, 2)) if isinstance(value, float) else value), None)
    else:
        money = parse_money_text(str(value))
    if money.amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("has more than two decimal places")
    if abs(money.amount) > MAX_MONEY:
        raise ValueError(f"is larger than {MAX_MONEY}")
    if money.amount < 0:
        raise ValueError("must not be negative")
    return money


# --- other cells --------------------------------------------------------------------------------


def squash(text: str) -> str:
    """Lower case without spaces and punctuation: how headers and choices are compared."""
    return re.sub(r"[^0-9a-z#]", "", text.lower().replace("e-mail", "email"))


def parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("is not a whole number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12:
        raise ValueError("is not a whole number")
    return int(text)


def as_text(value: object) -> str:
    """The text of a cell; numbers read from XLSX lose a spurious ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # The export neutralises formula-like text with a leading quote; undo that.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


@lru_cache(maxsize=4096)
def date_evidence(text: str) -> str | None:
    """ "dmy" or "mdy" when a numeric date (13/04/2027) can be read only one way."""
    m = _NUMERIC.fullmatch(text.strip())
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    return None
