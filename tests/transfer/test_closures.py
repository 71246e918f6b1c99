"""Closure days from an .ics file into the organisation's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.activity.models import Event
from pactline.errors import Forbidden, ValidationFailed
from pactline.transfer.closures import import_closures
from pactline.transfer.models import OrganisationClosure

ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Holidays//EN\r
BEGIN:VEVENT\r
UID:1@test\r
DTSTAMP:20270101T000000Z\r
DTSTART;VALUE=DATE:20271224\r
DTEND;VALUE=DATE:20271228\r
SUMMARY:Christmas closure\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:2@test\r
DTSTAMP:20270101T000000Z\r
DTSTART;VALUE=DATE:20270501\r
SUMMARY:Labour day\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:3@test\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270815T090000Z\r
DTEND:20270815T170000Z\r
SUMMARY:Summer party\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:4@test\r
DTSTAMP:20270101T000000Z\r
DTSTART;VALUE=DATE:20270101\r
RRULE:FREQ=YEARLY\r
SUMMARY:New year\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_closures_are_imported_day_by_day(world):
    admin = world.actor("admin")
    result = import_closures(admin, ICS)
    assert result.added == 6
    assert result.unchanged == 0
    assert result.skipped == ["New year: recurring events are not expanded"]
    days = dict(
        OrganisationClosure.objects.filter(organisation=world.acme).values_list("date", "name")
    )
    assert days == {
        date(2027, 12, 24): "Christmas closure",
        date(2027, 12, 25): "Christmas closure",
        date(2027, 12, 26): "Christmas closure",
        date(2027, 12, 27): "Christmas closure",
        date(2027, 5, 1): "Labour day",
        date(2027, 8, 15): "Summer party",
    }
    assert Event.objects.filter(verb="closures_imported").count() == 1


def test_importing_twice_adds_nothing(world):
    import_closures(world.actor("owner"), ICS)
    events = Event.objects.count()
    again = import_closures(world.actor("owner"), ICS)
    assert (again.added, again.unchanged) == (0, 6)
    assert Event.objects.count() == events


def test_closures_belong_to_one_organisation(world):
    import_closures(world.actor("admin"), ICS)
    import_closures(world.actor("outsider"), ICS)
    assert OrganisationClosure.objects.filter(organisation=world.rival).count() == 6
    assert OrganisationClosure.objects.filter(organisation=world.acme).count() == 6


def test_only_admins_change_the_calendar(manager):
    with pytest.raises(Forbidden):
        import_closures(manager, ICS)


def test_not_a_calendar(world):
    with pytest.raises(ValidationFailed, match="not an iCalendar file"):
        import_closures(world.actor("admin"), b"hello, world")
    assert not OrganisationClosure.objects.exists()


def test_absurd_events_are_skipped(world):
    long = ICS.replace(b"DTEND;VALUE=DATE:20271228", b"DTEND;VALUE=DATE:20371228")
    result = import_closures(world.actor("admin"), long)
    assert any("spans" in s for s in result.skipped)
    assert result.added == 2
