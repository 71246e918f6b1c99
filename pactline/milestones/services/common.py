"""Shared pieces of the milestone services: field lists, snapshots, calendars, money."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone
from pactline.milestones.scheduling import WorkCalendar, local_today

MILESTONE_FIELDS = (
    "title",
    "kind",
    "description",
    "owner_id",
    "approver_id",
    "due_anchor",
    "due_offset",
    "due_unit",
    "due_period_end",
    "due_roll",
    "anchor_milestone_id",
    "due_date",
    "due_override",
    "payment_amount",
    "payment_share",
    "shared_with_guests",
    "external_id",
    # retention and penalty terms (pactline.reports.money)
    "retention_percent",
    "retention_release_milestone_id",
    "penalty_kind",
    "penalty_rate",
    "penalty_grace_days",
    "penalty_working_days",
    "penalty_cap_kind",
    "penalty_cap",
)
# Scheduling outputs that change when dates move; not part of the input.
SCHEDULE_FIELDS = (
    "due_date",
    "computed_due_date",
    "due_date_trace",
    "due_provisional",
    "forecast_date",
    "baseline_due_date",
)
REASSIGN_FIELDS = ("owner_id", "approver_id")
MAX_OFFSET = 36600


def reject_unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


def snapshot(m: Milestone) -> dict[str, Any]:
    snap = {f: getattr(m, f) for f in MILESTONE_FIELDS if f != "due_date"}
    snap["due_date"] = m.due_date
    snap["status"] = m.status
    snap["completed_on"] = m.completed_on
    snap.update({f"custom_fields.{k}": v for k, v in sorted((m.custom_fields or {}).items())})
    return snap


def closures_for(organisation_id: int) -> dict[date, str]:
    from pactline.transfer.models import OrganisationClosure

    return dict(
        OrganisationClosure.objects.filter(organisation_id=organisation_id).values_list(
            "date", "name"
        )
    )


def calendar_for(contract: Contract, closures: Mapping[date, str] | None = None) -> WorkCalendar:
    """The contract's working-day calendar: its week, its country's holidays, our closures."""
    return WorkCalendar(
        country=contract.calendar_country,
        subdivision=contract.calendar_subdivision,
        workweek=contract.workweek,
        closures=closures if closures is not None else closures_for(contract.organisation_id),
    )


def contract_today(contract: Contract) -> date:
    return local_today(contract.time_zone)


def payment_from_share(share: Decimal | None, contract: Contract) -> Decimal | None:
    if share is None or contract.value is None:
        return None
    return (contract.value * Decimal(share) / Decimal(100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
