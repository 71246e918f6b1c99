"""Setting and removing reminder policies (organisation, contract, milestone)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.errors import Conflict
from pactline.milestones.models import Milestone
from pactline.notifications import policies
from pactline.notifications.models import ReminderPolicy


def _scope(actor: Actor, contract: Contract | None, milestone: Milestone | None) -> Model:
    if contract is None and milestone is None:
        require(
            permissions.can_manage_notifications(actor),
            "only admins set the organisation's reminder policy",
        )
        return actor.organisation
    require(
        permissions.can_set_reminder_policy(actor),
        "only managers and above set reminder policies of contracts and milestones",
    )
    return milestone or contract  # type: ignore[return-value]


def _rows(actor: Actor, contract: Contract | None, milestone: Milestone | None) -> Any:
    rows = ReminderPolicy.objects.filter(organisation=actor.organisation)
    if milestone is not None:
        return rows.filter(milestone=milestone)
    if contract is not None:
        return rows.filter(contract=contract, milestone__isnull=True)
    return rows.filter(contract__isnull=True, milestone__isnull=True)


def _snapshot(row: ReminderPolicy | None) -> dict[str, Any]:
    return policies.as_dict(policies.to_policy(row)) if row else {}


@transaction.atomic
def set_policy(
    actor: Actor,
    data: Mapping[str, Any],
    contract: Contract | None = None,
    milestone: Milestone | None = None,
    expected_version: int | None = None,
) -> ReminderPolicy:
    """Create or replace the policy of a scope; fields not given keep the policy in force."""
    subject = _scope(actor, contract, milestone)
    if milestone is not None:
        contract = milestone.contract
    members = set(
        Membership.objects.filter(organisation=actor.organisation).values_list("user_id", flat=True)
    )
    clean = policies.validate(data, members)
    row = _rows(actor, contract, milestone).select_for_update().first()
    if expected_version is not None and (row.version if row else 0) != expected_version:
        raise Conflict("this reminder policy was changed by someone else; reload it")
    before = _snapshot(row)
    if row is None:
        in_force = policies.resolve(
            actor.organisation.pk,
            contract.pk if contract else None,
            milestone.pk if milestone else None,
        )
        start = policies.as_dict(in_force)
        start.pop("source")
        row = ReminderPolicy(
            organisation=actor.organisation, contract=contract, milestone=milestone, **start
        )
    else:
        row.version += 1
    for name, value in clean.items():
        setattr(row, name, value)
    row.updated_at = timezone.now()
    row.save()
    changes = diff(before, _snapshot(row))
    changes.pop("source", None)
    record(
        actor,
        "reminder_policy_changed",
        subject,
        contract_id=contract.pk if contract else None,
        summary=f"Reminder policy of {_label(subject)} changed",
        changes=changes,
    )
    return row


@transaction.atomic
def clear_policy(
    actor: Actor, contract: Contract | None = None, milestone: Milestone | None = None
) -> bool:
    """Remove a contract's or milestone's own policy: the one above applies again."""
    subject = _scope(actor, contract, milestone)
    if milestone is not None:
        contract = milestone.contract
    row = _rows(actor, contract, milestone).first()
    if row is None:
        return False
    before = _snapshot(row)
    row.delete()
    record(
        actor,
        "reminder_policy_removed",
        subject,
        contract_id=contract.pk if contract else None,
        summary=f"Reminder policy of {_label(subject)} removed; the one above applies",
        changes={k: {"before": v, "after": None} for k, v in before.items() if k != "source"},
    )
    return True


def policy_for_new_milestones(
    actor: Actor, contract: Contract, data: Mapping[str, Any], milestones: list[Milestone]
) -> list[ReminderPolicy]:
    """Give new milestones (a series' occurrences) the same own policy in one bulk insert:
    what `set_policy` does for one milestone, without an event each (the caller records one)."""
    members = set(
        Membership.objects.filter(organisation=actor.organisation).values_list("user_id", flat=True)
    )
    clean = policies.validate(data, members)
    start = policies.as_dict(policies.resolve(actor.organisation.pk, contract.pk, None))
    start.pop("source")
    start.update(clean)
    return ReminderPolicy.objects.bulk_create(
        [
            ReminderPolicy(organisation=actor.organisation, contract=contract, milestone=m, **start)
            for m in milestones
        ],
        batch_size=500,
    )


def _label(subject: Model) -> str:
    if isinstance(subject, Milestone):
        return f"milestone {subject.title}"
    if isinstance(subject, Contract):
        return f"contract {subject.number}"
    return "the organisation"
