"""Working-day calendars: a working week, public holidays, closure days, and rolling.

Pure functions, no database access. Dates are the contract's local calendar dates.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

MAX_WORKING_DAY_SCAN = 3660  # ten years of non-working days in a row means a broken calendar
MON_TO_FRI = 0b0011111  # bit 0 = Monday ... bit 6 = Sunday
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@lru_cache(maxsize=4096)
def _public_holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    """One year's public holidays as a plain dict: lookups in the hot loop stay cheap."""
    return dict(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


@lru_cache(maxsize=1)
def supported_countries() -> dict[str, list[str]]:
    """ISO country code -> its subdivision codes, as the holidays library knows them."""
    return {code: list(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


def validate_calendar(country: str, subdivision: str) -> dict[str, str]:
    """Field errors for a country/subdivision pair, empty when the pair is usable."""
    if not country:
        return {"calendar_subdivision": "needs a country"} if subdivision else {}
    known = supported_countries()
    if country not in known:
        return {"calendar_country": f"{country!r} is not a supported ISO 3166 country code"}
    if subdivision and subdivision not in known[country]:
        return {"calendar_subdivision": f"{subdivision!r} is not a subdivision of {country}"}
    return {}


def describe_workweek(mask: int) -> str:
    return ", ".join(name for i, name in enumerate(WEEKDAY_NAMES) if mask & (1 << i)) or "none"


@dataclass(frozen=True)
class WorkCalendar:
    """A working week plus public holidays of a country/subdivision plus own closure days."""

    country: str = ""
    subdivision: str = ""
    workweek: int = MON_TO_FRI
    closures: Mapping[date, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.country, self.subdivision, self.workweek, tuple(sorted(self.closures))))

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        if not self.workweek & (1 << day.weekday()):
            return "weekend"
        if day in self.closures:
            return f"closure: {self.closures[day]}"
        if self.country:
            name = _public_holidays(self.country, self.subdivision, day.year).get(day)
            if name:
                return f"holiday: {name}"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None


@dataclass
class Shift:
    """The result of moving a date, with the non-working days it stepped over."""

    result: date
    skipped: list[tuple[date, str]] = field(default_factory=list)


def _guard(scanned: int, limit: int) -> None:
    if scanned > limit:
        raise ValueError("the calendar has no working days")


def _step_weekdays(start: date, count: int, step: int, workweek: int) -> date:
    """Move `count` (> 0) days of the working week, ignoring holidays; whole weeks at once."""
    per_week = bin(workweek & 0b1111111).count("1")
    weeks = (count - 1) // per_week
    current = start + timedelta(days=7 * weeks * step)
    remaining = count - weeks * per_week
    while remaining:
        current += timedelta(days=step)
        if workweek & (1 << current.weekday()):
            remaining -= 1
    return current


def _named_days_between(cal: WorkCalendar, a: date, b: date) -> list[tuple[date, str]]:
    """Holidays and closures that fall on working weekdays strictly after a, up to b (a < b)."""
    found: dict[date, str] = {}
    if cal.country:
        for year in range(a.year, b.year + 1):
            for day, name in _public_holidays(cal.country, cal.subdivision, year).items():
                if a < day <= b:
                    found[day] = f"holiday: {name}"
    for day, name in cal.closures.items():
        if a < day <= b:
            found[day] = f"closure: {name}"
    return sorted(
        (day, reason) for day, reason in found.items() if cal.workweek & (1 << day.weekday())
    )


def add_working_days(start: date, days: int, cal: WorkCalendar) -> Shift:
    """Move `days` working days from `start` (negative: backwards).

    Zero days from a non-working day rolls forward to the next working day, as a contract's
    "on day N" would. Counting starts on the day after (or before) `start`. `skipped` names the
    holidays and closure days stepped over (weekends are not listed).
    """
    if cal.workweek & 0b1111111 == 0:
        raise ValueError("the calendar has no working days")
    if days == 0:
        shift = next_working_day(start, cal)
        return Shift(shift.result, [s for s in shift.skipped if s[1] != "weekend"])
    step = 1 if days > 0 else -1
    remaining, current = abs(days), start
    skipped: list[tuple[date, str]] = []
    rounds = 0
    while remaining:
        target = _step_weekdays(current, remaining, step, cal.workweek)
        low, high = (current, target) if step > 0 else (target - timedelta(days=1), current)
        extra = _named_days_between(cal, low, high)
        if step < 0:
            extra = [(d, r) for d, r in extra if d < current]
        skipped += extra
        remaining, current = len(extra), target
        rounds += 1
        _guard(rounds, MAX_WORKING_DAY_SCAN)
    return Shift(current, sorted(skipped, reverse=step < 0))


def next_working_day(day: date, cal: WorkCalendar, step: int = 1) -> Shift:
    """`day` itself when it is a working day, else the nearest one in direction `step`."""
    current = day
    skipped: list[tuple[date, str]] = []
    while (reason := cal.non_working_reason(current)) is not None:
        skipped.append((current, reason))
        current += timedelta(days=step)
        _guard(len(skipped), MAX_WORKING_DAY_SCAN)
    return Shift(current, skipped)


class Roll(StrEnum):
    """What to do when a computed date is not a working day."""

    NONE = "none"
    FOLLOWING = "following"
    PRECEDING = "preceding"
    MODIFIED_FOLLOWING = "modified_following"

    @property
    def label(self) -> str:
        return {
            "none": "keep the date",
            "following": "next working day",
            "preceding": "previous working day",
            "modified_following": "next working day in the same month, else previous",
        }[self.value]


def roll(day: date, rule: Roll, cal: WorkCalendar) -> Shift:
    if rule is Roll.NONE or cal.is_working_day(day):
        return Shift(day)
    if rule is Roll.PRECEDING:
        return next_working_day(day, cal, -1)
    forward = next_working_day(day, cal, 1)
    if rule is Roll.MODIFIED_FOLLOWING and forward.result.month != day.month:
        return next_working_day(day, cal, -1)
    return forward


class PeriodEnd(StrEnum):
    """Snap a date to the end of its period: 'end of month', 'last working day of quarter'."""

    NONE = "none"
    MONTH_END = "month_end"
    LAST_WORKING_DAY_OF_MONTH = "last_working_day_of_month"
    QUARTER_END = "quarter_end"
    LAST_WORKING_DAY_OF_QUARTER = "last_working_day_of_quarter"

    @property
    def label(self) -> str:
        return {
            "none": "no snapping",
            "month_end": "end of the month",
            "last_working_day_of_month": "last working day of the month",
            "quarter_end": "end of the quarter",
            "last_working_day_of_quarter": "last working day of the quarter",
        }[self.value]


def month_end(day: date) -> date:
    return day.replace(day=_calendar.monthrange(day.year, day.month)[1])


def quarter_end(day: date) -> date:
    last_month = ((day.month - 1) // 3) * 3 + 3
    return month_end(day.replace(month=last_month, day=1))


def snap(day: date, rule: PeriodEnd, cal: WorkCalendar) -> Shift:
    if rule is PeriodEnd.NONE:
        return Shift(day)
    end = (
        month_end(day)
        if rule in (PeriodEnd.MONTH_END, PeriodEnd.LAST_WORKING_DAY_OF_MONTH)
        else (quarter_end(day))
    )
    if rule in (PeriodEnd.LAST_WORKING_DAY_OF_MONTH, PeriodEnd.LAST_WORKING_DAY_OF_QUARTER):
        return next_working_day(end, cal, -1)
    return Shift(end)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    """Today's date in `time_zone` (a contract's or organisation's)."""
    moment = now or datetime.now(tz=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(time_zone)).date()
