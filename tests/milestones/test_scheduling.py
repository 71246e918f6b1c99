"""Working-day arithmetic against dates a person can check on a calendar."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.milestones.scheduling import (
    Anchor,
    DueRule,
    Unit,
    WorkCalendar,
    add_working_days,
    compute_due,
    local_today,
    validate_calendar,
)

PLAIN = WorkCalendar()
GERMANY_BAVARIA = WorkCalendar(country="DE", subdivision="BY")
ENGLAND = WorkCalendar(country="GB", subdivision="ENG")
US = WorkCalendar(country="US")


@pytest.mark.parametrize(
    ("cal", "start", "days", "expected"),
    [
        (PLAIN, date(2027, 1, 8), 1, date(2027, 1, 11)),  # Friday + 1 = Monday
        (PLAIN, date(2027, 1, 11), -1, date(2027, 1, 8)),  # Monday - 1 = Friday
        (PLAIN, date(2027, 1, 9), 0, date(2027, 1, 11)),  # Saturday rolls to Monday
        (GERMANY_BAVARIA, date(2026, 12, 24), 1, date(2026, 12, 28)),  # 25th, 26th (Sat)
        (GERMANY_BAVARIA, date(2027, 1, 5), 1, date(2027, 1, 7)),  # Epiphany in Bavaria
        (WorkCalendar(country="DE", subdivision="BE"), date(2027, 1, 5), 1, date(2027, 1, 6)),
        (ENGLAND, date(2027, 8, 27), 1, date(2027, 8, 31)),  # summer bank holiday 30 Aug
        (US, date(2027, 7, 2), 1, date(2027, 7, 6)),  # Independence Day observed Mon 5 Jul
        (US, date(2027, 11, 24), 1, date(2027, 11, 26)),  # Thanksgiving 25 Nov
    ],
)
def test_add_working_days_matches_the_calendar(cal, start, days, expected):
    assert add_working_days(start, days, cal).result == expected


def test_closure_days_of_the_organisation_count_as_non_working():
    cal = WorkCalendar(closures={date(2027, 1, 12): "company offsite"})
    shift = add_working_days(date(2027, 1, 11), 1, cal)
    assert shift.result == date(2027, 1, 13)
    assert shift.skipped == [(date(2027, 1, 12), "closure: company offsite")]


def test_trace_explains_the_date_and_names_skipped_holidays():
    rule = DueRule(anchor=Anchor.CONTRACT_START, offset=5, unit=Unit.WORKING_DAYS)
    computed = compute_due(rule, {Anchor.CONTRACT_START: date(2026, 12, 24)}, GERMANY_BAVARIA)
    assert computed.due == date(2027, 1, 4)
    assert computed.trace.startswith("2027-01-04 = contract start (2026-12-24) + 5 working days")
    assert "2026-12-25 (holiday: Christmas Day)" in computed.trace
    assert "2027-01-01 (holiday: New Year's Day)" in computed.trace


def test_missing_anchor_leaves_the_date_open_and_says_why():
    rule = DueRule(anchor=Anchor.CONTRACT_END, offset=-30, unit=Unit.CALENDAR_DAYS)
    computed = compute_due(rule, {Anchor.CONTRACT_END: None}, PLAIN)
    assert computed.due is None
    assert computed.trace == "waiting for contract end to have a date"


def test_months_clamp_to_the_end_of_shorter_months():
    rule = DueRule(anchor=Anchor.CONTRACT_START, offset=1, unit=Unit.MONTHS)
    assert compute_due(rule, {Anchor.CONTRACT_START: date(2027, 1, 31)}, PLAIN).due == date(
        2027, 2, 28
    )
    assert compute_due(rule, {Anchor.CONTRACT_START: date(2028, 1, 31)}, PLAIN).due == date(
        2028, 2, 29
    )


def test_local_today_follows_the_time_zone():
    from datetime import UTC, datetime

    late_evening_utc = datetime(2027, 3, 1, 23, 30, tzinfo=UTC)
    assert local_today("Europe/Berlin", late_evening_utc) == date(2027, 3, 2)
    assert local_today("America/New_York", late_evening_utc) == date(2027, 3, 1)


def test_validate_calendar_names_the_bad_field():
    assert validate_calendar("DE", "BY") == {}
    assert "calendar_country" in validate_calendar("XX", "")
    assert "calendar_subdivision" in validate_calendar("DE", "ZZ")


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=1, max_value=400),
)
def test_forward_then_back_returns_to_a_working_day_at_or_before_start(start, days):
    there = add_working_days(start, days, GERMANY_BAVARIA).result
    back = add_working_days(there, -days, GERMANY_BAVARIA).result
    assert GERMANY_BAVARIA.is_working_day(there)
    assert GERMANY_BAVARIA.is_working_day(back)
    assert back <= start
