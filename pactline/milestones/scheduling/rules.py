"""Due-date rules in contract language: an anchor, an offset, a unit, snapping and rolling.

`compute_due` applies one rule to known anchor dates and explains the result in a trace such as
"2027-03-05 = design approval (2027-02-19) + 10 working days, skipped 2027-02-26 (holiday: X)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from pactline.milestones.scheduling.calendars import (
    PeriodEnd,
    Roll,
    Shift,
    WorkCalendar,
    add_working_days,
    roll,
    snap,
)


class Anchor(StrEnum):
    ABSOLUTE = "absolute"
    CONTRACT_START = "contract_start"
    CONTRACT_END = "contract_end"
    CONTRACT_SIGNED = "contract_signed"
    MILESTONE = "milestone"
    MILESTONE_DONE = "milestone_done"

    @property
    def label(self) -> str:
        return {
            "absolute": "Fixed date",
            "contract_start": "Contract start",
            "contract_end": "Contract end",
            "contract_signed": "Contract signature",
            "milestone": "Another milestone's due date",
            "milestone_done": "Another milestone's completion",
        }[self.value]


CONTRACT_ANCHORS = (Anchor.CONTRACT_START, Anchor.CONTRACT_END, Anchor.CONTRACT_SIGNED)
MILESTONE_ANCHORS = (Anchor.MILESTONE, Anchor.MILESTONE_DONE)


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def add_offset(start: date, offset: int, unit: Unit, cal: WorkCalendar) -> Shift:
    if unit is Unit.WORKING_DAYS:
        return add_working_days(start, offset, cal)
    if unit is Unit.WEEKS:
        return Shift(start + timedelta(weeks=offset))
    if unit is Unit.MONTHS:
        return Shift(start + relativedelta(months=offset))
    if unit is Unit.YEARS:
        return Shift(start + relativedelta(years=offset))
    return Shift(start + timedelta(days=offset))


@dataclass(frozen=True)
class DueRule:
    anchor: Anchor = Anchor.ABSOLUTE
    offset: int = 0
    unit: Unit = Unit.CALENDAR_DAYS
    roll: Roll = Roll.NONE
    period_end: PeriodEnd = PeriodEnd.NONE
    fixed_date: date | None = None  # for Anchor.ABSOLUTE

    def describe(self, anchor_name: str = "") -> str:
        if self.anchor is Anchor.ABSOLUTE:
            return f"on {self.fixed_date.isoformat()}" if self.fixed_date else "no date"
        label = anchor_name or self.anchor.label.lower()
        sign = "after" if self.offset >= 0 else "before"
        text = f"{abs(self.offset)} {self.unit.label} {sign} {label}"
        if self.period_end is not PeriodEnd.NONE:
            text += f", then the {self.period_end.label}"
        if self.roll is not Roll.NONE:
            text += f"; on a non-working day: {self.roll.label}"
        return text


@dataclass(frozen=True)
class Computed:
    due: date | None
    trace: str
    provisional: bool = False


def _named_skips(shift: Shift) -> list[str]:
    return [f"{d.isoformat()} ({r})" for d, r in shift.skipped if r != "weekend"]


def compute_due(
    rule: DueRule,
    anchors: Mapping[Anchor, date | None],
    cal: WorkCalendar,
    anchor_name: str = "",
    provisional: bool = False,
) -> Computed:
    """Apply `rule` to the anchor dates.

    `anchor_name` names a milestone anchor in the trace; `provisional` marks a date computed
    from a forecast because the anchor milestone is not complete yet.
    """
    if rule.anchor is Anchor.ABSOLUTE:
        if rule.fixed_date is None:
            return Computed(None, "no due date set")
        return Computed(rule.fixed_date, f"{rule.fixed_date.isoformat()} (fixed date)")
    base = anchors.get(rule.anchor)
    label = anchor_name or rule.anchor.label.lower()
    if base is None:
        return Computed(None, f"waiting for {label} to have a date", provisional=True)
    shift = add_offset(base, rule.offset, rule.unit, cal)
    sign = "+" if rule.offset >= 0 else "-"
    steps = [f"{label} ({base.isoformat()}) {sign} {abs(rule.offset)} {rule.unit.label}"]
    skipped = _named_skips(shift)
    if skipped:
        steps.append("skipped " + ", ".join(skipped))
    result = shift.result
    if rule.period_end is not PeriodEnd.NONE:
        snapped = snap(result, rule.period_end, cal)
        steps.append(f"{rule.period_end.label} -> {snapped.result.isoformat()}")
        result = snapped.result
    rolled = roll(result, rule.roll, cal)
    if rolled.result != result:
        reason = rolled.skipped[0][1] if rolled.skipped else "non-working day"
        steps.append(
            f"{result.isoformat()} is a non-working day ({reason}), rolled to "
            f"{rule.roll.label} {rolled.result.isoformat()}"
        )
        result = rolled.result
    trace = f"{result.isoformat()} = " + ", ".join(steps)
    if provisional:
        trace += " (provisional until it is complete)"
    return Computed(result, trace[:500], provisional)
