"""Small presentation helpers: badges that carry their meaning in text, money, history rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pactline.accounts.models import Membership
from pactline.contracts.models import ContractStatus
from pactline.contracts.queries import NO_MILESTONES
from pactline.milestones.health import Health
from pactline.milestones.models import MilestoneStatus

register = template.Library()

HEALTH_TEXT = {h.value: h.label for h in Health} | {NO_MILESTONES: "No milestones"}


@register.simple_tag
def health_badge(health: str | None) -> SafeString:
    key = health or NO_MILESTONES
    text = HEALTH_TEXT.get(key, key.replace("_", " ").capitalize())
    return format_html('<span class="badge health-{}">{}</span>', key, text)


@register.simple_tag
def status_badge(status: str) -> SafeString:
    labels = dict(ContractStatus.choices) | dict(MilestoneStatus.choices)
    return format_html(
        '<span class="badge status-{}">{}</span>', status, labels.get(status, status)
    )


@register.filter
def money(value: Decimal | None, currency: str = "") -> str:
    if value is None:
        return "—"
    amount = intcomma(f"{Decimal(value):.2f}")
    return f"{amount} {currency}".strip()


@register.filter
def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value).normalize():f} %"


@register.filter
def days(value: int | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "on baseline"
    word = "day" if abs(value) == 1 else "days"
    return f"{value:+d} {word}"


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return f"{len(value)} item{'s' if len(value) != 1 else ''}"
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


@register.filter
def change_rows(changes: dict[str, Any] | None, terms: Any = None) -> list[tuple[str, str, str]]:
    """(field label, before, after) for an event's before/after changes; `terms` (the
    organisation's words) names the contract, milestone and party fields."""
    from pactline.accounts.terminology import KEYS, Terms

    words = terms if isinstance(terms, Terms) else Terms()
    rows = []
    for field, change in (changes or {}).items():
        label = field.removesuffix("_id").replace("_", " ").capitalize()
        if label.lower() in KEYS:
            label = words.word(label.lower())
        if isinstance(change, dict) and "before" in change:
            rows.append((label, _show(change.get("before")), _show(change.get("after"))))
        else:
            rows.append((label, "—", _show(change)))
    return rows


@register.filter
def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


@register.inclusion_tag("web/_org_switcher.html", takes_context=True)
def organisation_switcher(context: template.Context) -> dict[str, Any]:
    request: HttpRequest | None = context.get("request")
    actor = context.get("actor")
    if request is None or actor is None or not request.user.is_authenticated:
        return {"memberships": []}
    memberships = list(Membership.objects.filter(user=request.user).select_related("organisation"))
    return {
        "memberships": memberships if len(memberships) > 1 else [],
        "current": actor.organisation.pk,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, url_name: str, label: str, prefix: str) -> SafeString:
    """A main-navigation link, marked current when the page's URL name starts with a prefix
    (comma-separated)."""
    from django.urls import reverse

    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = (match.url_name if match else None) or ""
    current = any(name.startswith(p) for p in prefix.split(","))
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', reverse(url_name), label)
    return format_html('<a href="{}">{}</a>', reverse(url_name), label)


@register.filter
def health_of_rank(rank: int | None) -> str:
    """A contract list row's worst milestone rank as a Health value ("none": no milestones)."""
    from pactline.contracts.queries import health_label

    return health_label(rank)


@register.filter
def words(value: object) -> str:
    """An identifier for people: status_changed -> status changed."""
    return str(value).replace("_", " ")


@register.filter
def offset_rule(item: Any) -> str:
    """A template item's due rule in words: "15 working days after Design approval"."""
    from pactline.milestones.describe import template_item_rule

    anchor_item = getattr(item, "anchor_item", None) if item.anchor_item_id else None
    return template_item_rule(item, anchor_item.title if anchor_item else None)


@register.filter
def workweek(mask: int) -> str:
    """A working-week bitmask for people: "Mon, Tue, Wed, Thu, Fri"."""
    from pactline.milestones.scheduling import describe_workweek

    return describe_workweek(mask)


@register.filter
def user_time_zone(user: Any) -> str:
    """The signed-in person's time zone for showing instants; UTC when unknown or invalid."""
    from pactline.validation import time_zones

    zone = getattr(user, "time_zone", "") or "UTC"
    return zone if zone in time_zones() else "UTC"
