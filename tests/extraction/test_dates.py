"""Date mentions as contracts write them, with blanks reported as unknown."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.extraction.dates import find_dates
from pactline.extraction.model import Duration
from pactline.extraction.numbers import DURATION_RE, parse_duration, words_to_int


@pytest.mark.parametrize(
    ("text", "quote", "value"),
    [
        ("made on May 1, 2006 by", "May 1, 2006", date(2006, 5, 1)),
        ("this 1st day of May, 2006", "1st day of May, 2006", date(2006, 5, 1)),
        ("this 1 st day of May 2006", "1 st day of May 2006", date(2006, 5, 1)),
        ("made the 15t h day of January 2018.", "15t h day of January 2018", date(2018, 1, 15)),
        ("the twenty-first day of June, 1999", "twenty-first day of June, 1999", date(1999, 6, 21)),
        ("dated 26 September 2019", "26 September 2019", date(2019, 9, 26)),
        ("JUNE 23, 2015 (the", "JUNE 23, 2015", date(2015, 6, 23)),
        ("April. 1st 2019 through", "April. 1st 2019", date(2019, 4, 1)),
        ("until March 18. 2021, unless", "March 18. 2021", date(2021, 3, 18)),
        ("Oct. 11, 1996", "Oct. 11, 1996", date(1996, 10, 11)),
        ("signed 1/14/02 by", "1/14/02", date(2002, 1, 14)),
        ("Date 13/07/05", "13/07/05", date(2005, 7, 13)),
        ("as of 2014-05-08.", "2014-05-08", date(2014, 5, 8)),
        ("made this 20th day of Friday, March 2020", "20th day of Friday, March 2020",
         date(2020, 3, 20)),
    ],
)  # fmt: skip
def test_dates_are_found_with_their_quote(text: str, quote: str, value: date) -> None:
    found = find_dates(text)
    assert [(text[d.start : d.end], d.value) for d in found] == [(quote, value)]


@pytest.mark.parametrize(
    "text",
    ["September __, 2018", "[***], 2020", "[]/[]/2020", "___________ __, 2000",
     "this day of ___________________, 19__", "AGREEMENT made as of , 2013, between", "July 2013"],
)  # fmt: skip
def test_blanked_out_dates_are_unknown_not_invented(text: str) -> None:
    found = find_dates(text)
    assert len(found) == 1
    assert found[0].redacted and found[0].value is None


def test_section_numbers_and_impossible_dates_are_not_dates() -> None:
    assert find_dates("see Section 1.2.10 and February 30, 2020") == []


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("five (5) years", Duration(5, "years")),
        ("twenty-five (25) years", Duration(25, "years")),
        ("sixty 90 days", Duration(90, "days")),
        ("one-year", Duration(1, "years")),
        ("ninety (90) calendar days", Duration(90, "days")),
        ("ten (10) business days", Duration(10, "business days")),
        ("six (6) weeks", Duration(6, "weeks")),
        ("twelve month", Duration(12, "months")),
    ],
)
def test_spelled_out_durations(text: str, duration: Duration) -> None:
    match = DURATION_RE.search(text)
    assert match is not None
    assert parse_duration(match) == duration


def test_number_words() -> None:
    assert words_to_int("one hundred twenty") == 120
    assert words_to_int("thirty-one") == 31
    assert words_to_int("several") is None
    assert str(Duration(1, "years")) == "1 year"
    assert str(Duration(6, "months")) == "6 months"
