"""Closure days (company holidays, office closures) from an .ics file.

Every VEVENT gives its dates: an all-day event its day, a multi-day one each day from DTSTART
up to (not including) DTEND, a timed one the days it touches. Recurring events (RRULE) are
skipped with a note: holiday calendars list each year's dates anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from icalendar import Calendar

from pactline.accounts.models import Role
from pactline.accounts.permissions import Actor, at_least, require
from pactline.activity.services import record
from pactline.errors import ValidationFailed
from pactline.transfer.limits import limit
from pactline.transfer.models import OrganisationClosure
from pactline.validation import MAX_YEAR, MIN_YEAR

MAX_EVENT_DAYS = 366
MAX_CLOSURE_DAYS = 10_000


@dataclass
class ClosureResult:
    added: int = 0
    unchanged: int = 0
    moved: int = 0  # milestones whose due date moved because of the new closure days
    skipped: list[str] = field(default_factory=list)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValueError("no date")


def _days(event: object) -> list[date]:
    start = _day(event.decoded("dtstart"))  # type: ignore[attr-defined]
    if "dtend" in event:  # type: ignore[operator]
        raw_end = event.decoded("dtend")  # type: ignore[attr-defined]
        end = _day(raw_end)
        if isinstance(raw_end, datetime) and (raw_end.time() != raw_end.time().min):
            end += timedelta(days=1)  # a timed event closes the day it ends on
    elif "duration" in event:  # type: ignore[operator]
        end = start + max(event.decoded("duration"), timedelta(days=1))  # type: ignore[attr-defined]
    else:
        end = start + timedelta(days=1)
    end = max(end, start + timedelta(days=1))
    span = (end - start).days
    if span > MAX_EVENT_DAYS:
        raise ValueError(f"spans {span} days (at most {MAX_EVENT_DAYS})")
    days = [start + timedelta(days=i) for i in range(span)]
    if any(not MIN_YEAR <= d.year <= MAX_YEAR for d in days):
        raise ValueError(f"has a year outside {MIN_YEAR}-{MAX_YEAR}")
    return days


def read_closures(ics: bytes) -> tuple[dict[date, str], list[str]]:
    """{date: name} from an .ics file, and what was skipped."""
    if len(ics) > limit("PACTLINE_IMPORT_MAX_BYTES"):
        raise ValidationFailed.one("file", "is too large")
    try:
        calendar = Calendar.from_ical(ics)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValidationFailed.one("file", f"is not an iCalendar file: {exc}") from None
    found: dict[date, str] = {}
    skipped: list[str] = []
    for event in calendar.walk("VEVENT"):
        name = str(event.get("summary", "") or "Closure").strip()[:200] or "Closure"
        if "rrule" in event:
            skipped.append(f"{name}: recurring events are not expanded")
            continue
        try:
            days = _days(event)
        except (ValueError, KeyError, TypeError) as exc:
            skipped.append(f"{name}: {exc}")
            continue
        for day in days:
            found.setdefault(day, name)
        if len(found) > MAX_CLOSURE_DAYS:
            raise ValidationFailed.one("file", f"holds more than {MAX_CLOSURE_DAYS} days")
    return found, skipped


@transaction.atomic
def import_closures(actor: Actor, ics: bytes) -> ClosureResult:
    """Add the file's days to the organisation's closures; days already there stay as they are."""
    require(at_least(actor, Role.ADMIN), "only admins and owners change the organisation calendar")
    days, skipped = read_closures(ics)
    existing = set(
        OrganisationClosure.objects.filter(
            organisation=actor.organisation, date__in=list(days)
        ).values_list("date", flat=True)
    )
    new = [
        OrganisationClosure(organisation=actor.organisation, date=d, name=n)
        for d, n in sorted(days.items())
        if d not in existing
    ]
    OrganisationClosure.objects.bulk_create(new)
    result = ClosureResult(added=len(new), unchanged=len(existing), skipped=skipped)
    if new:
        record(
            actor,
            "closures_imported",
            actor.organisation,
            summary=f"{len(new)} closure days imported "
            f"({new[0].date.isoformat()} to {new[-1].date.isoformat()})",
            changes={
                "closures": {"before": None, "after": [c.date.isoformat() for c in new][:500]}
            },
        )
        from pactline.milestones.services import recompute_organisation

        result.moved = recompute_organisation(actor, f"{len(new)} closure days imported")
    return result
