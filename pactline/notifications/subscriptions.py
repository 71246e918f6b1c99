"""Which events a subscription receives: event types, wildcards and the contract it is for."""

from __future__ import annotations

import re

from pactline.activity.models import Event
from pactline.notifications.models import Subscription

# The event types worth subscribing to; filters may also use "milestone.*" or "*".
EVENT_TYPES = (
    "contract.created",
    "contract.updated",
    "contract.status_changed",
    "contract.deleted",
    "contract.reminded",
    "milestone.created",
    "milestone.updated",
    "milestone.rescheduled",
    "milestone.status_changed",
    "milestone.deleted",
    "milestone.reminded",
    "milestone.escalated",
    "milestone.snoozed",
    "milestone.acknowledged",
    "party.created",
    "party.updated",
    "subscription.disabled",
)
# Chat channels are for people: by default they get reminders and escalations only.
CHAT_DEFAULT = ("milestone.reminded", "milestone.escalated", "contract.reminded")
PATTERN = re.compile(r"^(\*|[a-z_]{1,32}\.(\*|[a-z_]{1,40}))$")


def type_of(event: Event) -> str:
    return f"{event.subject_type}.{event.verb}"


def matches(sub: Subscription, event: Event) -> bool:
    if sub.contract_id is not None and event.contract_id != sub.contract_id:
        return False
    if event.subject_type == "subscription" and event.subject_id == sub.pk:
        return False  # never tell an endpoint about itself being switched off
    wanted = sub.event_types or ["*"]
    kind = type_of(event)
    family = kind.split(".")[0] + ".*"
    return "*" in wanted or kind in wanted or family in wanted


def check_types(values: object) -> list[str] | str:
    """Normalised event types, or an error message."""
    if not isinstance(values, list | tuple) or len(values) > 50:
        return "must be a list of at most 50 event types"
    bad = [v for v in values if not isinstance(v, str) or not PATTERN.match(v)]
    if bad:
        return f"not event types: {', '.join(map(str, bad))} (e.g. milestone.status_changed)"
    return sorted(set(values))
