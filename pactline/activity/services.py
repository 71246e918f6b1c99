"""Recording events: the explicit audit call every service makes inside its transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.accounts.permissions import Actor
from pactline.activity.models import Event
from pactline.activity.signals import events_recorded


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 100000 and 100000.00 are the same amount: record one canonical form.
        return format(value.normalize(), "f")
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"before": x, "after": y}} for the fields whose value changed."""
    out: dict[str, dict[str, Any]] = {}
    for key in after:
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            out[key] = {"before": old, "after": new}
    return out


def record(
    actor: Actor,
    verb: str,
    subject: Model,
    *,
    contract_id: int | None = None,
    summary: str = "",
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """Append one event to the organisation's chain. Must run inside the write's transaction."""
    item = {
        "verb": verb,
        "subject": subject,
        "contract_id": contract_id,
        "summary": summary,
        "changes": changes,
    }
    return record_many(actor, [item])[0]


def record_many(actor: Actor, items: Iterable[Mapping[str, Any]]) -> list[Event]:
    """Append several events (dicts with the arguments of `record`) in one locked step."""
    items = list(items)
    if not items:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events are recorded inside the transaction of the change")
    # The row lock on the organisation serialises appends, so the chain never forks.
    org = (
        Organisation.objects.select_for_update()
        .only("pk", "audit_seq", "audit_head")
        .get(pk=actor.organisation.pk)
    )
    seq, head = org.audit_seq, org.audit_head
    now = timezone.now()
    events = []
    for item in items:
        subject = item["subject"]
        seq += 1
        event = Event(
            organisation_id=org.pk,
            seq=seq,
            created_at=now,
            actor_id=actor.user_id,
            actor_label=actor.name,
            verb=item["verb"],
            subject_type=type(subject)._meta.model_name or "",
            subject_id=subject.pk,
            subject_label=str(subject)[:300],
            contract_id=item.get("contract_id"),
            summary=(item.get("summary") or "")[:500],
            changes=_jsonable(dict(item.get("changes") or {})),
            prev_hash=head,
        )
        event.hash = event.content_hash()
        head = event.hash
        events.append(event)
    Event.objects.bulk_create(events, batch_size=500)
    Organisation.objects.filter(pk=org.pk).update(
        audit_seq=seq, audit_head=head, revision=F("revision") + 1
    )
    events_recorded.send(sender=Event, organisation_id=org.pk, events=events)
    return events


def note_derived_change(*organisation_ids: int) -> None:
    """A write of derived figures that appends no event (forecasts, penalty figures) still
    changes what the organisation's lists show: move its revision on (pactline.api_cache)."""
    if organisation_ids:
        Organisation.objects.filter(pk__in=organisation_ids).update(revision=F("revision") + 1)


def verify_chain(organisation: Organisation) -> Event | None:
    """The first event whose hash or link does not hold, or None when the chain is intact."""
    prev = ""
    for event in Event.objects.filter(organisation=organisation).order_by("seq").iterator():
        if event.prev_hash != prev or event.content_hash() != event.hash:
            return event
        prev = event.hash
    return None


def verify_head(organisation: Organisation) -> str | None:
    """What is wrong with the end of the chain: events deleted from its end leave the links
    intact, but no longer reach the head recorded on the organisation."""
    organisation.refresh_from_db(fields=["audit_seq", "audit_head"])
    last = Event.objects.filter(organisation=organisation).order_by("-seq").first()
    seq, head = (last.seq, last.hash) if last else (0, "")
    if (seq, head) != (organisation.audit_seq, organisation.audit_head):
        return (
            f"the chain ends at event #{seq} but the organisation records #"
            f"{organisation.audit_seq}: events were removed from its end"
        )
    return None
