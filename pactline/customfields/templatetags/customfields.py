"""Template helpers for custom fields: values on detail pages, redacted event changes."""

from __future__ import annotations

from typing import Any

from django import template

from pactline.customfields import render, services

register = template.Library()


@register.filter
def cf_redacted(changes: dict[str, Any] | None, actor: Any) -> dict[str, Any]:
    """An event's changes without the custom fields hidden from guests, when `actor` is one."""
    if actor is None:
        return dict(changes or {})
    return services.redact_changes(actor, changes)


@register.inclusion_tag("customfields/_values.html")
def custom_field_values(obj: Any, object_type: str, actor: Any) -> dict[str, Any]:
    """A definition list of the object's custom field values that `actor` may see."""
    if actor is None:
        return {"shown": []}
    fields = services.fields_seen_by(actor, object_type)
    return {"shown": render.shown(fields, obj) if fields else []}
