"""Due-date rules in contract language, checked against dates a person can verify."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.milestones.scheduling import (
    Anchor,
    DueRule,
    PeriodEnd,
    Roll,
    Unit,
    WorkCalendar,
    compute_due,
    local_today,
    roll,
    snap,
)

PLAIN = WorkCalendar()
INDIA = WorkCalendar(country="IN")
GERMANY_BERLIN = WorkCalendar(country="DE", subdivision="BE")
GERMANY_SAXONY = WorkCalendar(country="DE", subdivision="SN")


def due(rule: DueRule, base: date, cal: WorkCalendar = PLAIN):
    return compute_due(rule, {rule.anchor: base}, cal)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Roll.FOLLOWING, date(2027, 5, 3)),  # Sat 1 May -> Mon 3 May
        (Roll.PRECEDING, date(2027, 4, 30)),
        (Roll.MODIFIED_FOLLOWING, date(2027, 5, 3)),  # same month, so following
        (Roll.NONE, date(2027, 5, 1)),
    ],
)
def test_roll_rules(rule, expected):
    assert roll(date(2027, 5, 1), rule, PLAIN).result == expected


def test_modified_following_stays_in_the_month():
    # Sunday 31 October 2027: following would be November, so it rolls back to Friday 29th.
    assert roll(date(2027, 10, 31), Roll.MODIFIED_FOLLOWING, PLAIN).result == date(2027, 10, 29)
    assert roll(date(2027, 10, 31), Roll.FOLLOWING, PLAIN).result == date(2027, 11, 1)


@pytest.mark.parametrize(
    ("day", "rule", "expected"),
    [
        (date(2027, 2, 10), PeriodEnd.MONTH_END, date(2027, 2, 28)),
        (date(2028, 2, 10), PeriodEnd.MONTH_END, date(2028, 2, 29)),  # leap year
        (date(2027, 7, 3), PeriodEnd.LAST_WORKING_DAY_OF_MONTH, date(2027, 7, 30)),  # 31 = Sat
        (date(2027, 8, 15), PeriodEnd.QUARTER_END, date(2027, 9, 30)),
        (date(2027, 11, 2), PeriodEnd.LAST_WORKING_DAY_OF_QUARTER, date(2027, 12, 31)),
        (date(2027, 5, 5), PeriodEnd.LAST_WORKING_DAY_OF_QUARTER, date(2027, 6, 30)),
    ],
)
def test_period_ends(day, rule, expected):
    assert snap(day, rule, PLAIN).result == expected


def test_last_working_day_of_the_year_skips_new_years_eve_closure():
    cal = WorkCalendar(closures={date(2027, 12, 31): "year-end closure"})
    assert snap(date(2027, 10, 5), PeriodEnd.LAST_WORKING_DAY_OF_QUARTER, cal).result == date(
        2027, 12, 30
    )


def test_no_later_than_90_days_before_expiry_rolls_back_to_a_working_day():
    rule = DueRule(anchor=Anchor.CONTRACT_END, offset=-90, roll=Roll.PRECEDING)
    computed = due(rule, date(2027, 12, 31))
    assert computed.due == date(2027, 10, 1)  # 2 Oct is a Saturday
    assert "rolled to previous working day 2027-10-01" in computed.trace


def test_end_of_the_month_following_start():
    rule = DueRule(
        anchor=Anchor.CONTRACT_START, offset=1, unit=Unit.MONTHS, period_end=PeriodEnd.MONTH_END
    )
    assert due(rule, date(2027, 1, 15)).due == date(2027, 2, 28)


def test_years_clamp_on_29_february():
    rule = DueRule(anchor=Anchor.CONTRACT_START, offset=1, unit=Unit.YEARS)
    assert due(rule, date(2028, 2, 29)).due == date(2029, 2, 28)


@pytest.mark.parametrize(
    ("cal", "start", "days", "expected", "holiday"),
    [
        (INDIA, date(2027, 1, 25), 1, date(2027, 1, 27), "Republic Day"),
        (INDIA, date(2027, 8, 13), 1, date(2027, 8, 16), None),  # 15 Aug is a Sunday
        (GERMANY_BERLIN, date(2027, 3, 5), 1, date(2027, 3, 9), "Women's Day"),
        (GERMANY_SAXONY, date(2027, 11, 16), 1, date(2027, 11, 18), "Repentance and Prayer"),
        (GERMANY_BERLIN, date(2027, 11, 16), 1, date(2027, 11, 17), None),
    ],
)
def test_public_holidays_of_several_countries(cal, start, days, expected, holiday):
    rule = DueRule(anchor=Anchor.CONTRACT_START, offset=days, unit=Unit.WORKING_DAYS)
    computed = due(rule, start, cal)
    assert computed.due == expected
    if holiday:
        assert holiday in computed.trace


def test_a_custom_working_week():
    sun_to_thu = WorkCalendar(workweek=0b1001111)  # Mon-Thu + Sun
    rule = DueRule(anchor=Anchor.CONTRACT_START, offset=1, unit=Unit.WORKING_DAYS)
    assert due(rule, date(2027, 1, 7), sun_to_thu).due == date(2027, 1, 10)  # Thu -> Sun


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        # Europe/Berlin leaves summer time at 03:00 on 31 Oct 2027.
        (datetime(2027, 10, 30, 22, 30, tzinfo=UTC), "Europe/Berlin", date(2027, 10, 31)),
        (datetime(2027, 10, 31, 22, 30, tzinfo=UTC), "Europe/Berlin", date(2027, 10, 31)),
        (datetime(2027, 10, 31, 23, 0, tzinfo=UTC), "Europe/Berlin", date(2027, 11, 1)),
        # New York enters summer time on 14 Mar 2027.
        (datetime(2027, 3, 14, 4, 30, tzinfo=UTC), "America/New_York", date(2027, 3, 13)),
        (datetime(2027, 3, 14, 5, 0, tzinfo=UTC), "America/New_York", date(2027, 3, 14)),
        (datetime(2027, 3, 15, 3, 59, tzinfo=UTC), "America/New_York", date(2027, 3, 14)),
        (datetime(2027, 3, 15, 4, 0, tzinfo=UTC), "America/New_York", date(2027, 3, 15)),
    ],
)
def test_today_follows_the_contracts_time_zone_across_dst(instant, zone, expected):
    assert local_today(zone, instant) == expected


CAL = GERMANY_BERLIN


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    offset=st.integers(min_value=-400, max_value=400),
    unit=st.sampled_from(list(Unit)),
    rule=st.sampled_from([Roll.FOLLOWING, Roll.PRECEDING, Roll.MODIFIED_FOLLOWING]),
    period_end=st.sampled_from(list(PeriodEnd)),
)
def test_a_roll_rule_always_gives_a_working_day(start, offset, unit, rule, period_end):
    computed = due(
        DueRule(
            anchor=Anchor.CONTRACT_START, offset=offset, unit=unit, roll=rule, period_end=period_end
        ),
        start,
        CAL,
    )
    assert CAL.is_working_day(computed.due)
