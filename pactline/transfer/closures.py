"""Closure days (company holidays, office closures): one by one, or from an .ics file.

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
from pactline.errors import NotFound, ValidationFailed
from pactline.transfer.limits import limit
from pactline.transfer.models import OrganisationClosure
from pactline.validation import MAX_YEAR, MIN_YEAR, Errors, check_required_text

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
    _require_admin(actor)
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
        result.moved = _recompute(actor, f"{len(new)} closure days imported")
    return result


def _recompute(actor: Actor, reason: str) -> int:
    """Move the due dates the changed calendar affects; how many moved."""
    from pactline.milestones.services import recompute_organisation

    return recompute_organisation(actor, reason)


def _require_admin(actor: Actor) -> None:
    require(at_least(actor, Role.ADMIN), "only admins and owners change the organisation calendar")


@transaction.atomic
def add_closure(actor: Actor, day: object, name: str) -> tuple[OrganisationClosure, int]:
    """Close the organisation on `day`; returns the closure and how many due dates moved."""
    _require_admin(actor)
    errors = Errors()
    if not isinstance(day, date) or isinstance(day, datetime):
        errors.add("date", "must be a date (YYYY-MM-DD)")
    elif not MIN_YEAR <= day.year <= MAX_YEAR:
        errors.add("date", f"must be between {MIN_YEAR} and {MAX_YEAR}")
    check_required_text(errors, "name", name, 200)
    errors.raise_if_any()
    assert isinstance(day, date)  # checked above; for the type checker
    taken = OrganisationClosure.objects.filter(organisation=actor.organisation, date=day).first()
    if taken is not None:
        raise ValidationFailed.one("date", f"is already a closure day ({taken.name})")
    closure = OrganisationClosure.objects.create(
        organisation=actor.organisation, date=day, name=name.strip()
    )
    record(
        actor,
        "closure_added",
        actor.organisation,
        summary=f"Closure day added: {day.isoformat()} {closure.name}",
        changes={"closures": {"before": None, "after": [day.isoformat()]}},
    )
    return closure, _recompute(actor, f"closure day {day.isoformat()} added")


@transaction.atomic
def remove_closure(actor: Actor, closure: OrganisationClosure) -> int:
    """Open the organisation again on a closure day; returns how many due dates moved."""
    if closure.organisation_id != actor.organisation.pk:
        raise NotFound("closure day not found")
    _require_admin(actor)
    day = closure.date
    closure.delete()
    record(
        actor,
        "closure_removed",
        actor.organisation,
        summary=f"Closure day removed: {day.isoformat()} {closure.name}",
        changes={"closures": {"before": [day.isoformat()], "after": None}},
    )
    return _recompute(actor, f"closure day {day.isoformat()} removed")


def closures_of(actor: Actor) -> list[OrganisationClosure]:
    """The organisation's closure days, in date order."""
    return list(OrganisationClosure.objects.filter(organisation=actor.organisation))
