"""Signals of the event log. `events_recorded` is sent inside the writing transaction, after
events were appended; receivers that act outside the database defer to transaction.on_commit."""

from django.dispatch import Signal

events_recorded = Signal()  # kwargs: organisation_id, events
