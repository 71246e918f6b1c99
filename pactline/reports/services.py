"""Money operations: payment dates of a milestone, penalty waivers, report subscriptions.

Every write checks permissions, validates, writes and records an event in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone
from pactline.milestones.services import contract_today
from pactline.reports.models import Frequency, PenaltyWaiver, ReportKind, ReportSubscription
from pactline.validation import Errors, check_date, check_money, check_required_text
from pactline.versioning import bump, lock

PAYMENT_DATES = (
    "invoiceable_on",
    "invoiced_on",
    "paid_on",
    "retention_invoiced_on",
    "retention_paid_on",
)
ORDER = (("invoiceable_on", "invoiced_on"), ("invoiced_on", "paid_on"))
ORDER_RETENTION = (("retention_invoiced_on", "retention_paid_on"),)


def payment_snapshot(m: Milestone) -> dict[str, Any]:
    return {f: getattr(m, f) for f in PAYMENT_DATES}


def _check_payment(m: Milestone, data: Mapping[str, Any], today: date) -> None:
    errors = Errors()
    for field in data:
        value = getattr(m, field)
        check_date(errors, field, value)
        if field not in errors and value is not None and value > today:
            errors.add(field, "must not be in the future")
    if m.payment_amount is None and any(getattr(m, f) for f in PAYMENT_DATES[:3]):
        errors.add("payment_amount", "the milestone has no payment")
    if not m.retention_amount and any(getattr(m, f) for f in PAYMENT_DATES[3:]):
        errors.add("retention_percent", "the milestone holds no retention")
    for earlier, later in (*ORDER, *ORDER_RETENTION):
        a, b = getattr(m, earlier), getattr(m, later)
        if a is not None and b is not None and b < a and later not in errors:
            errors.add(later, f"must not be before {earlier.replace('_', ' ')}")
    errors.raise_if_any()


@transaction.atomic
def record_payment(
    actor: Actor,
    milestone: Milestone,
    data: Mapping[str, date | None],
    expected_version: int | None = None,
) -> Milestone:
    """Set or clear a milestone's invoiceable, invoiced and paid dates (and its retention's).

    Invoicing before the milestone is accepted makes it invoiceable that day too.
    """
    require(permissions.can_manage_contracts(actor), "only managers and above record payments")
    unknown = sorted(set(data) - set(PAYMENT_DATES))
    if unknown:
        raise ValidationFailed({name: "is not a known field" for name in unknown})
    m = lock(milestone, expected_version)
    before = payment_snapshot(m)
    for field, value in data.items():
        setattr(m, field, value)
    if m.invoiced_on is not None and m.invoiceable_on is None:
        m.invoiceable_on = m.invoiced_on
    _check_payment(m, data, contract_today(m.contract))
    changes = diff(before, payment_snapshot(m))
    if not changes:
        return m
    bump(m)
    m.updated_at = timezone.now()
    m.save(update_fields=[*PAYMENT_DATES, "version", "updated_at"])
    words = ", ".join(
        f"{k.replace('_on', '').replace('_', ' ')} {v['after'] or 'cleared'}"
        for k, v in changes.items()
    )
    record(
        actor,
        "payment_recorded",
        m,
        contract_id=m.contract_id,
        summary=f"Payment of {m.title}: {words}",
        changes=changes,
    )
    return m


@transaction.atomic
def waive_penalty(
    actor: Actor, milestone: Milestone, amount: Decimal | None, reason: str
) -> PenaltyWaiver:
    """Give up a milestone's penalty: `amount` of it, or all of it (None), with a reason."""
    require(permissions.can_manage_contracts(actor), "only managers and above waive penalties")
    errors = Errors()
    check_required_text(errors, "reason", reason, 500)
    check_money(errors, "amount", amount)
    if amount is not None and "amount" not in errors and Decimal(str(amount)) <= 0:
        errors.add("amount", "must be more than zero (leave it empty to waive everything)")
    if milestone.penalty_kind == "none":
        errors.add("milestone", "has no penalty terms")
    errors.raise_if_any()
    waiver = PenaltyWaiver.objects.create(
        organisation=actor.organisation,
        contract_id=milestone.contract_id,
        milestone=milestone,
        amount=Decimal(str(amount)) if amount is not None else None,
        reason=reason.strip(),
        created_by=actor.user,
    )
    what = f"{waiver.amount} {milestone.contract.currency}" if waiver.amount else "all"
    record(
        actor,
        "penalty_waived",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Penalty of {milestone.title} waived ({what}): {waiver.reason}",
        changes={
            "waiver_amount": {"before": None, "after": waiver.amount},
            "reason": {"before": None, "after": waiver.reason},
        },
    )
    return waiver


@transaction.atomic
def remove_waiver(actor: Actor, waiver: PenaltyWaiver) -> None:
    require(permissions.can_manage_contracts(actor), "only managers and above waive penalties")
    milestone = waiver.milestone
    record(
        actor,
        "penalty_waiver_removed",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"Waiver of {milestone.title}'s penalty withdrawn ({waiver.reason})",
        changes={"waiver_amount": {"before": waiver.amount, "after": None}},
    )
    waiver.delete()


# --- report subscriptions -----------------------------------------------------------------------


def next_send(frequency: str, today: date) -> date:
    """The next Monday (weekly) or the next first of a month (monthly), after today."""
    if frequency == Frequency.WEEKLY:
        return today + timedelta(days=7 - today.weekday())
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


@transaction.atomic
def subscribe(
    actor: Actor, kind: str, frequency: str, contract: Contract | None = None
) -> ReportSubscription:
    """The actor receives a report by e-mail every week or month. Every role may."""
    require(actor.user is not None, "only people subscribe to reports")
    errors = Errors()
    if kind not in ReportKind.values:
        errors.add("kind", f"must be one of {', '.join(ReportKind.values)}")
    if frequency not in Frequency.values:
        errors.add("frequency", f"must be one of {', '.join(Frequency.values)}")
    if kind == ReportKind.CONTRACT and contract is None:
        errors.add("contract_id", "a contract status report needs a contract")
    errors.raise_if_any()
    if contract is not None:  # a contract the actor may not see is not there
        permissions.get_visible(permissions.visible_contracts(actor), contract.pk, "contract")
    today = contract_today(contract) if contract else timezone.localdate()
    return ReportSubscription.objects.create(
        organisation=actor.organisation,
        user=actor.user,
        kind=kind,
        contract=contract if kind == ReportKind.CONTRACT else None,
        frequency=frequency,
        next_send_on=next_send(frequency, today),
    )


@transaction.atomic
def unsubscribe(actor: Actor, subscription: ReportSubscription) -> None:
    require(
        subscription.user_id == actor.user_id or permissions.can_manage_members(actor),
        "only its subscriber removes a subscription",
    )
    subscription.delete()
