"""The next reminder time of milestones and contracts, and what is due to be sent now.

`evaluate_*` is shared by the sweep (which sends) and `refresh_*` (which only stores the next
time after a change): both see the same policy, people, snoozes and sent ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from pactline.contracts.models import Contract
from pactline.milestones.models import OPEN_STATUSES, Milestone
from pactline.notifications.reminders import targets
from pactline.notifications.reminders.rules import Policy, Send, occurrences, plan
from pactline.notifications.reminders.targets import Context

BATCH = 1000


@dataclass
class Due:
    """What one subject has to send now, and its next reminder time."""

    subject: Model
    target: str
    target_date: date
    policy: Policy
    sends: list[Send]
    next_at: datetime | None
    label: str = ""  # a date custom field's label (target "cf:<id>")


def _grace() -> timedelta:
    return timedelta(hours=settings.PACTLINE_REMINDER_GRACE_HOURS)


def _horizon(now: datetime) -> date:
    return now.date() + timedelta(days=2)  # covers every time zone's "today"


def evaluate_milestone(ctx: Context, m: Milestone, now: datetime) -> Due | None:
    if not targets.remindable(m):
        return None
    assert m.due_date is not None
    policy = ctx.policies.for_milestone(m.organisation_id, m.contract_id, m.pk)
    occs = occurrences(m.due_date, policy, ctx.calendar(m.contract), _horizon(now))
    people = ctx.milestone_recipients(m, policy)
    sent = ctx.already("milestone", m.pk, "due")
    sends, next_at = plan(occs, people, policy.send_hour, now, _grace(), sent)
    return Due(m, "due", m.due_date, policy, sends, next_at)


def evaluate_contract(ctx: Context, c: Contract, now: datetime) -> list[Due]:
    policy = ctx.policies.for_contract(c.organisation_id, c.pk)
    people = ctx.contract_recipients(c)
    out = []
    for target, day in targets.contract_targets(c, policy):
        occs = occurrences(day, policy, ctx.calendar(c), _horizon(now), overdue=False)
        sent = ctx.already("contract", c.pk, target)
        sends, next_at = plan(occs, people, policy.send_hour, now, _grace(), sent)
        out.append(Due(c, target, day, policy, sends, next_at))
    out += _date_field_dues(ctx, c, "contract", policy, people, c, now)
    return out


def _field_policy(policy: Policy, days: int) -> Policy:
    """A date field's own rule ("remind N days before"), at the policy's hour and calendar."""
    return replace(policy, days_before=(days,) if days else (), on_due_date=days == 0)


def _date_field_dues(
    ctx: Context,
    subject: Contract | Milestone,
    object_type: str,
    policy: Policy,
    people: list,
    contract: Contract,
    now: datetime,
) -> list[Due]:
    out = []
    for f, day in targets.date_field_targets(ctx, subject, object_type):
        own = _field_policy(policy, f.days)
        occs = occurrences(day, own, ctx.calendar(contract), _horizon(now), overdue=False)
        sent = ctx.already(object_type, subject.pk, f.target)
        sends, next_at = plan(occs, people, own.send_hour, now, _grace(), sent)
        out.append(Due(subject, f.target, day, own, sends, next_at, label=f.label))
    return out


def evaluate_milestone_fields(ctx: Context, m: Milestone, now: datetime) -> list[Due]:
    """The milestone's date custom fields with reminders (to its owner, approver, watchers)."""
    if not targets.open_for_fields(m) or not ctx.date_fields.get((m.organisation_id, "milestone")):
        return []
    policy = ctx.policies.for_milestone(m.organisation_id, m.contract_id, m.pk)
    people = ctx.milestone_recipients(m, policy)
    return _date_field_dues(ctx, m, "milestone", policy, people, m.contract, now)


def next_time(dues: Iterable[Due], now: datetime) -> datetime | None:
    """Now when something is waiting to be sent, else the earliest next reminder."""
    times = [now if d.sends else d.next_at for d in dues]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def write_next(model: type[Model], values: dict[int, datetime | None]) -> None:
    if not values:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    field = model._meta.get_field("next_reminder_at")
    sql = f"UPDATE {table} SET next_reminder_at = %s WHERE id = %s"  # nosec B608 # table name
    params = [[field.get_db_prep_value(v, connection), pk] for pk, v in values.items()]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def refresh_milestones(ids: Iterable[int], now: datetime | None = None) -> int:
    """Store the next reminder time of these milestones; returns how many changed."""
    now = now or timezone.now()
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        rows = list(
            Milestone.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                "contract", "owner", "approver"
            )
        )
        ctx = targets.load(milestones=[m for m in rows if targets.open_for_fields(m)])
        values = {}
        for m in rows:
            due = evaluate_milestone(ctx, m, now)
            dues = [*([due] if due else []), *evaluate_milestone_fields(ctx, m, now)]
            value = next_time(dues, now) if dues else None
            if value != m.next_reminder_at:
                values[m.pk] = value
        write_next(Milestone, values)
        changed += len(values)
    return changed


def refresh_contracts(ids: Iterable[int], now: datetime | None = None) -> int:
    now = now or timezone.now()
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        rows = list(Contract.objects.filter(pk__in=ids[start : start + BATCH]))
        ctx = targets.load(contracts=rows)
        values = {}
        for c in rows:
            value = next_time(evaluate_contract(ctx, c, now), now)
            if value != c.next_reminder_at:
                values[c.pk] = value
        write_next(Contract, values)
        changed += len(values)
    return changed


def refresh_contract_and_milestones(contract_ids: Iterable[int]) -> int:
    contract_ids = set(contract_ids)
    milestone_ids = Milestone.objects.filter(contract_id__in=contract_ids).values_list(
        "pk", flat=True
    )
    return refresh_contracts(contract_ids) + refresh_milestones(milestone_ids)


def refresh_organisation(organisation_id: int) -> int:
    """Every open milestone and every contract of an organisation (after its policy changed)."""
    contracts = Contract.objects.filter(organisation_id=organisation_id).values_list(
        "pk", flat=True
    )
    milestones = Milestone.objects.filter(
        organisation_id=organisation_id, status__in=OPEN_STATUSES
    ).values_list("pk", flat=True)
    stale = Milestone.objects.filter(
        organisation_id=organisation_id, next_reminder_at__isnull=False
    ).exclude(status__in=OPEN_STATUSES)
    cleared = stale.update(next_reminder_at=None)
    return cleared + refresh_contracts(contracts) + refresh_milestones(milestones)


def refresh_all() -> int:
    """The daily pass: people, time zones and memberships change without an event."""
    from pactline.accounts.models import Organisation

    return sum(refresh_organisation(pk) for pk in Organisation.objects.values_list("pk", flat=True))
