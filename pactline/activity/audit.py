"""The audit trail with filters (verb, person, object, contract, dates), and its exports as CSV
and JSON Lines, streamed so an export of a large organisation holds little in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from pactline.accounts.permissions import Actor
from pactline.activity.models import Event
from pactline.activity.queries import events_for

COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "verb",
    "subject_type",
    "subject_id",
    "subject_label",
    "contract_id",
    "summary",
    "changes",
    "prev_hash",
    "hash",
)
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class AuditFilter:
    verb: str | None = None
    actor_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    contract_id: int | None = None
    since: date | None = None  # first day included, in the organisation's time zone
    until: date | None = None  # last day included


def _start_of(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def audit_events(actor: Actor, f: AuditFilter) -> QuerySet[Event]:
    qs = events_for(actor)
    if f.verb:
        qs = qs.filter(verb=f.verb)
    if f.actor_id is not None:
        qs = qs.filter(actor_id=f.actor_id)
    if f.subject_type:
        qs = qs.filter(subject_type=f.subject_type)
    if f.subject_id is not None:
        qs = qs.filter(subject_id=f.subject_id)
    if f.contract_id is not None:
        qs = qs.filter(contract_id=f.contract_id)
    zone = actor.organisation.default_time_zone
    if f.since is not None:
        qs = qs.filter(created_at__gte=_start_of(f.since, zone))
    if f.until is not None:
        qs = qs.filter(created_at__lt=_start_of(f.until + timedelta(days=1), zone))
    return qs.order_by("-seq")


def _row(event: Event) -> dict[str, object]:
    return {column: getattr(event, column) for column in COLUMNS}


def _cell(value: object) -> object:
    """Keep spreadsheet programs from running text as a formula (CSV injection)."""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(CSV_DANGEROUS):
        return "'" + value
    return value


def csv_lines(events: QuerySet[Event]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for event in events.iterator(chunk_size=2000):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(v) for v in _row(event).values()])
        yield buffer.getvalue()


def jsonl_lines(events: QuerySet[Event]) -> Iterator[str]:
    for event in events.iterator(chunk_size=2000):
        yield json.dumps(_row(event), cls=DjangoJSONEncoder, sort_keys=True) + "\n"


def verbs(actor: Actor) -> list[str]:
    return sorted(set(events_for(actor).order_by().values_list("verb", flat=True).distinct()))


def subject_types(actor: Actor) -> list[str]:
    qs = events_for(actor).order_by().values_list("subject_type", flat=True).distinct()
    return sorted(set(qs))
