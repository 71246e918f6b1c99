"""Read models for history and activity feeds; every one starts from permissions.visible_events,
so restricted contracts and (for guests) unshared milestones leave no trace."""

from __future__ import annotations

from django.db.models import QuerySet

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.activity.models import Event


def events_for(actor: Actor) -> QuerySet[Event]:
    return permissions.visible_events(actor).select_related("actor")


def contract_history(actor: Actor, contract_id: int) -> QuerySet[Event]:
    return events_for(actor).filter(contract_id=contract_id).order_by("-seq")


def subject_history(actor: Actor, subject_type: str, subject_id: int) -> QuerySet[Event]:
    return (
        events_for(actor).filter(subject_type=subject_type, subject_id=subject_id).order_by("-seq")
    )
