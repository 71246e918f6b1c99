"""Recurring obligations: RFC 5545 recurrence rules (python-dateutil) turned into due dates."""

from __future__ import annotations

from datetime import date, datetime, time

from dateutil.rrule import rrule, rrulestr

from pactline.milestones.scheduling.calendars import PeriodEnd, Roll, WorkCalendar, roll, snap

MAX_OCCURRENCES = 1000


class RecurrenceError(ValueError):
    pass


def parse_rule(text: str, start: date) -> rrule:
    """Parse an RRULE ("FREQ=MONTHLY;BYMONTHDAY=-1" or "RRULE:FREQ=..."), starting on `start`."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body:
        raise RecurrenceError("the recurrence rule is empty")
    try:
        rule = rrulestr(body, dtstart=datetime.combine(start, time()), forceset=False)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"not an RFC 5545 recurrence rule: {exc}") from None
    if not isinstance(rule, rrule):
        raise RecurrenceError("give one RRULE, without RDATE or EXDATE")
    if rule._freq > 3:  # HOURLY, MINUTELY, SECONDLY
        raise RecurrenceError("obligations recur daily at most often")
    return rule


def occurrences(
    text: str,
    start: date,
    until: date | None,
    window_end: date,
    *,
    after: date | None = None,
    period_end: PeriodEnd = PeriodEnd.NONE,
    roll_rule: Roll = Roll.NONE,
    cal: WorkCalendar | None = None,
) -> list[tuple[date, date]]:
    """(occurrence date, due date) pairs from `start` up to `until` and `window_end`.

    The occurrence date is the rule's own date (stable: it identifies the occurrence); the due
    date is that date snapped to its period end and rolled off non-working days. `after`
    skips occurrences already generated.
    """
    cal = cal or WorkCalendar()
    rule = parse_rule(text, start)
    last = min(d for d in (until, window_end) if d is not None)
    out: list[tuple[date, date]] = []
    for moment in rule:
        day = moment.date()
        if day > last:
            break
        if after is not None and day <= after:
            continue
        due = roll(snap(day, period_end, cal).result, roll_rule, cal).result
        out.append((day, due))
        if len(out) >= MAX_OCCURRENCES:
            break
    return out
