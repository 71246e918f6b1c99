"""Penalty exposure kept as derived data, so portfolio totals are plain SQL sums.

Each milestone under penalty terms stores its accrued and projected penalty (after waivers);
each contract stores its totals (under its cap) and the day they were computed. Any event on a
contract marks it stale (in the same transaction); reads call `ensure_fresh`, which computes
again the stale contracts and, once a day, those with open milestones under terms (their
exposure grows with the days). Like forecasts, these are derived: no event, no new version.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from pactline.accounts.models import Organisation
from pactline.activity.services import note_derived_change
from pactline.activity.signals import events_recorded
from pactline.contracts.models import Contract
from pactline.milestones.models import COMPLETE_STATUSES, OPEN_STATUSES, Milestone
from pactline.milestones.scheduling import WorkCalendar, local_today
from pactline.milestones.services.common import calendar_for, closures_for
from pactline.reports import money

CHUNK = 500
NEEDED = (
    "pk",
    "contract_id",
    "status",
    "due_date",
    "completed_on",
    "forecast_date",
    "payment_amount",
    *money.TERM_FIELDS,
    "penalty_accrued",
    "penalty_projected",
)


def organisation_today(organisation: Organisation) -> date:
    return local_today(organisation.default_time_zone)


def exposure_of(
    m: Milestone,
    contract: Contract,
    today: date,
    cal: WorkCalendar | None = None,
    waivers: Collection[Decimal | None] | None = None,
) -> money.Exposure | None:
    """One milestone's penalty now (None: no terms apply). Reads its waivers unless given."""
    terms = money.effective_terms(m, contract)
    if terms is None:
        return None
    if waivers is None:
        waivers = list(m.waivers.values_list("amount", flat=True))  # type: ignore[attr-defined]
    if cal is None and terms.working_days:
        cal = calendar_for(contract)
    return money.exposure(
        terms,
        m.due_date,
        today=today,
        completed_on=m.completed_on if m.status in COMPLETE_STATUSES else None,
        forecast=m.forecast_date,
        cancelled=m.status == "cancelled",
        milestone_value=m.payment_amount,
        contract_value=contract.value,
        cal=cal,
        waivers=waivers,
    )


def _waivers(contract_ids: Collection[int]) -> dict[int, list[Decimal | None]]:
    from pactline.reports.models import PenaltyWaiver

    out: dict[int, list[Decimal | None]] = {}
    rows = PenaltyWaiver.objects.filter(contract_id__in=contract_ids)
    for milestone_id, amount in rows.values_list("milestone_id", "amount"):
        out.setdefault(milestone_id, []).append(amount)
    return out


def refresh(contract_ids: Collection[int], today: date) -> int:
    """Compute again the penalties of these contracts; returns how many milestones changed."""
    contracts = {c.pk: c for c in Contract.objects.filter(pk__in=contract_ids)}
    if not contracts:
        return 0
    waivers = _waivers(list(contracts))
    closures: dict[int, dict[date, str]] = {}
    rows = Milestone.objects.filter(contract_id__in=list(contracts)).exclude(penalty_kind="none")
    totals: dict[int, list[Decimal]] = {}
    live: set[int] = set()
    changed: list[Milestone] = []
    for m in rows.only(*NEEDED):
        contract = contracts[m.contract_id]
        terms = money.effective_terms(m, contract)
        cal = None
        if terms is not None and terms.working_days:
            if contract.organisation_id not in closures:
                closures[contract.organisation_id] = closures_for(contract.organisation_id)
            cal = calendar_for(contract, closures[contract.organisation_id])
        found = exposure_of(m, contract, today, cal, waivers.get(m.pk, []))
        accrued = found.accrued if found else None
        projected = found.projected if found else None
        if found is not None:
            total = totals.setdefault(m.contract_id, [money.ZERO, money.ZERO])
            total[0] += accrued or 0
            total[1] += projected or 0
            if m.status in OPEN_STATUSES:
                live.add(m.contract_id)
        if (accrued, projected) != (m.penalty_accrued, m.penalty_projected):
            m.penalty_accrued, m.penalty_projected = accrued, projected
            changed.append(m)
    Milestone.objects.bulk_update(changed, ["penalty_accrued", "penalty_projected"], batch_size=500)
    cleared = Milestone.objects.filter(
        contract_id__in=list(contracts), penalty_kind="none", penalty_accrued__isnull=False
    ).update(penalty_accrued=None, penalty_projected=None)
    if changed or cleared:
        note_derived_change(*{c.organisation_id for c in contracts.values()})
    _save_totals(contracts, totals, live, today)
    return len(changed)


def _save_totals(
    contracts: dict[int, Contract], totals: dict[int, list[Decimal]], live: set[int], today: date
) -> None:
    with_totals = []
    for pk, (accrued, projected) in totals.items():
        c = contracts[pk]
        terms = money.terms_of(c)
        c.penalty_accrued = money.cap_total(accrued, terms, c.value)
        c.penalty_projected = money.cap_total(projected, terms, c.value)
        c.penalty_live = pk in live
        c.penalties_as_of = today
        with_totals.append(c)
    fields = ["penalty_accrued", "penalty_projected", "penalty_live", "penalties_as_of"]
    Contract.objects.bulk_update(with_totals, fields, batch_size=500)
    Contract.objects.filter(pk__in=[pk for pk in contracts if pk not in totals]).update(
        penalty_accrued=None, penalty_projected=None, penalty_live=False, penalties_as_of=today
    )


def stale_contracts(organisation: Organisation, today: date) -> list[int]:
    qs = Contract.objects.filter(organisation=organisation).filter(
        Q(penalties_as_of__isnull=True) | Q(penalty_live=True, penalties_as_of__lt=today)
    )
    # No ordering: each side of the OR reads its own index (contract_org_penalties for NULL,
    # contract_penalty_live for live and older), not a scan of every contract.
    return list(qs.order_by().values_list("pk", flat=True))


def ensure_fresh(organisation: Organisation, today: date | None = None) -> int:
    """Bring the organisation's penalty totals up to date; cheap when nothing is stale."""
    today = today or organisation_today(organisation)
    ids = stale_contracts(organisation, today)
    changed = 0
    for start in range(0, len(ids), CHUNK):
        changed += refresh(ids[start : start + CHUNK], today)
    return changed


def refresh_all() -> int:
    """The daily task: every organisation's stale and live contracts."""
    return sum(ensure_fresh(org) for org in Organisation.objects.order_by("pk"))


def _on_events(sender: Any, organisation_id: int, events: Any, **kwargs: Any) -> None:
    """Anything that happens to a contract or its milestones may change its penalties."""
    ids = {e.contract_id for e in events if getattr(e, "contract_id", None)}
    if ids:
        Contract.objects.filter(pk__in=ids).update(penalties_as_of=None)


def connect() -> None:
    events_recorded.connect(_on_events, dispatch_uid="reports.penalties")
