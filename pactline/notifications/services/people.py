"""What each person does for themselves: watch, preferences, inbox, snooze, acknowledge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import User
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.contracts.models import Contract
from pactline.errors import NotFound, ValidationFailed
from pactline.milestones import services as milestone_services
from pactline.milestones.models import COMPLETE_STATUSES, Milestone, MilestoneStatus
from pactline.notifications.models import (
    EmailMode,
    Notification,
    Preference,
    ReminderState,
    Topic,
    Watch,
)

MAX_SNOOZE_DAYS = 366


def _person(actor: Actor) -> User:
    require(actor.user is not None, "only people have their own notifications")
    assert actor.user is not None
    return actor.user


# --- watching ---------------------------------------------------------------------------------


@transaction.atomic
def watch(
    actor: Actor, contract: Contract | None = None, milestone: Milestone | None = None
) -> Watch:
    user = _person(actor)
    if milestone is not None:
        contract = milestone.contract
    if contract is None:
        raise ValidationFailed.one("contract_id", "name a contract or a milestone to watch")
    # Only what the person sees (restricted contracts, a guest's shared milestones).
    if milestone is not None:
        seen = permissions.visible_milestones(actor).filter(pk=milestone.pk)
    else:
        seen = permissions.visible_contracts(actor).filter(pk=contract.pk)
    if not seen.exists():
        raise NotFound(f"{'milestone' if milestone else 'contract'} not found")
    existing = permissions.own_watches(actor).filter(contract=contract, milestone=milestone).first()
    if existing is not None:
        return existing
    found = Watch.objects.create(
        organisation=actor.organisation, user=user, contract=contract, milestone=milestone
    )
    subject = milestone or contract
    record(
        actor,
        "watched",
        subject,
        contract_id=contract.pk,
        summary=f"{user.display_name} watches {subject}",
    )
    return found


@transaction.atomic
def unwatch(actor: Actor, found: Watch) -> None:
    _person(actor)
    subject = found.milestone or found.contract
    record(
        actor,
        "unwatched",
        subject,
        contract_id=found.contract_id,
        summary=f"{actor.name} no longer watches {subject}",
    )
    found.delete()


# --- preferences ------------------------------------------------------------------------------


@transaction.atomic
def set_preferences(actor: Actor, choices: Iterable[Mapping[str, object]]) -> list[Preference]:
    """Save [{"topic": ..., "email": ..., "in_app": ...}] for the acting person."""
    user = _person(actor)
    choices = list(choices)
    errors: dict[str, str] = {}
    for i, choice in enumerate(choices):
        if choice.get("topic") not in Topic.values:
            errors[f"{i}.topic"] = f"must be one of {', '.join(Topic.values)}"
        if choice.get("email") not in EmailMode.values:
            errors[f"{i}.email"] = f"must be one of {', '.join(EmailMode.values)}"
        if not isinstance(choice.get("in_app", True), bool):
            errors[f"{i}.in_app"] = "must be true or false"
    if errors:
        raise ValidationFailed(dict(errors))
    saved = []
    for choice in choices:
        row, _ = Preference.objects.update_or_create(
            user=user,
            topic=choice["topic"],
            defaults={
                "email": choice["email"],
                "in_app": choice.get("in_app", True),
                "updated_at": timezone.now(),
            },
        )
        saved.append(row)
    record(
        actor,
        "preferences_changed",
        user,
        summary=f"{user.display_name} changed notification preferences",
        changes={
            str(c["topic"]): {
                "before": None,
                "after": f"{c['email']}, in-app {c.get('in_app', True)}",
            }
            for c in choices
        },
    )
    return saved


# --- inbox (personal read state: no audit event, see docs/decisions.md) -------------------------


def mark_read(actor: Actor, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
    return notification


def mark_all_read(actor: Actor) -> int:
    return (
        permissions.own_notifications(actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


# --- snooze, acknowledge, complete ------------------------------------------------------------


def _state(actor: Actor, milestone: Milestone) -> ReminderState:
    state, _ = ReminderState.objects.select_for_update().get_or_create(
        milestone=milestone, user=_person(actor), defaults={"organisation": actor.organisation}
    )
    return state


@transaction.atomic
def snooze(actor: Actor, milestone: Milestone, until: date, via: str = "") -> ReminderState:
    """Hold this person's reminders of the milestone until `until` (in the contract's calendar)."""
    today = milestone_services.contract_today(milestone.contract)
    if not isinstance(until, date) or until <= today:
        raise ValidationFailed.one("until", "must be a date after today")
    if until > today + timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationFailed.one("until", f"must be within {MAX_SNOOZE_DAYS} days")
    state = _state(actor, milestone)
    before = state.snoozed_until
    state.snoozed_until = until
    state.updated_at = timezone.now()
    state.save()
    record(
        actor,
        "snoozed",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"{actor.name} snoozed reminders of {milestone.title} until {until}{via}",
        changes={"snoozed_until": {"before": before, "after": until}},
    )
    return state


@transaction.atomic
def acknowledge(actor: Actor, milestone: Milestone, via: str = "") -> ReminderState:
    """Stop this person's repeating overdue reminders while the due date stays as it is."""
    if milestone.due_date is None:
        raise ValidationFailed.one("milestone", "has no due date to acknowledge")
    state = _state(actor, milestone)
    state.acknowledged_due = milestone.due_date
    state.updated_at = timezone.now()
    state.save()
    record(
        actor,
        "acknowledged",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"{actor.name} acknowledged the reminders of {milestone.title}{via}",
        changes={"acknowledged_due": {"before": None, "after": milestone.due_date}},
    )
    return state


def complete(actor: Actor, milestone: Milestone, via: str = "") -> Milestone:
    """Mark done through the milestone services: done, or submitted when it needs acceptance."""
    if milestone.status in COMPLETE_STATUSES and milestone.status == MilestoneStatus.DONE:
        raise ValidationFailed.one("status", "this milestone is done already")
    if milestone.approver_id is not None and milestone.status != MilestoneStatus.ACCEPTED:
        if milestone.status == MilestoneStatus.PLANNED:
            milestone = milestone_services.transition(actor, milestone, MilestoneStatus.IN_PROGRESS)
        target = MilestoneStatus.SUBMITTED
    else:
        target = MilestoneStatus.DONE
    return milestone_services.transition(actor, milestone, target, note=via.strip(" ()"))


def remember_link(user: User, link_id: str, action: str) -> bool:
    """Store a used link id; False when it was used before (also by a concurrent request)."""
    from pactline.notifications.models import UsedLink

    try:
        with transaction.atomic():
            UsedLink.objects.create(link_id=link_id, user=user, action=action)
    except IntegrityError:
        return False
    return True
