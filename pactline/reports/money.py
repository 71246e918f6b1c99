"""Payment and penalty arithmetic, in Decimal only. Pure functions: no database access.

Penalties: a rate per day late, counted in calendar days or in the contract's working days,
after a number of grace days; the rate is a fixed amount, or a percentage of the milestone's
payment amount or of the contract value. The amount is rounded once, at the end, to the cent
(half up), then capped (an amount, or a percentage of the milestone's or the contract's value);
waivers then take off their amounts (a waiver without an amount waives everything).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from pactline.milestones.scheduling import WorkCalendar
from pactline.validation import Errors

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_RATE = Decimal("10000000000")
MAX_GRACE_DAYS = 3660


class PenaltyKind(StrEnum):
    NONE = "none"
    CONTRACT = "contract"  # a milestone follows its contract's terms
    FIXED = "fixed"
    PERCENT_MILESTONE = "percent_milestone"
    PERCENT_CONTRACT = "percent_contract"

    @property
    def label(self) -> str:
        return {
            "none": "No penalty",
            "contract": "The contract's terms",
            "fixed": "A fixed amount per day",
            "percent_milestone": "% of the milestone's payment per day",
            "percent_contract": "% of the contract value per day",
        }[self.value]


class CapKind(StrEnum):
    NONE = "none"
    AMOUNT = "amount"
    PERCENT_MILESTONE = "percent_milestone"
    PERCENT_CONTRACT = "percent_contract"

    @property
    def label(self) -> str:
        return {
            "none": "No cap",
            "amount": "An amount",
            "percent_milestone": "% of the milestone's payment",
            "percent_contract": "% of the contract value",
        }[self.value]


@dataclass(frozen=True)
class PenaltyTerms:
    kind: PenaltyKind
    rate: Decimal
    grace_days: int = 0
    working_days: bool = False
    cap_kind: CapKind = CapKind.NONE
    cap: Decimal | None = None


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def retention_of(amount: Decimal | None, percent: Decimal | None) -> Decimal | None:
    """The part of a payment held back: amount x percent / 100, to the cent."""
    if amount is None or percent is None:
        return None
    return cents(Decimal(amount) * Decimal(percent) / HUNDRED)


def net_of_retention(amount: Decimal | None, retention: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    return Decimal(amount) - (retention or ZERO)


def count_days(after: date, upto: date, cal: WorkCalendar | None) -> int:
    """Days d with after < d <= upto: every day, or only the calendar's working days."""
    if upto <= after:
        return 0
    if cal is None:
        return (upto - after).days
    return sum(
        1
        for n in range(1, (upto - after).days + 1)
        if cal.is_working_day(after + timedelta(days=n))
    )


def chargeable_days(due: date, end: date, grace: int, cal: WorkCalendar | None) -> int:
    """Days late after `due` up to `end` (inclusive), less the grace days, never negative."""
    return max(0, count_days(due, end, cal) - grace)


def _base(kind: str, milestone_value: Decimal | None, contract_value: Decimal | None) -> Decimal:
    if kind == "percent_milestone":
        return Decimal(milestone_value or 0)
    return Decimal(contract_value or 0)


def cap_amount(
    terms: PenaltyTerms, milestone_value: Decimal | None, contract_value: Decimal | None
) -> Decimal | None:
    if terms.cap_kind == CapKind.NONE or terms.cap is None:
        return None
    if terms.cap_kind == CapKind.AMOUNT:
        return cents(Decimal(terms.cap))
    base = _base(terms.cap_kind, milestone_value, contract_value)
    return cents(base * Decimal(terms.cap) / HUNDRED)


def penalty_amount(
    terms: PenaltyTerms,
    days: int,
    milestone_value: Decimal | None,
    contract_value: Decimal | None,
) -> Decimal:
    """`days` chargeable days at the terms' rate, rounded once, then capped."""
    if days <= 0 or terms.kind in (PenaltyKind.NONE, PenaltyKind.CONTRACT):
        return ZERO
    rate = Decimal(terms.rate)
    if terms.kind == PenaltyKind.FIXED:
        gross = rate * days
    else:
        gross = _base(terms.kind, milestone_value, contract_value) * rate / HUNDRED * days
    amount = cents(gross)
    cap = cap_amount(terms, milestone_value, contract_value)
    return min(amount, cap) if cap is not None else amount


def after_waivers(amount: Decimal, waivers: Iterable[Decimal | None]) -> Decimal:
    """What is left once waivers are taken off; a waiver without an amount waives it all."""
    waived = ZERO
    for waiver in waivers:
        if waiver is None:
            return ZERO
        waived += Decimal(waiver)
    return max(ZERO, cents(amount - waived))


def cap_total(
    total: Decimal, terms: PenaltyTerms | None, contract_value: Decimal | None
) -> Decimal:
    """A contract's total under its own cap (an amount or a percentage of its value)."""
    if terms is None or terms.cap_kind not in (CapKind.AMOUNT, CapKind.PERCENT_CONTRACT):
        return total
    cap = cap_amount(terms, None, contract_value)
    return total if cap is None else min(total, cap)


@dataclass(frozen=True)
class Exposure:
    accrued: Decimal  # up to today
    projected: Decimal  # up to the forecast (or the completion)
    days_accrued: int
    days_projected: int


def exposure(
    terms: PenaltyTerms,
    due: date | None,
    *,
    today: date,
    completed_on: date | None,
    forecast: date | None,
    cancelled: bool,
    milestone_value: Decimal | None,
    contract_value: Decimal | None,
    cal: WorkCalendar | None,
    waivers: Iterable[Decimal | None] = (),
) -> Exposure:
    """A milestone's penalty: accrued to `today` and projected to its forecast.

    A completed milestone's penalty is final (up to its completion date); an open one accrues
    until today and is projected to the later of its forecast (or due date) and today.
    """
    if cancelled or due is None:
        return Exposure(ZERO, ZERO, 0, 0)
    basis = cal if terms.working_days else None
    if completed_on is not None:
        accrued_end = projected_end = completed_on
    else:
        accrued_end = today
        projected_end = max(forecast or due, today)
    days_a = chargeable_days(due, accrued_end, terms.grace_days, basis)
    days_p = chargeable_days(due, projected_end, terms.grace_days, basis)
    listed = list(waivers)
    accrued = after_waivers(penalty_amount(terms, days_a, milestone_value, contract_value), listed)
    projected = after_waivers(
        penalty_amount(terms, days_p, milestone_value, contract_value), listed
    )
    return Exposure(accrued, projected, days_a, days_p)


# --- terms from rows, and their validation ------------------------------------------------------

TERM_FIELDS = (
    "penalty_kind",
    "penalty_rate",
    "penalty_grace_days",
    "penalty_working_days",
    "penalty_cap_kind",
    "penalty_cap",
)
RETENTION_FIELDS = ("retention_percent", "retention_release_milestone_id")


def terms_of(row: Any) -> PenaltyTerms | None:
    """The terms stored on a milestone or a contract (None when there are none)."""
    kind = row.penalty_kind
    if kind in (PenaltyKind.NONE, PenaltyKind.CONTRACT) or row.penalty_rate is None:
        return None
    return PenaltyTerms(
        kind=PenaltyKind(kind),
        rate=Decimal(row.penalty_rate),
        grace_days=row.penalty_grace_days or 0,
        working_days=bool(row.penalty_working_days),
        cap_kind=CapKind(row.penalty_cap_kind or "none"),
        cap=row.penalty_cap,
    )


def effective_terms(milestone: Any, contract: Any) -> PenaltyTerms | None:
    """A milestone's own terms, or its contract's when it follows them."""
    if milestone.penalty_kind == PenaltyKind.CONTRACT:
        contract_terms = terms_of(contract)
        if contract_terms is None:
            return None
        # The contract's cap in amount or % of its value bounds the total, not each milestone.
        if contract_terms.cap_kind != CapKind.PERCENT_MILESTONE:
            return PenaltyTerms(
                contract_terms.kind,
                contract_terms.rate,
                contract_terms.grace_days,
                contract_terms.working_days,
            )
        return contract_terms
    return terms_of(milestone)


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def check_terms(errors: Errors, row: Any, contract_level: bool) -> None:
    """Field errors for penalty terms on a milestone (or, `contract_level`, a contract)."""
    kinds = [k.value for k in PenaltyKind if not (contract_level and k == PenaltyKind.CONTRACT)]
    if row.penalty_kind not in kinds:
        errors.add("penalty_kind", f"must be one of {', '.join(kinds)}")
    caps = [c.value for c in CapKind]
    if row.penalty_cap_kind not in caps:
        errors.add("penalty_cap_kind", f"must be one of {', '.join(caps)}")
    grace = row.penalty_grace_days
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= MAX_GRACE_DAYS:
        errors.add("penalty_grace_days", f"must be a whole number from 0 to {MAX_GRACE_DAYS}")
    rate = _decimal(row.penalty_rate)
    needs_rate = row.penalty_kind in (
        PenaltyKind.FIXED,
        PenaltyKind.PERCENT_MILESTONE,
        PenaltyKind.PERCENT_CONTRACT,
    )
    if needs_rate and rate is None:
        errors.add("penalty_rate", "is required for this kind of penalty")
    if rate is not None and not Decimal(0) <= rate <= MAX_RATE:
        errors.add("penalty_rate", "must be zero or more")
    elif rate is not None and rate.is_finite() and rate.as_tuple().exponent < -4:  # type: ignore[operator]
        errors.add("penalty_rate", "has at most four decimals")
    cap = _decimal(row.penalty_cap)
    if row.penalty_cap_kind != CapKind.NONE and cap is None:
        errors.add("penalty_cap", "is required with a cap")
    if cap is not None and not Decimal(0) <= cap <= MAX_RATE:
        errors.add("penalty_cap", "must be zero or more")
    percent_cap = row.penalty_cap_kind in ("percent_milestone", "percent_contract")
    if percent_cap and cap is not None and cap > HUNDRED:
        errors.add("penalty_cap", "a percentage is at most 100")
    of_milestone = "percent_milestone" in (row.penalty_kind, row.penalty_cap_kind)
    if not contract_level and of_milestone and row.payment_amount is None:
        errors.add("penalty_kind", "a percentage of the milestone needs a payment amount")


def check_retention(errors: Errors, row: Any) -> None:
    percent = _decimal(row.retention_percent)
    if percent is not None and not Decimal(0) <= percent <= HUNDRED:
        errors.add("retention_percent", "must be a percentage between 0 and 100")
    if percent is not None and row.payment_amount is None:
        errors.add("retention_percent", "needs a payment amount")
    release = row.retention_release_milestone_id
    if release is not None and row.pk is not None and release == row.pk:
        errors.add("retention_release_milestone_id", "must be another milestone")


def totals_by_currency(
    rows: Iterable[Mapping[str, Any]], *fields: str
) -> dict[str, dict[str, Decimal]]:
    """Aggregated rows ({"currency": ..., field: sum}) merged per currency, never across."""
    out: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        bucket = out.setdefault(row["currency"], {f: ZERO for f in fields})
        for f in fields:
            bucket[f] += Decimal(row.get(f) or 0)
    return out
