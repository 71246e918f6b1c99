"""Milestone types of an organisation: create, change (archive), delete when unused.

A type's `key` is what rows store in `kind` and what the API calls it, so it never changes
once created; its name, colour, icon and defaults may. A type in use is archived rather
than deleted (deleting one answers 422 naming why): archived types stay valid on the rows that
have them, and are no longer offered for new ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone, MilestoneSeries, MilestoneType, TemplateItem
from pactline.milestones.types import FALLBACK, as_dict, forget
from pactline.validation import Errors, check_required_text, check_text
from pactline.versioning import bump, lock

TYPE_FIELDS = (
    "key",
    "name",
    "colour",
    "icon",
    "default_checklist",
    "default_reminders",
    "position",
    "archived",
)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_CHECKLIST = 50
REFUSE = "only admins and owners define milestone types"


def _reject_unknown(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


def _validate(actor: Actor, t: MilestoneType) -> None:
    errors = Errors()
    if not isinstance(t.key, str) or not KEY_RE.match(t.key):
        errors.add(
            "key",
            "must start with a letter and hold only lower-case letters, digits and _ (at most 32)",
        )
    check_required_text(errors, "name", t.name, 100)
    if not isinstance(t.colour, str) or not COLOUR_RE.match(t.colour):
        errors.add("colour", "must be a colour like #1d4ed8")
    check_text(errors, "icon", t.icon, 32)
    checklist = t.default_checklist
    if not isinstance(checklist, list) or len(checklist) > MAX_CHECKLIST:
        errors.add("default_checklist", f"must be a list of at most {MAX_CHECKLIST} titles")
    else:
        for i, title in enumerate(checklist):
            check_required_text(errors, f"default_checklist.{i}", title, 300)
    if not isinstance(t.position, int) or isinstance(t.position, bool) or t.position < 0:
        errors.add("position", "must be a whole number from 0")
    if not isinstance(t.archived, bool):
        errors.add("archived", "must be true or false")
    elif t.archived and t.key == FALLBACK:
        errors.add("archived", f"the {t.name!r} type is the fallback and stays available")
    reminders = t.default_reminders
    if not isinstance(reminders, dict):
        errors.add("default_reminders", "must be an object of reminder policy fields")
    elif reminders:
        from pactline.notifications import policies

        members = set(
            Membership.objects.filter(organisation=actor.organisation).values_list(
                "user_id", flat=True
            )
        )
        try:
            t.default_reminders = policies.validate(reminders, members)
        except ValidationFailed as exc:
            for field, msgs in exc.errors.items():
                for msg in msgs if isinstance(msgs, list) else [msgs]:
                    errors.add(f"default_reminders.{field}", msg)
    same = MilestoneType.objects.filter(organisation=actor.organisation).exclude(pk=t.pk)
    if isinstance(t.key, str) and same.filter(key=t.key).exists():
        errors.add("key", f"a type with the key {t.key!r} already exists")
    if isinstance(t.name, str) and t.name.strip() and same.filter(name=t.name.strip()).exists():
        errors.add("name", f"a type named {t.name.strip()!r} already exists")
    errors.raise_if_any()


def _clean_checklist(value: Any) -> Any:
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return value


@transaction.atomic
def create_type(actor: Actor, data: Mapping[str, Any]) -> MilestoneType:
    require(permissions.can_customise_organisation(actor), REFUSE)
    _reject_unknown(data, TYPE_FIELDS)
    top = MilestoneType.objects.filter(organisation=actor.organisation).aggregate(
        top=Max("position")
    )["top"]
    t = MilestoneType(
        organisation=actor.organisation,
        key=data.get("key"),
        name=(data.get("name") or "").strip() if isinstance(data.get("name"), str) else None,
        colour=data.get("colour", "#64748b"),
        icon=data.get("icon", ""),
        default_checklist=_clean_checklist(data.get("default_checklist", [])),
        default_reminders=data.get("default_reminders") or {},
        position=data.get("position", 0 if top is None else top + 1),
        archived=data.get("archived", False),
    )
    _validate(actor, t)
    t.save()
    forget(t.organisation_id)
    record(
        actor,
        "created",
        t,
        summary=f"Milestone type {t.name!r} created",
        changes=diff({}, as_dict(t)),
    )
    return t


@transaction.atomic
def update_type(
    actor: Actor, t: MilestoneType, data: Mapping[str, Any], expected_version: int | None
) -> MilestoneType:
    """Change a type; `archived: true` archives it. The key cannot change (rows store it)."""
    require(permissions.can_customise_organisation(actor), REFUSE)
    _reject_unknown(data, TYPE_FIELDS)
    t = lock(t, expected_version)
    if "key" in data and data["key"] != t.key:
        raise ValidationFailed.one(
            "key", "cannot change: milestones and templates store it (create a new type instead)"
        )
    before = as_dict(t)
    for field in TYPE_FIELDS:
        if field in data and field != "key":
            value = data[field]
            if field == "name" and isinstance(value, str):
                value = value.strip()
            if field == "default_checklist":
                value = _clean_checklist(value)
            if field == "default_reminders" and value is None:
                value = {}
            setattr(t, field, value)
    _validate(actor, t)
    changes = diff(before, as_dict(t))
    if not changes:
        return t
    bump(t)
    t.save()
    forget(t.organisation_id)
    verb = "archived" if changes.get("archived", {}).get("after") is True else "updated"
    record(
        actor,
        verb,
        t,
        summary=f"Milestone type {t.name!r} {verb}",
        changes=changes,
    )
    return t


def usage(t: MilestoneType) -> dict[str, int]:
    """How many rows of the organisation use the type, by what they are."""
    org = t.organisation_id
    return {
        "milestones": Milestone.objects.filter(organisation_id=org, kind=t.key).count(),
        "template items": TemplateItem.objects.filter(
            template__organisation_id=org, kind=t.key
        ).count(),
        "recurring series": MilestoneSeries.objects.filter(organisation_id=org, kind=t.key).count(),
    }


@transaction.atomic
def delete_type(actor: Actor, t: MilestoneType) -> None:
    """Delete an unused type; one in use is refused (422) with what uses it: archive it."""
    require(permissions.can_customise_organisation(actor), REFUSE)
    if t.key == FALLBACK:
        raise ValidationFailed.one("key", f"the {t.name!r} type is the fallback and stays")
    used = {what: n for what, n in usage(t).items() if n}
    if used:
        counts = ", ".join(f"{n} {what}" for what, n in used.items())
        raise ValidationFailed.one(
            "key", f"the type {t.name!r} is in use ({counts}); archive it instead"
        )
    record(actor, "deleted", t, summary=f"Milestone type {t.name!r} deleted")
    t.delete()
    forget(actor.organisation.pk)


def check_kind(
    errors: Errors, field: str, organisation_id: int | None, kind: Any, was: str | None = None
) -> None:
    """`kind` must be an active type of the organisation; a row keeps an archived one it had."""
    if not isinstance(kind, str):
        errors.add(field, "must be a milestone type key")
        return
    if organisation_id is None or kind == was:
        return
    rows = MilestoneType.objects.filter(organisation_id=organisation_id, archived=False)
    if not rows.filter(key=kind).exists():
        keys = list(rows.values_list("key", flat=True))
        errors.add(field, f"must be one of {', '.join(keys)}")


def default_reminders_of(organisation_id: int, kind: str) -> tuple[list[str], dict[str, Any]]:
    """The default checklist and reminder policy fields a new milestone of `kind` gets."""
    row = (
        MilestoneType.objects.filter(organisation_id=organisation_id, key=kind)
        .values_list("default_checklist", "default_reminders")
        .first()
    )
    if row is None:
        return [], {}
    return list(row[0] or []), dict(row[1] or {})
