"""The outbox: turn committed events into deliveries, in the background.

Each organisation has a cursor (the last event seq handled). A dispatcher locks the cursor
(SKIP LOCKED on PostgreSQL, so two dispatchers share the organisations out), reads the next
events, creates deliveries under unique keys (event id + subscription or person + channel),
moves the cursor, and commits all of it at once: an event is handled exactly once, and a
crash before the commit leaves it for the next run. Events also keep reminder times fresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.notifications import audience, messages, outgoing
from pactline.notifications.models import Delivery, OutboxCursor, Subscription
from pactline.notifications.reminders import schedule
from pactline.notifications.subscriptions import matches

BATCH = 500
# Events the reminder machinery does not need to look at again.
QUIET_VERBS = frozenset({"reminded", "escalated"})


@dataclass
class Affected:
    """Subjects whose next reminder time may have changed."""

    milestones: set[int] = field(default_factory=set)
    contracts: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)

    def note(self, event: Event) -> None:
        if event.verb in QUIET_VERBS:
            return
        if event.subject_type == "milestone":
            self.milestones.add(event.subject_id)
        elif event.subject_type == "contract":
            self.contracts.add(event.subject_id)
        elif event.subject_type == "organisation":  # its policy or its closure days
            self.organisations.add(event.subject_id)
        elif event.subject_type == "customfield":  # a date field's reminder (customfields)
            self.organisations.add(event.organisation_id)

    def refresh(self) -> None:
        for organisation_id in self.organisations:
            schedule.refresh_organisation(organisation_id)
        if self.contracts:
            schedule.refresh_contract_and_milestones(self.contracts)
        if self.milestones:
            schedule.refresh_milestones(self.milestones)


def dispatch(limit: int = BATCH) -> int:
    """Handle pending events of every organisation; returns how many events were handled."""
    handled = 0
    for organisation_id in _organisations_behind():
        while True:
            count = dispatch_organisation(organisation_id, limit)
            handled += count
            if count < limit:
                break
    return handled


def _organisations_behind() -> list[int]:
    cursors = dict(OutboxCursor.objects.values_list("organisation_id", "last_seq"))
    return [
        pk
        for pk, seq in Organisation.objects.values_list("pk", "audit_seq")
        if seq > cursors.get(pk, 0)
    ]


def _lock_cursor(organisation_id: int) -> OutboxCursor | None:
    OutboxCursor.objects.get_or_create(organisation_id=organisation_id)
    cursors = OutboxCursor.objects.filter(organisation_id=organisation_id)
    if connection.vendor == "postgresql":
        return cursors.select_for_update(skip_locked=True).first()
    return cursors.select_for_update().first()


def dispatch_organisation(organisation_id: int, limit: int = BATCH) -> int:
    affected = Affected()
    with transaction.atomic():
        cursor = _lock_cursor(organisation_id)
        if cursor is None:
            return 0  # another dispatcher has it
        events = list(
            Event.objects.filter(organisation_id=organisation_id, seq__gt=cursor.last_seq)
            .select_related("organisation")
            .order_by("seq")[:limit]
        )
        if not events:
            return 0
        deliveries, subscription_ids = _deliveries(events)
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
        OutboxCursor.objects.filter(pk=cursor.pk).update(
            last_seq=events[-1].seq, updated_at=timezone.now()
        )
        for event in events:
            affected.note(event)
        if any(d.subscription_id is None for d in deliveries):
            outgoing.send_soon()
        outgoing.flush_soon(subscription_ids)
    affected.refresh()
    return len(events)


def _deliveries(events: list[Event]) -> tuple[list[Delivery], set[int]]:
    organisation = events[0].organisation
    subs = list(Subscription.objects.filter(organisation=organisation, active=True))
    contracts = Contract.objects.select_related("owner").in_bulk(
        {e.contract_id for e in events if e.contract_id}
    )
    milestones = Milestone.objects.select_related("owner", "approver", "contract").in_bulk(
        {e.subject_id for e in events if e.subject_type == "milestone"}
    )
    people = audience.Audience.load(organisation, events, contracts, milestones)
    now = timezone.now()
    out: list[Delivery] = []
    used: set[int] = set()
    for event in events:
        contract = contracts.get(event.contract_id) if event.contract_id else None
        milestone = milestones.get(event.subject_id) if event.subject_type == "milestone" else None
        payload = messages.event_payload(event, organisation, contract, milestone)
        for sub in subs:
            if matches(sub, event):
                used.add(sub.pk)
                out.append(
                    Delivery(
                        organisation=organisation,
                        key=f"event:{event.pk}:sub:{sub.pk}",
                        channel=sub.channel,
                        subscription=sub,
                        event_id=event.pk,
                        contract_id=event.contract_id,
                        milestone_id=milestone.pk if milestone else None,
                        payload=payload,
                        next_attempt_at=now,
                    )
                )
        out += people.deliveries(event, contract, milestone)
    return out, used


def behind() -> int:
    """How many events wait for the dispatcher, over all organisations (for `pactline status`)."""
    cursors = dict(OutboxCursor.objects.values_list("organisation_id", "last_seq"))
    return sum(
        max(seq - cursors.get(pk, 0), 0)
        for pk, seq in Organisation.objects.values_list("pk", "audit_seq")
    )
