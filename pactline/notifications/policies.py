"""Reminder policies: the defaults, resolving the one that applies, and checking input.

The most specific policy wins as a whole: a milestone's, else its contract's, else the
organisation's, else the built-in default. Forms start from the policy in force, so writing
an override means adjusting what applies rather than starting from nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pactline.notifications.models import ReminderPolicy
from pactline.notifications.reminders.rules import Policy
from pactline.validation import Errors

DEFAULT = Policy()
POLICY_FIELDS = (
    "enabled",
    "days_before",
    "on_due_date",
    "overdue_every_days",
    "escalate_owner_after_days",
    "escalate_contact_after_days",
    "escalation_contact_id",
    "business_days",
    "skip_non_working_days",
    "send_hour",
    "remind_notice_deadline",
    "remind_contract_end",
)
MAX_DAYS = 366
MAX_WARNINGS = 10


def to_policy(row: ReminderPolicy | None) -> Policy:
    if row is None:
        return DEFAULT
    return Policy(
        enabled=row.enabled,
        days_before=tuple(int(d) for d in row.days_before or ()),
        on_due_date=row.on_due_date,
        overdue_every_days=row.overdue_every_days or None,
        escalate_owner_after_days=row.escalate_owner_after_days or None,
        escalate_contact_after_days=row.escalate_contact_after_days or None,
        escalation_contact_id=row.escalation_contact_id,
        business_days=row.business_days,
        skip_non_working_days=row.skip_non_working_days,
        send_hour=row.send_hour,
        remind_notice_deadline=row.remind_notice_deadline,
        remind_contract_end=row.remind_contract_end,
        source=row.scope,
    )


def as_dict(policy: Policy) -> dict[str, Any]:
    out = {name: getattr(policy, name) for name in POLICY_FIELDS}
    out["days_before"] = list(policy.days_before)
    out["source"] = policy.source
    return out


class PolicyIndex:
    """Every policy row that can apply to a set of contracts and milestones, loaded at once."""

    def __init__(self, rows: Iterable[ReminderPolicy]) -> None:
        self.orgs: dict[int, Policy] = {}
        self.contracts: dict[int, Policy] = {}
        self.milestones: dict[int, Policy] = {}
        for row in rows:
            policy = to_policy(row)
            if row.milestone_id is not None:
                self.milestones[row.milestone_id] = policy
            elif row.contract_id is not None:
                self.contracts[row.contract_id] = policy
            else:
                self.orgs[row.organisation_id] = policy

    @classmethod
    def load(
        cls,
        organisation_ids: Iterable[int],
        contract_ids: Iterable[int] = (),
        milestone_ids: Iterable[int] = (),
    ) -> PolicyIndex:
        from django.db.models import Q

        scope = Q(organisation_id__in=set(organisation_ids), contract__isnull=True)
        scope |= Q(contract_id__in=set(contract_ids), milestone__isnull=True)
        scope |= Q(milestone_id__in=set(milestone_ids))
        return cls(ReminderPolicy.objects.filter(scope))

    def for_contract(self, organisation_id: int, contract_id: int) -> Policy:
        found = self.contracts.get(contract_id) or self.orgs.get(organisation_id)
        return found or DEFAULT

    def for_milestone(self, organisation_id: int, contract_id: int, milestone_id: int) -> Policy:
        return self.milestones.get(milestone_id) or self.for_contract(organisation_id, contract_id)


def resolve(organisation_id: int, contract_id: int | None, milestone_id: int | None) -> Policy:
    index = PolicyIndex.load(
        [organisation_id],
        [contract_id] if contract_id else [],
        [milestone_id] if milestone_id else [],
    )
    if milestone_id is not None and contract_id is not None:
        return index.for_milestone(organisation_id, contract_id, milestone_id)
    if contract_id is not None:
        return index.for_contract(organisation_id, contract_id)
    return index.orgs.get(organisation_id) or DEFAULT


def _days(errors: Errors, field: str, value: Any, low: int = 1) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_DAYS:
        errors.add(field, f"must be a whole number of days from {low} to {MAX_DAYS}, or empty")


def validate(data: Mapping[str, Any], member_ids: set[int]) -> dict[str, Any]:
    """Checked, normalised policy fields; `member_ids` are the organisation's members."""
    errors = Errors()
    extra = sorted(set(data) - set(POLICY_FIELDS))
    for name in extra:
        errors.add(name, "is not a known field")
    clean = dict(data)
    days = clean.get("days_before", [])
    if not isinstance(days, list | tuple) or len(days) > MAX_WARNINGS:
        errors.add("days_before", f"must be a list of at most {MAX_WARNINGS} numbers of days")
    else:
        for value in days:
            _days(errors, "days_before", value)
        if "days_before" in clean and "days_before" not in errors:
            clean["days_before"] = sorted({int(d) for d in days}, reverse=True)
    for field in ("overdue_every_days", "escalate_owner_after_days", "escalate_contact_after_days"):
        _days(errors, field, clean.get(field))
        if clean.get(field) == 0:
            clean[field] = None
    hour = clean.get("send_hour", DEFAULT.send_hour)
    if not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour <= 23:
        errors.add("send_hour", "must be an hour from 0 to 23")
    contact = clean.get("escalation_contact_id")
    if contact is not None and contact not in member_ids:
        errors.add("escalation_contact_id", "is not a member of this organisation")
    for flag in (
        "enabled",
        "on_due_date",
        "business_days",
        "skip_non_working_days",
        "remind_notice_deadline",
        "remind_contract_end",
    ):
        if flag in clean and not isinstance(clean[flag], bool):
            errors.add(flag, "must be true or false")
    errors.raise_if_any()
    return clean
