"""When reminders fall due: pure functions, no database.

A policy turns a date (a milestone's due date, a contract's notice deadline or end) into
occurrences: "7 days before", "on the day", "every 3 days overdue", "escalate after 3 days".
Each recipient gets them at the policy's hour in their own time zone; `plan` says which are
due now (and not yet sent) and when the next one falls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pactline.milestones.scheduling import WorkCalendar, add_working_days, next_working_day

MAX_OVERDUE_REPEATS = 500


class Group(StrEnum):
    """Who an occurrence is for."""

    REMIND = "remind"  # owner, approver, watchers
    ESCALATE_OWNER = "escalate_owner"  # the contract's owner
    ESCALATE_CONTACT = "escalate_contact"  # the named contact, or the organisation's admins


@dataclass(frozen=True)
class Policy:
    """A resolved reminder policy as plain values (see notifications.policies)."""

    enabled: bool = True
    days_before: tuple[int, ...] = (14, 7, 1)
    on_due_date: bool = True
    overdue_every_days: int | None = 3
    escalate_owner_after_days: int | None = 3
    escalate_contact_after_days: int | None = 7
    escalation_contact_id: int | None = None
    business_days: bool = False
    skip_non_working_days: bool = False
    send_hour: int = 9
    remind_notice_deadline: bool = True
    remind_contract_end: bool = True
    source: str = "default"


@dataclass(frozen=True, order=True)
class Occurrence:
    on: date
    rule: str  # before:7, due, overdue, escalate:owner, escalate:contact
    group: Group


def _shift(day: date, days: int, policy: Policy, cal: WorkCalendar) -> date:
    if policy.business_days and days:
        return add_working_days(day, days, cal).result
    return day + timedelta(days=days)


def _skip(day: date, step: int, policy: Policy, cal: WorkCalendar) -> date:
    """Off a non-working day when asked: earlier for warnings, later for overdue notices."""
    if not policy.skip_non_working_days:
        return day
    return next_working_day(day, cal, step).result


def occurrences(
    target: date,
    policy: Policy,
    cal: WorkCalendar,
    until: date,
    *,
    overdue: bool = True,
) -> list[Occurrence]:
    """Every occurrence for `target`, overdue repeats up to the first one after `until`.

    `overdue=False` (contract dates) keeps only the warnings and the day itself.
    """
    if not policy.enabled:
        return []
    found: dict[tuple[date, Group], Occurrence] = {}

    def add(occ: Occurrence) -> None:
        # Two rules on one day for one group (e.g. "1 day before" rolled onto the day): one
        # reminder, the later rule's.
        found[(occ.on, occ.group)] = occ

    for days in sorted(set(policy.days_before), reverse=True):
        day = _skip(_shift(target, -days, policy, cal), -1, policy, cal)
        add(Occurrence(day, f"before:{days}", Group.REMIND))
    if policy.on_due_date:
        add(Occurrence(_skip(target, -1, policy, cal), "due", Group.REMIND))
    if overdue:
        every = policy.overdue_every_days
        if every:
            for k in range(1, MAX_OVERDUE_REPEATS + 1):
                day = _skip(_shift(target, k * every, policy, cal), 1, policy, cal)
                add(Occurrence(day, "overdue", Group.REMIND))
                if day > until:
                    break
        for after, rule, group in (
            (policy.escalate_owner_after_days, "escalate:owner", Group.ESCALATE_OWNER),
            (policy.escalate_contact_after_days, "escalate:contact", Group.ESCALATE_CONTACT),
        ):
            if after:
                day = _skip(_shift(target, after, policy, cal), 1, policy, cal)
                add(Occurrence(day, rule, group))
    return sorted(found.values())


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def instant(day: date, hour: int, time_zone: str) -> datetime:
    """`hour` o'clock on `day` in `time_zone`, as an aware UTC datetime."""
    local = datetime.combine(day, time(hour=hour), tzinfo=zone(time_zone))
    return local.astimezone(UTC)


@dataclass(frozen=True)
class Recipient:
    """Someone (or, with user_id 0, the organisation's subscriptions) to remind."""

    user_id: int
    time_zone: str
    groups: frozenset[Group]
    snoozed_until: date | None = None
    acknowledged: bool = False  # no more overdue repeats for this due date


@dataclass(frozen=True)
class Send:
    user_id: int
    occurrence: Occurrence
    at: datetime


def plan(
    occs: Iterable[Occurrence],
    recipients: Iterable[Recipient],
    send_hour: int,
    now: datetime,
    grace: timedelta,
    sent: set[tuple[int, str, date]],
) -> tuple[list[Send], datetime | None]:
    """What to send now, and when the next reminder falls (None: never again).

    Per recipient and group, only the latest occurrence that has come is sent: after an outage
    or a snooze one reminder goes out, not a burst. Warnings and overdue repeats older than
    `grace` are skipped (the next one will come); escalations are sent however late.
    `sent` holds (user_id, rule, date) already sent.
    """
    occs = list(occs)
    sends: list[Send] = []
    next_at: datetime | None = None
    for r in recipients:
        hold = instant(r.snoozed_until, send_hour, r.time_zone) if r.snoozed_until else None
        for group in r.groups:
            timed = []
            own = list(occs)
            if r.snoozed_until and group is Group.REMIND:
                # "Remind me again then": the end of a snooze is an occurrence of its own.
                own.append(Occurrence(r.snoozed_until, "snoozed", Group.REMIND))
            for o in own:
                if o.group != group or (r.acknowledged and o.rule == "overdue"):
                    continue
                at = instant(o.on, send_hour, r.time_zone)
                timed.append((max(at, hold) if hold else at, o))
            come = [t for t in timed if t[0] <= now]
            if come:
                at, o = max(come, key=lambda t: (t[0], t[1].on, t[1].rule != "snoozed"))
                fresh = group is not Group.REMIND or now - at <= grace
                if fresh and (r.user_id, o.rule, o.on) not in sent:
                    sends.append(Send(r.user_id, o, at))
            later = [t[0] for t in timed if t[0] > now]
            if later and (next_at is None or min(later) < next_at):
                next_at = min(later)
    return sends, next_at
