"""Cells: dates in every common spelling, amounts with separators and currencies."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from pactline.transfer.importing.values import (
    Ambiguous,
    as_text,
    date_evidence,
    parse_date,
    parse_money,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-04-13", date(2027, 4, 13)),
        ("2027-04-13T00:00:00", date(2027, 4, 13)),
        ("2027/4/3", date(2027, 4, 3)),
        ("13/04/2027", date(2027, 4, 13)),  # only day-first works
        ("04/13/2027", date(2027, 4, 13)),  # only month-first works
        ("05.05.27", date(2027, 5, 5)),  # the same both ways
        ("3 March 2027", date(2027, 3, 3)),
        ("March 3, 2027", date(2027, 3, 3)),
        ("3-Mar-2027", date(2027, 3, 3)),
        ("46115", date(2026, 4, 3)),  # an Excel serial number typed as text
    ],
)
def test_dates_in_auto_order(text, expected):
    assert parse_date(text, "auto") == expected


def test_an_ambiguous_date_is_not_guessed():
    value = parse_date("03/04/2027", "auto")
    assert isinstance(value, Ambiguous)
    assert value.dmy == date(2027, 4, 3)
    assert value.mdy == date(2027, 3, 4)


def test_an_explicit_order_decides():
    assert parse_date("03/04/2027", "dmy") == date(2027, 4, 3)
    assert parse_date("03/04/2027", "mdy") == date(2027, 3, 4)
    with pytest.raises(ValueError, match="day/month/year"):
        parse_date("04/13/2027", "dmy")


def test_evidence_tells_which_order_a_date_proves():
    assert date_evidence("13/04/2027") == "dmy"
    assert date_evidence("04/13/2027") == "mdy"
    assert date_evidence("03/04/2027") is None
    assert date_evidence("2027-04-13") is None


def test_excel_cells_and_serials():
    assert parse_date(datetime(2027, 4, 13, 0, 0), "auto") == date(2027, 4, 13)
    assert parse_date(46115, "auto") == date(2026, 4, 3)
    assert parse_date(46115.0, "auto") == date(2026, 4, 3)
    with pytest.raises(ValueError, match="serial"):
        parse_date(12, "auto")


@pytest.mark.parametrize("text", ["31/02/2027", "yesterday", "2027-13-01", "1/1/1800"])
def test_bad_dates_say_why(text):
    with pytest.raises(ValueError):
        parse_date(text, "auto")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1234.56", "1234.56", None),
        ("1,234.56", "1234.56", None),
        ("1.234,56", "1234.56", None),
        ("1 234,56", "1234.56", None),
        ("1\u00a0234,56", "1234.56", None),
        ("€1,234.56", "1234.56", "EUR"),
        ("1.234,56 €", "1234.56", "EUR"),
        ("$ 12", "12", "USD"),
        ("£1,000", "1000", "GBP"),
        ("EUR 1.234.567,89", "1234567.89", "EUR"),
        ("1234,5 CHF", "1234.5", "CHF"),
    ],
)
def test_amounts(text, amount, currency):
    money = parse_money(text)
    assert money.amount == Decimal(amount)
    assert money.currency == currency


def test_numbers_from_excel_are_amounts():
    assert parse_money(1234.5).amount == Decimal("1234.5")
    assert parse_money(0.1 + 0.2).amount == Decimal("0.3")


@pytest.mark.parametrize("text", ["abc", "-5", "1.234.5", "12.345,678"])
def test_bad_amounts(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_text_undoes_the_exports_formula_guard():
    assert as_text("'=SUM(A1)") == "=SUM(A1)"
    assert as_text("'-5% discount") == "-5% discount"
    assert as_text("O'Brien") == "O'Brien"
    assert as_text(12.0) == "12"
