"""The reminder sweep: claim due rows with a conditional UPDATE, then send what is due.

Claiming moves `next_reminder_at` forward by a lease in the same statement that selects the
due rows (`... WHERE next_reminder_at <= now`, with FOR UPDATE SKIP LOCKED on PostgreSQL), so
the cost follows what is due, two workers never take the same row, and a worker killed after
claiming loses nothing: the lease runs out and the row is due again. Processing writes the
deliveries under unique keys, so a retaken row never sends a reminder twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from pactline.accounts.models import User
from pactline.accounts.permissions import Actor
from pactline.activity.services import record_many
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.milestones.services import contract_today
from pactline.notifications import messages, outgoing
from pactline.notifications.models import Delivery, Reminder, Topic
from pactline.notifications.reminders import schedule, targets
from pactline.notifications.reminders.rules import Group, Send
from pactline.notifications.reminders.schedule import Due

KINDS: dict[str, type[Model]] = {"milestone": Milestone, "contract": Contract}
Enqueue = Callable[[str, list[int]], None]


def lease() -> timedelta:
    return timedelta(seconds=settings.PACTLINE_REMINDER_LEASE_SECONDS)


def claim(kind: str, now: datetime, limit: int) -> list[int]:
    """Take up to `limit` due rows of `kind` and hold them for a lease. One statement."""
    model = KINDS[kind]
    table = connection.ops.quote_name(model._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    sql = (
        f"UPDATE {table} SET next_reminder_at = %s "  # nosec B608 # table name from the model
        f"WHERE id IN (SELECT id FROM {table} WHERE next_reminder_at <= %s "
        f"ORDER BY next_reminder_at LIMIT %s{lock}) AND next_reminder_at <= %s RETURNING id"
    )
    field = model._meta.get_field("next_reminder_at")
    until = field.get_db_prep_value(now + lease(), connection)
    at = field.get_db_prep_value(now, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [until, at, limit, at])
        return sorted(row[0] for row in cursor.fetchall())


def sweep(enqueue: Enqueue, now: datetime | None = None, limit: int | None = None) -> int:
    """Claim everything due, batch by batch, and hand each batch to `enqueue(kind, ids)`."""
    now = now or timezone.now()
    batch = limit or settings.PACTLINE_REMINDER_BATCH
    claimed = 0
    for kind in KINDS:
        while ids := claim(kind, now, batch):
            enqueue(kind, ids)
            claimed += len(ids)
            if len(ids) < batch:
                break
    return claimed


# --- processing a claimed batch ---------------------------------------------------------------


def process(kind: str, ids: list[int], now: datetime | None = None) -> int:
    """Send what is due for these rows and store their next reminder time. Returns how many
    personal deliveries were created."""
    now = now or timezone.now()
    with transaction.atomic():
        if kind == "milestone":
            created = _process_milestones(ids, now)
        else:
            created = _process_contracts(ids, now)
    return created


def _process_milestones(ids: list[int], now: datetime) -> int:
    rows = list(
        Milestone.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("contract", "contract__owner", "owner", "approver")
        .order_by("pk")
    )
    ctx = targets.load(milestones=[m for m in rows if targets.open_for_fields(m)], today=now.date())
    dues, values = [], {}
    for m in rows:
        due = schedule.evaluate_milestone(ctx, m, now)
        own = [
            *([due] if due is not None else []),
            *schedule.evaluate_milestone_fields(ctx, m, now),
        ]
        dues += own
        nexts = [d.next_at for d in own if d.next_at is not None]
        values[m.pk] = min(nexts) if nexts else None
    created = _deliver(dues, ctx)
    schedule.write_next(Milestone, values)
    return created


def _process_contracts(ids: list[int], now: datetime) -> int:
    rows = list(
        Contract.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("owner")
        .order_by("pk")
    )
    ctx = targets.load(contracts=rows, today=now.date())
    dues, values = [], {}
    for c in rows:
        found = schedule.evaluate_contract(ctx, c, now)
        dues += found
        nexts = [d.next_at for d in found if d.next_at is not None]
        values[c.pk] = min(nexts) if nexts else None
    created = _deliver(dues, ctx)
    schedule.write_next(Contract, values)
    return created


def _next_after(due: Due | None, now: datetime) -> datetime | None:
    return None if due is None else due.next_at


def _deliver(dues: list[Due], ctx: targets.Context) -> int:
    """Ledger rows and events for the organisation, deliveries for each person."""
    ledger, events, deliveries = [], {}, []
    users = User.objects.in_bulk(
        {s.user_id for d in dues for s in d.sends if s.user_id != targets.ORGANISATION}
    )
    for due in dues:
        for send in due.sends:
            if send.user_id == targets.ORGANISATION:
                ledger.append(_ledger_row(due, send))
                events.setdefault(due.subject.organisation_id, []).append(_event(due, send))
            elif send.user_id in users:
                deliveries += _personal(due, send, users[send.user_id], ctx)
    for organisation_id, items in events.items():
        actor = Actor.system(ctx.organisations[organisation_id], label="reminders")
        recorded = record_many(actor, items)
        for row, event in zip(
            [r for r in ledger if r.organisation_id == organisation_id], recorded, strict=True
        ):
            row.event_id = event.pk
    Reminder.objects.bulk_create(ledger)
    made = Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
    if made:
        outgoing.send_soon()
    return len(made)


def _ledger_row(due: Due, send: Send) -> Reminder:
    subject = due.subject
    return Reminder(
        organisation_id=subject.organisation_id,
        subject_type=subject._meta.model_name,
        subject_id=subject.pk,
        contract_id=subject.contract_id if isinstance(subject, Milestone) else subject.pk,
        target=due.target,
        target_date=due.target_date,
        rule=send.occurrence.rule,
        occurrence=send.occurrence.on,
    )


def _event(due: Due, send: Send) -> dict[str, object]:
    subject = due.subject
    rule = send.occurrence.rule
    payload = _payload(due, send, Topic.REMINDER)
    return {
        "verb": "escalated" if rule.startswith("escalate:") else "reminded",
        "subject": subject,
        "contract_id": subject.contract_id if isinstance(subject, Milestone) else subject.pk,
        "summary": payload["title"],
        "changes": {
            "target": {"before": None, "after": due.target},
            "rule": {"before": None, "after": rule},
            "occurrence": {"before": None, "after": send.occurrence.on},
            "date": {"before": None, "after": due.target_date},
        },
    }


def _payload(due: Due, send: Send, topic: str) -> dict[str, object]:
    subject, occ = due.subject, send.occurrence
    if due.target.startswith("cf:"):  # a date custom field with a reminder
        assert isinstance(subject, Contract | Milestone)
        return messages.custom_date_reminder(
            subject, due.label, due.target, due.target_date, occ.rule, occ.on, topic
        )
    if isinstance(subject, Milestone):
        today = contract_today(subject.contract)
        return messages.milestone_reminder(
            subject, occ.rule, occ.on, topic, due.policy.business_days, today
        )
    assert isinstance(subject, Contract)
    return messages.contract_reminder(subject, due.target, due.target_date, occ.rule, occ.on)


def _personal(due: Due, send: Send, user: User, ctx: targets.Context) -> list[Delivery]:
    group = send.occurrence.group
    topic = Topic.REMINDER if group is Group.REMIND else Topic.ESCALATION
    choice = ctx.prefs.of(user.pk, topic)
    subject = due.subject
    base = (
        f"reminder:{subject._meta.model_name}:{subject.pk}:{due.target}:"
        f"{send.occurrence.rule}:{send.occurrence.on.isoformat()}:{user.pk}"
    )
    fields = {
        "organisation_id": subject.organisation_id,
        "topic": topic,
        "recipient": user,
        "contract_id": subject.contract_id if isinstance(subject, Milestone) else subject.pk,
        "milestone_id": subject.pk if isinstance(subject, Milestone) else None,
        "target": due.target,
        "rule": send.occurrence.rule,
        "occurrence": send.occurrence.on,
        "payload": _payload(due, send, topic),
    }
    return outgoing.personal_deliveries(base, choice, fields)
