"""Template tags for other apps' pages: the inbox link with its unread count, and the
reminders panel (watch, snooze, acknowledge, policy) of a contract or milestone page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pactline.accounts import permissions
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.notifications.models import ReminderState

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_link(context: template.Context) -> SafeString:
    actor = context.get("actor")
    if actor is None or actor.user is None:
        return format_html("")
    unread = permissions.own_notifications(actor).filter(read_at__isnull=True).count()
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = bool(match and (match.url_name or "").startswith("notification-"))
    label = format_html(
        "Inbox{}",
        format_html(' <span class="badge count" aria-label="{} unread">{}</span>', unread, unread)
        if unread
        else "",
    )
    attrs = SafeString(' aria-current="page"') if current else ""
    return format_html('<a href="{}"{}>{}</a>', reverse("notification-inbox"), attrs, label)


@register.inclusion_tag("notifications/_panel.html", takes_context=True)
def reminders_panel(context: template.Context, obj: Contract | Milestone) -> dict[str, Any]:
    actor = context.get("actor")
    kind = "milestone" if isinstance(obj, Milestone) else "contract"
    watching = False
    state = None
    if actor is not None and actor.user is not None:
        watches = permissions.own_watches(actor)
        if kind == "milestone":
            watching = watches.filter(milestone_id=obj.pk).exists()
            state = ReminderState.objects.filter(milestone_id=obj.pk, user_id=actor.user_id).first()
        else:
            watching = watches.filter(contract_id=obj.pk, milestone__isnull=True).exists()
    return {
        "object": obj,
        "kind": kind,
        "watching": watching,
        "guest": actor is not None and actor.is_guest,
        "state": state,
        "next_reminder": obj.next_reminder_at,
        "csrf_token": context.get("csrf_token"),
    }
