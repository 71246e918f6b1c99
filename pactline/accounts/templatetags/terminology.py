"""`{% term %}`: the organisation's word for Milestone, Contract or Party (a template builtin).

    {% term "contracts" %}               Agreements
    {% term "contract" "lower" %}        agreement
    {% term "milestone" count=n %}       Deliverable / Deliverables by n
    {% term "contract" as word %}        into a variable

The words come from the `terms` context variable (the context processor sets it for pages,
e-mail rendering passes it); without one, Pactline's own words.
"""

from __future__ import annotations

from typing import Any

from django import template

from pactline.accounts.terminology import Terms

register = template.Library()


@register.simple_tag(takes_context=True)
def term(context: Any, key: str, style: str = "title", count: Any = None) -> str:
    terms = context.get("terms")
    if not isinstance(terms, Terms):
        terms = Terms()
    try:
        number = None if count is None or count == "" else int(count)
    except (TypeError, ValueError):
        number = None
    return terms.word(str(key), style, number)
