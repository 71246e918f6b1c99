"""`{% type_badge m.kind %}` and `{% type_name m.kind %}`: a milestone type as the organisation
names and colours it (a template builtin). The types are read once per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from pactline.milestones.types import TypeInfo, TypeMap, cached_map, type_map

register = template.Library()


def _info(context: Any, kind: str) -> TypeInfo:
    request = context.get("request")
    organisation = context.get("organisation")
    org_id = getattr(organisation, "pk", None)
    if org_id is None:
        return TypeMap()[kind or ""]
    if request is not None:
        cache = getattr(request, "_milestone_types", None)
        if cache is None:
            cache = type_map(org_id)
            request._milestone_types = cache
        return cache[kind or ""]  # type: ignore[no-any-return]
    return cached_map(org_id)[kind or ""]


@register.simple_tag(takes_context=True)
def type_name(context: Any, kind: str) -> str:
    return _info(context, kind).name


@register.simple_tag(takes_context=True)
def type_badge(context: Any, kind: str) -> str:
    info = _info(context, kind)
    icon = format_html('<span aria-hidden="true">{}</span> ', info.icon) if info.icon else ""
    return format_html(
        # The colour goes through a data attribute (app.js sets it): the CSP forbids style="".
        '<span class="type-badge" data-colour="{}" data-type="{}">{}{}</span>',
        info.colour,
        info.key,
        icon,
        info.name,
    )
