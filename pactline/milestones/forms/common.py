"""Small helpers the milestone forms share."""

from __future__ import annotations

from decimal import Decimal

from pactline.milestones.scheduling import PeriodEnd, Roll

PERIOD_END_LABELS = [(p.value, p.label[:1].upper() + p.label[1:]) for p in PeriodEnd]
ROLL_LABELS = [(r.value, r.label[:1].upper() + r.label[1:]) for r in Roll]
SNAP_HELP = "For example “end of the month” for “by the end of the month after …”."
ROLL_HELP = "What happens when the computed date is a weekend, holiday or closure day."


def plain(value: Decimal | None) -> str | None:
    """30.000 -> "30", 12.500 -> "12.5": how people write a percentage."""
    return None if value is None else f"{value.normalize():f}"


def lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]
