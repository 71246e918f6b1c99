"""Custom field values: reading one from any input (API JSON, form, spreadsheet cell, query
parameter), storing it canonically, and showing it. Pure functions apart from the user lookup.

Stored forms (in the object's `custom_fields` JSON, by key; an empty value is no key at all):

| type | stored as | example |
|---|---|---|
| text, long_text, url | string | "PO-2024-117" |
| number | decimal string | "12.5" |
| money | {"amount": decimal text, "currency": ISO 4217} | {"amount": "9.50", "currency": "EUR"} |
| date | ISO date string | "2026-03-31" |
| boolean | true / false | true |
| choice | one of the choices | "high" |
| multi_choice | list of choices, in the order of the definition | ["eu", "us"] |
| user | the member's user id | 42 |
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from pactline.customfields.models import CustomField, FieldType
from pactline.validation import MAX_MONEY, MAX_YEAR, MIN_YEAR, currencies

TEXT_LIMIT = {FieldType.TEXT: 500, FieldType.LONG_TEXT: 20000, FieldType.URL: 2000}
MAX_NUMBER = Decimal("1e15")
TRUE = {"true", "yes", "y", "1", "on", "x"}
FALSE = {"false", "no", "n", "0", "off"}
MONEY_TEXT = r"\s*[A-Za-z]{3}\s+\S.*|.*\S\s+[A-Za-z]{3}\s*"  # "EUR 12.50" or "12.50 EUR"


class Invalid(ValueError):
    """A value that does not fit its field; the message is a fragment ("must be a date")."""


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise Invalid("must be a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise Invalid("must be a number") from None
    if not number.is_finite():
        raise Invalid("must be a finite number")
    if abs(number) >= MAX_NUMBER:
        raise Invalid(f"must be less than {MAX_NUMBER:,.0f} in size")
    if number.as_tuple().exponent < -6:  # type: ignore[operator]
        raise Invalid("must have at most six decimal places")
    return number


def decimal_text(number: Decimal) -> str:
    """A canonical decimal string: 12.50 -> "12.5", 100 -> "100"."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def parse_date(value: Any) -> date:
    if isinstance(value, date):
        day = value.date() if hasattr(value, "date") and callable(value.date) else value
    else:
        try:
            day = date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise Invalid("must be a date (YYYY-MM-DD)") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(f"year must be between {MIN_YEAR} and {MAX_YEAR}")
    return day


def parse_bound(field: CustomField, text: str) -> Decimal | date | None:
    if not text:
        return None
    return parse_date(text) if field.field_type == FieldType.DATE else parse_decimal(text)


def _check_range(field: CustomField, value: Decimal | date) -> None:
    low, high = parse_bound(field, field.min_value), parse_bound(field, field.max_value)
    if low is not None and value < low:  # type: ignore[operator]
        raise Invalid(f"must be at least {field.min_value}")
    if high is not None and value > high:  # type: ignore[operator]
        raise Invalid(f"must be at most {field.max_value}")


def _choice(field: CustomField, value: Any) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Invalid("must be one of the choices")
    text = str(value).strip()
    for choice in field.choices or []:
        if choice.lower() == text.lower():
            return str(choice)
    allowed = ", ".join(field.choices or [])
    raise Invalid(f"{text!r} is not one of the choices ({allowed})")


def _money(field: CustomField, value: Any, default_currency: str) -> dict[str, str]:
    if isinstance(value, dict):
        extra = set(value) - {"amount", "currency"}
        if extra:
            raise Invalid(f"has unknown parts: {', '.join(sorted(extra))}")
        amount_in, currency = value.get("amount"), value.get("currency") or default_currency
    elif isinstance(value, str) and re.fullmatch(MONEY_TEXT, value):
        parts = value.split()
        if len(parts[0]) == 3 and parts[0].isalpha():
            currency, amount_in = parts[0], "".join(parts[1:])
        else:
            currency, amount_in = parts[-1], "".join(parts[:-1])
    else:
        amount_in, currency = value, default_currency
    if is_empty(amount_in):
        raise Invalid("needs an amount")
    try:
        if isinstance(amount_in, str):
            amount_in = amount_in.replace(",", "")
        amount = parse_decimal(amount_in)
    except Invalid:
        raise Invalid("must be an amount with an optional currency, e.g. 1200.00 EUR") from None
    if abs(amount) > MAX_MONEY:
        raise Invalid(f"must be at most {MAX_MONEY}")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Invalid("must have at most two decimal places")
    currency = str(currency).strip().upper()
    if currency not in currencies():
        raise Invalid(f"{currency!r} is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")
    _check_range(field, amount)
    return {"amount": format(amount.quantize(Decimal("0.01")), "f"), "currency": currency}


def clean(
    field: CustomField,
    value: Any,
    *,
    members: dict[str, int] | None = None,
    default_currency: str = "EUR",
) -> Any:
    """The stored form of `value` for `field`, or None when it is empty. Raises Invalid.

    `members` maps user ids (as text) and lower-case e-mail addresses of the organisation's
    members (guests excluded) to user ids; needed for user fields only.
    """
    if is_empty(value):
        return None
    kind = field.field_type
    if kind in TEXT_LIMIT:
        if not isinstance(value, str):
            raise Invalid("must be text")
        text = value.strip() if kind != FieldType.LONG_TEXT else value.strip("\n")
        if not text:
            return None
        if "\x00" in text:
            raise Invalid("must not contain NUL characters")
        if len(text) > TEXT_LIMIT[kind]:
            raise Invalid(f"must be at most {TEXT_LIMIT[kind]} characters")
        if kind == FieldType.URL:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                raise Invalid("must be a web address starting with http:// or https://") from None
        if field.regex and not re.fullmatch(field.regex, text):
            raise Invalid(f"does not match the pattern {field.regex}")
        return text
    if kind == FieldType.NUMBER:
        number = parse_decimal(value)
        _check_range(field, number)
        return decimal_text(number)
    if kind == FieldType.MONEY:
        return _money(field, value, default_currency)
    if kind == FieldType.DATE:
        day = parse_date(value)
        _check_range(field, day)
        return day.isoformat()
    if kind == FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str | int) and str(value).strip().lower() in TRUE | FALSE:
            return str(value).strip().lower() in TRUE
        raise Invalid("must be true or false")
    if kind == FieldType.CHOICE:
        return _choice(field, value)
    if kind == FieldType.MULTI_CHOICE:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            raise Invalid("must be a list of choices")
        picked = {_choice(field, item) for item in items if not is_empty(item)}
        ordered = [c for c in field.choices or [] if c in picked]
        return ordered or None
    if kind == FieldType.USER:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise Invalid("must be a member's user id or e-mail address")
        found = (members or {}).get(str(value).strip().lower())
        if found is None:
            raise Invalid(f"{value!r} is not a member of this organisation")
        return found
    raise Invalid("has an unknown type")  # pragma: no cover


def display(field: CustomField, value: Any, users: dict[int, str] | None = None) -> str:
    """A stored value as people read it (lists, exports, e-mails); "" when empty."""
    if is_empty(value):
        return ""
    kind = field.field_type
    if kind == FieldType.BOOLEAN:
        return "Yes" if value else "No"
    if kind == FieldType.MONEY and isinstance(value, dict):
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    if kind == FieldType.MULTI_CHOICE and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == FieldType.USER:
        return (users or {}).get(value, f"user {value}")
    return str(value)


def typed(field: CustomField, value: Any) -> Any:
    """A stored value as a typed spreadsheet cell: Decimal, date, bool or text."""
    if is_empty(value):
        return None
    kind = field.field_type
    try:
        if kind == FieldType.NUMBER:
            return Decimal(value)
        if kind == FieldType.DATE:
            return date.fromisoformat(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if kind == FieldType.BOOLEAN:
        return bool(value)
    return display(field, value)


def user_ids(fields: Iterable[CustomField], rows: Iterable[dict[str, Any]]) -> set[int]:
    """The user ids that user fields of `rows` name (to load their names in one query)."""
    keys = [f.key for f in fields if f.field_type == FieldType.USER]
    return {row[k] for row in rows for k in keys if isinstance((row or {}).get(k), int)}
