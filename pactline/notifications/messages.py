"""What a notification says: plain dicts stored on the delivery and rendered by each channel.

`event_payload` is the documented webhook body (docs/api.md, "Webhooks"); chat channels build
their messages from it too. Personal messages (e-mail, in-app) carry a title, a text, a link
and the facts of the milestone or contract they are about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse

from pactline.accounts.models import Organisation, User
from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone

API_VERSION = "1"


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def contract_facts(c: Contract) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "status": c.status,
        "owner": person(c.owner),
        "end_on": c.end_on.isoformat() if c.end_on else None,
        "notice_deadline": c.notice_deadline.isoformat() if c.notice_deadline else None,
        "url": absolute(reverse("contract-detail", args=[c.pk])),
    }


def milestone_facts(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "kind": m.kind,
        "status": m.status,
        "due_date": m.due_date.isoformat() if m.due_date else None,
        "owner": person(m.owner),
        "approver": person(m.approver),
        "payment_amount": None if m.payment_amount is None else str(m.payment_amount),
        "currency": m.contract.currency,
        "url": absolute(reverse("milestone-detail", args=[m.pk])),
    }


def event_type(event: Event) -> str:
    return f"{event.subject_type}.{event.verb}"


def event_payload(
    event: Event,
    organisation: Organisation,
    contract: Contract | None,
    milestone: Milestone | None,
) -> dict[str, Any]:
    """The webhook body: stable keys; `data` is the subject as it was when the event went out."""
    data: dict[str, Any] = {}
    if contract is not None:
        data["contract"] = contract_facts(contract)
        # Webhooks belong to the organisation (admins): every custom field, hidden ones too.
        data["contract"]["custom_fields"] = dict(contract.custom_fields or {})
    if milestone is not None:
        data["milestone"] = milestone_facts(milestone)
        data["milestone"]["custom_fields"] = dict(milestone.custom_fields or {})
    return {
        "id": event.pk,
        "type": event_type(event),
        "api_version": API_VERSION,
        "created_at": event.created_at.isoformat(),
        "organisation": {"id": organisation.pk, "name": organisation.name},
        "seq": event.seq,
        "actor": {"id": event.actor_id, "label": event.actor_label},
        "subject": {
            "type": event.subject_type,
            "id": event.subject_id,
            "label": event.subject_label,
        },
        "contract_id": event.contract_id,
        "summary": event.summary,
        "changes": event.changes,
        "data": data,
    }


def _days(n: int, business: bool) -> str:
    unit = "working day" if business else "day"
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _when(rule: str, target: date, occurrence: date, business: bool) -> str:
    if rule == "snoozed":  # the end of a snooze: say where things stand that day
        ahead = (target - occurrence).days
        return (
            "today"
            if ahead == 0
            else f"in {_days(ahead, False)}"
            if ahead > 0
            else (f"{_days(-ahead, False)} ago")
        )
    if rule.startswith("before:"):
        return f"in {_days(int(rule.split(':')[1]), business)}"
    if rule == "due":
        return "today"
    late = (occurrence - target).days
    return f"{_days(late, False)} ago"


def reminder_title(
    target: str, rule: str, subject: str, target_date: date, occurrence: date, business: bool
) -> str:
    when = _when(rule, target_date, occurrence, business)
    if target == "notice":
        return (
            f"Last day to give notice for {subject} is today"
            if rule == "due"
            else f"Notice deadline for {subject} {when}"
        )
    if target == "end":
        return f"{subject} ends today" if rule == "due" else f"{subject} ends {when}"
    if rule.startswith("escalate:") or rule == "overdue" or occurrence > target_date:
        prefix = "Escalation: " if rule.startswith("escalate:") else ""
        return f"{prefix}{subject} is overdue (was due {when})"
    return f"{subject} is due {when}"


def _said_on(rule: str, occurrence: date, today: date | None) -> date:
    """Lateness is told as of the day it is sent (an escalation may go out late)."""
    late_rule = rule in ("overdue", "snoozed") or rule.startswith("escalate:")
    return today if today and late_rule and today > occurrence else occurrence


def milestone_reminder(
    m: Milestone,
    rule: str,
    occurrence: date,
    topic: str,
    business: bool,
    today: date | None = None,
) -> dict[str, Any]:
    assert m.due_date is not None
    what = m.title
    if m.payment_amount is not None:
        what = f"Payment {m.payment_amount:,.2f} {m.contract.currency} for {m.title}"
    said = _said_on(rule, occurrence, today)
    title = reminder_title("due", rule, what, m.due_date, said, business)
    facts = milestone_facts(m)
    owner = facts["owner"]["name"] if facts["owner"] else "nobody"
    text = (
        f"{m.contract.number} {m.contract.title}: {m.title} is due on "
        f"{m.due_date:%a %d %b %Y}. Owner: {owner}. Status: {m.get_status_display()}."
    )
    return {
        "topic": topic,
        "kind": "reminder",
        "title": title,
        "text": text,
        "url": facts["url"],
        "target": "due",
        "rule": rule,
        "occurrence": occurrence.isoformat(),
        "due_date": m.due_date.isoformat(),
        "milestone": facts,
        "contract": contract_facts(m.contract),
        "actions": rule != "escalate:contact",
    }


def contract_reminder(
    c: Contract, target: str, target_date: date, rule: str, occurrence: date
) -> dict[str, Any]:
    subject = f"{c.number} {c.title}"
    title = reminder_title(target, rule, subject, target_date, occurrence, False)
    label = "Notice deadline" if target == "notice" else "End date"
    return {
        "topic": "reminder",
        "kind": "reminder",
        "title": title,
        "text": f"{label}: {target_date:%a %d %b %Y}.",
        "url": absolute(reverse("contract-detail", args=[c.pk])),
        "target": target,
        "rule": rule,
        "occurrence": occurrence.isoformat(),
        "due_date": target_date.isoformat(),
        "milestone": None,
        "contract": contract_facts(c),
        "actions": False,
    }


def custom_date_reminder(
    subject: Contract | Milestone,
    label: str,
    target: str,
    target_date: date,
    rule: str,
    occurrence: date,
    topic: str = "reminder",
) -> dict[str, Any]:
    """A reminder of a date custom field (pactline.customfields: "remind N days before")."""
    if isinstance(subject, Milestone):
        name = f"{subject.contract.number} {subject.title}"
        contract, milestone = subject.contract, milestone_facts(subject)
        url = milestone["url"]
    else:
        name = f"{subject.number} {subject.title}"
        contract, milestone = subject, None
        url = absolute(reverse("contract-detail", args=[subject.pk]))
    ahead = (target_date - occurrence).days
    when = "is today" if ahead == 0 else f"is in {_days(ahead, False)}"
    return {
        "topic": topic,
        "kind": "reminder",
        "title": f"{label} of {name} {when}",
        "text": f"{label}: {target_date:%a %d %b %Y}.",
        "url": url,
        "target": target,
        "rule": rule,
        "occurrence": occurrence.isoformat(),
        "due_date": target_date.isoformat(),
        "milestone": milestone,
        "contract": contract_facts(contract),
        "actions": False,
    }


def event_message(topic: str, title: str, event: Event, url: str) -> dict[str, Any]:
    return {
        "topic": topic,
        "kind": "event",
        "title": title,
        "text": event.summary,
        "url": url,
        "event_id": event.pk,
        "actor": event.actor_label,
        "milestone": None,
        "contract": None,
        "actions": False,
    }
