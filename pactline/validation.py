"""Small field checks shared by the services of several apps."""

from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pycountry

MAX_MONEY = Decimal("9999999999999999.99")  # fits DecimalField(max_digits=18, decimal_places=2)
MIN_YEAR, MAX_YEAR = 1900, 2200


class Errors(dict[str, list[str]]):
    """Collects field errors; `raise_if_any` turns them into one ValidationFailed."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        from pactline.errors import ValidationFailed

        if self:
            raise ValidationFailed(dict(self))


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_required_text(errors: Errors, field: str, value: object, max_length: int) -> None:
    if not isinstance(value, str) or not value.strip():
        errors.add(field, "is required")
    elif len(value) > max_length:
        errors.add(field, f"must be at most {max_length} characters")


def check_text(errors: Errors, field: str, value: object, max_length: int) -> None:
    if not isinstance(value, str):
        errors.add(field, "must be text")
    elif len(value) > max_length:
        errors.add(field, f"must be at most {max_length} characters")


def check_currency(errors: Errors, field: str, value: object) -> None:
    if not isinstance(value, str) or value not in currencies():
        errors.add(field, f"{value!r} is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")


def check_time_zone(errors: Errors, field: str, value: object) -> None:
    if not isinstance(value, str) or value not in time_zones():
        errors.add(field, f"{value!r} is not an IANA time zone (e.g. Europe/Berlin)")


def check_date(errors: Errors, field: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, date):
        errors.add(field, "must be a date (YYYY-MM-DD)")
    elif not MIN_YEAR <= value.year <= MAX_YEAR:
        errors.add(field, f"year must be between {MIN_YEAR} and {MAX_YEAR}")


def check_money(errors: Errors, field: str, value: object, allow_negative: bool = False) -> None:
    if value is None:
        return
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.add(field, "must be a decimal amount")
        return
    if not amount.is_finite():
        errors.add(field, "must be a finite amount")
    elif amount < 0 and not allow_negative:
        errors.add(field, "must not be negative")
    elif abs(amount) > MAX_MONEY:
        errors.add(field, f"must be at most {MAX_MONEY}")
    elif amount.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add(field, "must have at most two decimal places")
