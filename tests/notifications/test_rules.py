"""Reminder rules as tables: occurrences, business days, skipping, time zones, what is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pactline.milestones.scheduling import WorkCalendar
from pactline.notifications.reminders.rules import (
    Group,
    Occurrence,
    Policy,
    Recipient,
    instant,
    occurrences,
    plan,
)

CAL = WorkCalendar(country="GB", subdivision="ENG")
DUE = date(2027, 3, 1)  # a Monday
R = Group.REMIND


def rules_on(policy: Policy, until: date = date(2027, 3, 20)) -> list[tuple[str, str]]:
    return [(o.on.isoformat(), o.rule) for o in occurrences(DUE, policy, CAL, until)]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            Policy(
                overdue_every_days=None,
                escalate_owner_after_days=None,
                escalate_contact_after_days=None,
            ),
            [
                ("2027-02-15", "before:14"),
                ("2027-02-22", "before:7"),
                ("2027-02-28", "before:1"),
                ("2027-03-01", "due"),
            ],
        ),
        (  # working days: 7 working days before Monday 1 March is Wednesday 18 February
            Policy(
                days_before=(7, 1),
                business_days=True,
                overdue_every_days=None,
                escalate_owner_after_days=None,
                escalate_contact_after_days=None,
            ),
            [("2027-02-18", "before:7"), ("2027-02-26", "before:1"), ("2027-03-01", "due")],
        ),
        (  # calendar days, but a reminder on a Sunday moves to the Friday before
            Policy(
                days_before=(1,),
                skip_non_working_days=True,
                overdue_every_days=None,
                escalate_owner_after_days=None,
                escalate_contact_after_days=None,
            ),
            [("2027-02-26", "before:1"), ("2027-03-01", "due")],
        ),
        (  # overdue every 5 days up to the first repeat after the horizon
            Policy(
                days_before=(),
                on_due_date=False,
                overdue_every_days=5,
                escalate_owner_after_days=None,
                escalate_contact_after_days=None,
            ),
            [
                ("2027-03-06", "overdue"),
                ("2027-03-11", "overdue"),
                ("2027-03-16", "overdue"),
                ("2027-03-21", "overdue"),
            ],
        ),
        (  # escalations, overdue repeats moved off the weekend to Monday
            Policy(
                days_before=(),
                on_due_date=False,
                overdue_every_days=None,
                escalate_owner_after_days=3,
                escalate_contact_after_days=6,
                skip_non_working_days=True,
            ),
            [("2027-03-04", "escalate:owner"), ("2027-03-08", "escalate:contact")],
        ),
        (Policy(enabled=False), []),
    ],
)
def test_occurrences(policy: Policy, expected: list[tuple[str, str]]) -> None:
    assert rules_on(policy) == expected


def test_good_friday_is_skipped_in_working_days() -> None:
    # 2027: Good Friday 26 March, Easter Monday 29 March (England).
    policy = Policy(
        days_before=(1,),
        business_days=True,
        on_due_date=False,
        overdue_every_days=None,
        escalate_owner_after_days=None,
        escalate_contact_after_days=None,
    )
    got = occurrences(date(2027, 3, 30), policy, CAL, date(2027, 4, 30))
    assert [(o.on, o.rule) for o in got] == [(date(2027, 3, 25), "before:1")]


@pytest.mark.parametrize(
    ("zone", "expected_utc"),
    [
        ("Europe/London", datetime(2027, 2, 22, 9, 0, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2027, 2, 22, 0, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2027, 2, 22, 14, 0, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2027, 2, 22, 3, 30, tzinfo=UTC)),
        ("Not/AZone", datetime(2027, 2, 22, 9, 0, tzinfo=UTC)),
    ],
)
def test_send_hour_is_local_to_the_recipient(zone: str, expected_utc: datetime) -> None:
    assert instant(date(2027, 2, 22), 9, zone) == expected_utc


def test_summer_time_moves_the_utc_instant() -> None:
    assert instant(date(2027, 7, 1), 9, "Europe/Berlin") == datetime(2027, 7, 1, 7, tzinfo=UTC)


OCCS = [
    Occurrence(date(2027, 2, 22), "before:7", R),
    Occurrence(date(2027, 3, 1), "due", R),
    Occurrence(date(2027, 3, 4), "overdue", R),
    Occurrence(date(2027, 3, 4), "escalate:owner", Group.ESCALATE_OWNER),
]
GRACE = timedelta(hours=36)


def test_plan_sends_the_latest_due_and_names_the_next() -> None:
    mike = Recipient(1, "Europe/London", frozenset({R}))
    now = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    sends, nxt = plan(OCCS, [mike], 9, now, GRACE, set())
    assert [(s.user_id, s.occurrence.rule) for s in sends] == [(1, "due")]
    assert nxt == datetime(2027, 3, 4, 9, tzinfo=UTC)


def test_plan_skips_what_was_sent_and_what_is_too_old() -> None:
    mike = Recipient(1, "UTC", frozenset({R}))
    now = datetime(2027, 3, 1, 10, tzinfo=UTC)
    assert plan(OCCS, [mike], 9, now, GRACE, {(1, "due", date(2027, 3, 1))})[0] == []
    late = datetime(2027, 3, 3, 10, tzinfo=UTC)  # two days after "due": no late burst
    assert plan(OCCS, [mike], 9, late, GRACE, set())[0] == []


def test_escalations_are_sent_however_late() -> None:
    boss = Recipient(2, "UTC", frozenset({Group.ESCALATE_OWNER}))
    now = datetime(2027, 3, 20, tzinfo=UTC)
    sends, nxt = plan(OCCS, [boss], 9, now, GRACE, set())
    assert [s.occurrence.rule for s in sends] == ["escalate:owner"] and nxt is None


def test_snooze_holds_until_the_date_then_sends_once() -> None:
    mike = Recipient(1, "UTC", frozenset({R}), snoozed_until=date(2027, 3, 3))
    during = datetime(2027, 3, 1, 10, tzinfo=UTC)
    sends, nxt = plan(OCCS, [mike], 9, during, GRACE, set())
    assert sends == [] and nxt == datetime(2027, 3, 3, 9, tzinfo=UTC)
    after = datetime(2027, 3, 3, 9, 5, tzinfo=UTC)
    sends, _ = plan(OCCS, [mike], 9, after, GRACE, set())
    assert [(s.occurrence.rule, s.occurrence.on) for s in sends] == [("snoozed", date(2027, 3, 3))]
    # Once sent, nothing more until the next occurrence.
    sent = {(1, "snoozed", date(2027, 3, 3))}
    assert plan(OCCS, [mike], 9, after, GRACE, sent) == ([], datetime(2027, 3, 4, 9, tzinfo=UTC))


def test_acknowledged_stops_overdue_repeats_only() -> None:
    mike = Recipient(1, "UTC", frozenset({R}), acknowledged=True)
    now = datetime(2027, 3, 4, 10, tzinfo=UTC)
    assert plan(OCCS, [mike], 9, now, GRACE, set())[0] == []
