"""Due-date arithmetic: working-day calendars and due-date rules.

Pure functions, no database access: services, importer and API all compute dates here.
Dates are calendar dates (the contract's local dates), never datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

MAX_WORKING_DAY_SCAN = 3660  # ten years of non-working days in a row means a broken calendar


class Anchor(StrEnum):
    ABSOLUTE = "absolute"
    CONTRACT_START = "contract_start"
    CONTRACT_END = "contract_end"
    CONTRACT_SIGNED = "contract_signed"
    MILESTONE = "milestone"

    @property
    def label(self) -> str:
        return {
            "absolute": "Fixed date",
            "contract_start": "Contract start",
            "contract_end": "Contract end",
            "contract_signed": "Contract signature",
            "milestone": "Another milestone's due date",
        }[self.value]


CONTRACT_ANCHORS = (Anchor.CONTRACT_START, Anchor.CONTRACT_END, Anchor.CONTRACT_SIGNED)


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"

    @property
    def label(self) -> str:
        return {
            "calendar_days": "calendar days",
            "working_days": "working days",
            "weeks": "weeks",
            "months": "months",
        }[self.value]


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision or None)


def supported_countries() -> dict[str, list[str]]:
    """ISO country code -> its subdivision codes, as the holidays library knows them."""
    return {code: list(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


@dataclass(frozen=True)
class WorkCalendar:
    """A working week plus public holidays of a country/subdivision plus own closure days."""

    country: str = ""
    subdivision: str = ""
    weekend: frozenset[int] = frozenset({5, 6})  # Monday = 0
    closures: Mapping[date, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.country, self.subdivision, self.weekend, tuple(sorted(self.closures))))

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        if day.weekday() in self.weekend:
            return "weekend"
        if day in self.closures:
            return f"closure: {self.closures[day]}"
        if self.country:
            name = _public_holidays(self.country, self.subdivision).get(day)
            if name:
                return f"holiday: {name}"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None


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


@dataclass
class Shift:
    """The result of moving a date, with the non-working days it stepped over."""

    result: date
    skipped: list[tuple[date, str]] = field(default_factory=list)


def add_working_days(start: date, days: int, cal: WorkCalendar) -> Shift:
    """Move `days` working days from `start` (negative: backwards).

    Zero days from a non-working day rolls forward to the next working day, as a contract's
    "on day N" would. Counting starts on the day after (or before) `start`.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    skipped: list[tuple[date, str]] = []
    scanned = 0
    if remaining == 0:
        while (reason := cal.non_working_reason(current)) is not None:
            skipped.append((current, reason))
            current += timedelta(days=1)
            scanned += 1
            if scanned > MAX_WORKING_DAY_SCAN:
                raise ValueError("the calendar has no working days")
        return Shift(current, skipped)
    while remaining:
        current += timedelta(days=step)
        scanned += 1
        if scanned > MAX_WORKING_DAY_SCAN + abs(days) * 2:
            raise ValueError("the calendar has no working days")
        reason = cal.non_working_reason(current)
        if reason is None:
            remaining -= 1
        else:
            skipped.append((current, reason))
    return Shift(current, skipped)


def add_offset(start: date, offset: int, unit: Unit, cal: WorkCalendar) -> Shift:
    if unit is Unit.WORKING_DAYS:
        return add_working_days(start, offset, cal)
    if unit is Unit.WEEKS:
        return Shift(start + timedelta(weeks=offset))
    if unit is Unit.MONTHS:
        return Shift(start + relativedelta(months=offset))
    return Shift(start + timedelta(days=offset))


@dataclass(frozen=True)
class DueRule:
    anchor: Anchor = Anchor.ABSOLUTE
    offset: int = 0
    unit: Unit = Unit.CALENDAR_DAYS
    fixed_date: date | None = None  # for Anchor.ABSOLUTE

    def describe(self) -> str:
        if self.anchor is Anchor.ABSOLUTE:
            return f"on {self.fixed_date.isoformat()}" if self.fixed_date else "no date"
        sign = "+" if self.offset >= 0 else "-"
        return f"{self.anchor.label.lower()} {sign} {abs(self.offset)} {self.unit.label}"


@dataclass(frozen=True)
class Computed:
    due: date | None
    trace: str


def compute_due(
    rule: DueRule,
    anchors: Mapping[Anchor, date | None],
    cal: WorkCalendar,
    anchor_name: str = "",
) -> Computed:
    """Apply `rule` to the anchor dates; `anchor_name` names a milestone anchor in the trace."""
    if rule.anchor is Anchor.ABSOLUTE:
        if rule.fixed_date is None:
            return Computed(None, "no due date set")
        return Computed(rule.fixed_date, f"{rule.fixed_date.isoformat()} (fixed date)")
    base = anchors.get(rule.anchor)
    label = anchor_name or rule.anchor.label.lower()
    if base is None:
        return Computed(None, f"waiting for {label} to have a date")
    shift = add_offset(base, rule.offset, rule.unit, cal)
    sign = "+" if rule.offset >= 0 else "-"
    trace = (
        f"{shift.result.isoformat()} = {label} ({base.isoformat()}) "
        f"{sign} {abs(rule.offset)} {rule.unit.label}"
    )
    named = [f"{d.isoformat()} ({r})" for d, r in shift.skipped if r != "weekend"]
    if named:
        trace += ", skipped " + ", ".join(named)
    return Computed(shift.result, trace[:500])


def local_today(time_zone: str, now: datetime | None = None) -> date:
    """Today's date in `time_zone` (a contract's or organisation's)."""
    moment = now or datetime.now(tz=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(time_zone)).date()
