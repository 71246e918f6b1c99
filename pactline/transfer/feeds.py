"""iCalendar (RFC 5545) feeds of milestone due dates.

Each milestone with a due date is an all-day VEVENT: a stable UID, SEQUENCE = its version (so
calendars replace an edited event), a reminder at 09:00 the day before while it is open, and a
link to its page. Cancelled milestones are left out, so subscribed calendars drop them.
Permissions are those of the feed's owner at the time of the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db.models import Q, QuerySet
from icalendar import Alarm, Calendar, Event

from pactline.accounts.permissions import Actor, visible_contracts, visible_milestones
from pactline.errors import NotFound
from pactline.milestones.models import COMPLETE_STATUSES, Milestone, MilestoneStatus
from pactline.milestones.queries import portfolio_today
from pactline.transfer.models import FeedScope, FeedToken

KEEP_DONE_DAYS = 365  # completed milestones older than this leave the feed
REMINDER = timedelta(hours=-15)  # 09:00 the day before an all-day event


def feed_milestones(token: FeedToken) -> tuple[Actor, QuerySet[Milestone]] | None:
    """What the feed shows now, or None when its owner may no longer see it."""
    if not token.is_active or not token.user.is_active:
        return None
    try:
        actor = Actor.for_user(token.user, token.organisation)
    except NotFound:
        return None
    qs = visible_milestones(actor).exclude(status=MilestoneStatus.CANCELLED)
    if token.scope == FeedScope.MINE:
        qs = qs.filter(Q(owner_id=token.user_id) | Q(approver_id=token.user_id))
    elif token.scope == FeedScope.CONTRACT:
        if not visible_contracts(actor).filter(pk=token.contract_id).exists():
            return None
        qs = qs.filter(contract_id=token.contract_id)
    cutoff = portfolio_today(actor) - timedelta(days=KEEP_DONE_DAYS)
    qs = qs.filter(due_date__isnull=False).exclude(
        status__in=[s.value for s in COMPLETE_STATUSES], due_date__lt=cutoff
    )
    return actor, qs.select_related("contract", "owner", "approver").order_by("due_date", "pk")


def feed_name(token: FeedToken) -> str:
    if token.scope == FeedScope.CONTRACT and token.contract is not None:
        return f"{token.contract.number} milestones ({token.organisation.name})"
    if token.scope == FeedScope.MINE:
        return f"My milestones ({token.organisation.name})"
    return f"{token.organisation.name} milestones"


def render_feed(token: FeedToken) -> bytes | None:
    found = feed_milestones(token)
    if found is None:
        return None
    _, milestones = found
    return build_calendar(feed_name(token), milestones.iterator(chunk_size=500))


def build_calendar(name: str, milestones: Iterable[Milestone]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Pactline//Contract milestones//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    host = urlparse(settings.BASE_URL).hostname or "pactline"
    stamp = datetime.now(tz=UTC).replace(microsecond=0)
    for m in milestones:
        cal.add_component(_event(m, host, stamp))
    return cal.to_ical()


def _event(m: Milestone, host: str, stamp: datetime) -> Event:
    event = Event()
    done = m.status in COMPLETE_STATUSES
    status_label = MilestoneStatus(m.status).label
    event.add("uid", f"milestone-{m.pk}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", m.due_date)
    event.add("dtend", m.due_date + timedelta(days=1))  # type: ignore[operator]
    event.add("summary", f"{'✓ ' if done else ''}{m.contract.number}: {m.title}")
    event.add("description", _description(m, status_label))
    event.add("url", f"{settings.BASE_URL}/milestones/{m.pk}/")
    event.add("sequence", m.version)
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("categories", [status_label])
    event.add("last-modified", m.updated_at.astimezone(UTC).replace(microsecond=0))
    if not done:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due tomorrow: {m.contract.number}: {m.title}")
        alarm.add("trigger", REMINDER)
        event.add_component(alarm)
    return event


def _description(m: Milestone, status_label: str) -> str:
    lines = [f"Contract: {m.contract.number} {m.contract.title}", f"Status: {status_label}"]
    if m.owner is not None:
        lines.append(f"Owner: {m.owner.display_name}")
    if m.approver is not None:
        lines.append(f"Approver: {m.approver.display_name}")
    if m.payment_amount is not None:
        lines.append(f"Payment: {m.payment_amount} {m.contract.currency}")
    if m.description:
        lines += ["", m.description[:2000]]
    return "\n".join(lines)
