"""Due-date rules in words, for pages and the API: "10 working days after Design approval"."""

from __future__ import annotations

from typing import Any

from pactline.milestones.models import Milestone
from pactline.milestones.scheduling import Anchor, DueRule, PeriodEnd, Roll, Unit


def _anchor_name(anchor: str, title: str | None) -> str:
    if not title:
        return ""
    return f"the completion of {title}" if anchor == Anchor.MILESTONE_DONE else title


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def milestone_rule(m: Milestone) -> str:
    """A milestone's own rule (before dependencies and overrides), e.g. "On 2027-03-01" or
    "5 working days after the completion of Acceptance; on a non-working day: next working day".

    Reads `m.anchor_milestone`, so list queries should select it (with_details does)."""
    anchor = Anchor(m.due_anchor)
    rule = DueRule(
        anchor=anchor,
        offset=m.due_offset,
        unit=Unit(m.due_unit),
        roll=Roll(m.due_roll),
        period_end=PeriodEnd(m.due_period_end),
        fixed_date=m.due_fixed if anchor is Anchor.ABSOLUTE else None,
    )
    target = m.anchor_milestone if m.anchor_milestone_id else None
    return _sentence(rule.describe(_anchor_name(m.due_anchor, target.title if target else None)))


def template_item_rule(item: Any, anchor_title: str | None = None) -> str:
    """A template item's rule; `anchor_title` names the earlier item it follows."""
    rule = DueRule(
        anchor=Anchor(item.anchor),
        offset=item.offset,
        unit=Unit(item.unit),
        period_end=PeriodEnd(item.period_end),
        roll=Roll(item.roll),
    )
    return _sentence(rule.describe(_anchor_name(item.anchor, anchor_title)))
