"""Custom field definitions (create, change, reorder, delete) and the validation of values.

Every write path of contracts, milestones and parties (web forms, API, importer, CLI) passes
its `custom_fields` input through `clean_values`, which checks it against the definitions
(NetBox's pattern) and returns the dict to store. Renaming a key or deleting a field rewrites
the stored values in batches (`BATCH` rows, one transaction each), never all rows at once.

Required fields and old rows: `required` is enforced when an object is created and whenever
the request sets or clears that field; an existing row that lacks the value (the field was
added later) can still be saved with other changes. A field's `default` fills new objects only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Membership, Organisation
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import note_derived_change, record
from pactline.customfields import values as cfv
from pactline.customfields.models import (
    CHOICE_TYPES,
    RANGE_TYPES,
    TEXT_TYPES,
    CustomField,
    FieldType,
    ObjectType,
)
from pactline.errors import ValidationFailed
from pactline.validation import Errors, check_required_text, check_text
from pactline.versioning import bump, lock

BATCH = 1000
MAX_FIELDS = 100  # per organisation and object type
MAX_CHOICES = 200
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
DEFINITION_FIELDS = (
    "key",
    "label",
    "help_text",
    "field_type",
    "required",
    "default",
    "choices",
    "min_value",
    "max_value",
    "regex",
    "hidden_from_guests",
    "remind_days_before",
)
INPUT_FIELDS = (*DEFINITION_FIELDS, "object_type", "position")


# --- reading definitions (used by forms, lists, exports, saved views) ------------------------


def fields_for(
    organisation: Organisation | int, object_type: str, *, for_guest: bool = False
) -> list[CustomField]:
    """The organisation's fields for `object_type` ("contract", "milestone", "party") in their
    order; without the fields hidden from guests when `for_guest`. One query."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    qs = CustomField.objects.filter(organisation_id=org_id, object_type=object_type)
    if for_guest:
        qs = qs.filter(hidden_from_guests=False)
    return list(qs.order_by("position", "pk"))


def fields_seen_by(actor: Actor, object_type: str) -> list[CustomField]:
    """The fields `actor` may see: guests never see the fields hidden from guests."""
    return fields_for(actor.organisation, object_type, for_guest=actor.is_guest)


def visible_values(fields: Iterable[CustomField], stored: Mapping[str, Any] | None) -> dict:
    """The stored values of `fields` only (what a reader of those fields may see)."""
    stored = stored or {}
    return {f.key: stored[f.key] for f in fields if f.key in stored}


def member_lookup(organisation_id: int) -> dict[str, int]:
    """User ids by id text and by lower-case e-mail, of the organisation's (non-guest) members."""
    out: dict[str, int] = {}
    for user_id, email in (
        Membership.objects.filter(organisation_id=organisation_id)
        .exclude(role="guest")
        .values_list("user_id", "user__email")
    ):
        out[str(user_id)] = user_id
        out[email.lower()] = user_id
    return out


def user_names(ids: Iterable[int]) -> dict[int, str]:
    from pactline.accounts.models import User

    ids = set(ids)
    if not ids:
        return {}
    return {
        u.pk: (u.get_full_name() if hasattr(u, "get_full_name") else "") or u.email
        for u in User.objects.filter(pk__in=ids)
    }


# --- values -----------------------------------------------------------------------------------


def clean_values(
    organisation: Organisation,
    object_type: str,
    incoming: Any,
    existing: Mapping[str, Any] | None = None,
    *,
    creating: bool,
    fields: list[CustomField] | None = None,
    prefix: str = "custom_fields",
) -> dict[str, Any]:
    """The `custom_fields` to store after applying `incoming` (a partial update: keys not sent
    keep their value; an empty value clears it). Raises ValidationFailed naming
    `custom_fields.<key>` for each problem."""
    if fields is None:
        fields = fields_for(organisation, object_type)
    by_key = {f.key: f for f in fields}
    result = dict(existing or {})
    errors = Errors()
    if incoming is None:
        incoming = {}
    if not isinstance(incoming, Mapping):
        raise ValidationFailed.one(prefix, "must be an object of values by field key")
    for key in incoming:
        if key not in by_key:
            errors.add(f"{prefix}.{key}", f"is not a custom field of {object_type}s")
    members = None
    if any(by_key[k].field_type == FieldType.USER for k in incoming if k in by_key):
        members = member_lookup(organisation.pk)
    for key, raw in incoming.items():
        field = by_key.get(key)
        if field is None:
            continue
        try:
            value = cfv.clean(
                field, raw, members=members, default_currency=organisation.default_currency
            )
        except cfv.Invalid as exc:
            errors.add(f"{prefix}.{key}", str(exc))
            continue
        if value is None:
            result.pop(key, None)
            if field.required:
                errors.add(f"{prefix}.{key}", "is required")
        else:
            result[key] = value
    if creating:
        for field in fields:
            if field.key in incoming:
                continue
            if field.default is not None and field.key not in result:
                result[field.key] = field.default
            if field.required and cfv.is_empty(result.get(field.key)):
                errors.add(f"{prefix}.{field.key}", "is required")
    errors.raise_if_any()
    return result


def audit_entries(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Values as snapshot entries (`custom_fields.<key>`), so events show each before/after."""
    return {f"custom_fields.{k}": v for k, v in sorted((values or {}).items())}


def diff_entries(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """{"custom_fields.<key>": {"before": x, "after": y}} for the values that changed."""
    before, after = before or {}, after or {}
    out = {}
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            out[f"custom_fields.{key}"] = {"before": before.get(key), "after": after.get(key)}
    return out


# --- definitions ------------------------------------------------------------------------------


def _manage(actor: Actor) -> None:
    require(
        permissions.can_manage_custom_fields(actor),
        "only owners and admins define custom fields",
    )


def snapshot(field: CustomField) -> dict[str, Any]:
    return {f: getattr(field, f) for f in (*DEFINITION_FIELDS, "object_type", "position")}


def _text_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        value = [line for line in re.split(r"[\n,]", value)]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _validate(field: CustomField) -> None:
    errors = Errors()
    if field.object_type not in ObjectType.values:
        errors.add("object_type", f"must be one of {', '.join(ObjectType.values)}")
    if field.field_type not in FieldType.values:
        errors.add("field_type", f"must be one of {', '.join(FieldType.values)}")
    if not isinstance(field.key, str) or not KEY_RE.match(field.key):
        errors.add(
            "key",
            "must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 50)",
        )
    check_required_text(errors, "label", field.label, 100)
    check_text(errors, "help_text", field.help_text, 300)
    for flag in ("required", "hidden_from_guests"):
        if not isinstance(getattr(field, flag), bool):
            errors.add(flag, "must be true or false")
    choices = _text_list(field.choices)
    if field.field_type in CHOICE_TYPES:
        if not choices:
            errors.add("choices", "list at least one choice")
        elif len(choices) > MAX_CHOICES:
            errors.add("choices", f"at most {MAX_CHOICES} choices")
        elif any(len(c) > 100 or '"' in c or "\\" in c for c in choices):
            errors.add("choices", 'each choice is at most 100 characters, without " or \\')
        elif len({c.lower() for c in choices}) != len(choices):
            errors.add("choices", "two choices differ only in upper and lower case")
        else:
            field.choices = choices
    else:
        field.choices = []
    for bound in ("min_value", "max_value"):
        text = getattr(field, bound)
        text = "" if text is None else str(text).strip()
        setattr(field, bound, text)
        if text and field.field_type not in RANGE_TYPES:
            errors.add(bound, "only numbers, money and dates have bounds")
        elif text:
            try:
                parsed = cfv.parse_bound(field, text)
                setattr(
                    field,
                    bound,
                    parsed.isoformat() if isinstance(parsed, date) else cfv.decimal_text(parsed),
                )
            except cfv.Invalid as exc:
                errors.add(bound, str(exc))
    if field.min_value and field.max_value and not {"min_value", "max_value"} & set(errors):
        low = cfv.parse_bound(field, field.min_value)
        high = cfv.parse_bound(field, field.max_value)
        if low > high:  # type: ignore[operator]
            errors.add("max_value", "must not be below the minimum")
    field.regex = (field.regex or "").strip()
    if field.regex:
        if field.field_type not in TEXT_TYPES:
            errors.add("regex", "only text fields have a pattern")
        else:
            try:
                re.compile(field.regex)
            except (re.error, OverflowError, RecursionError) as exc:
                errors.add("regex", f"is not a valid regular expression: {exc}")
    days = field.remind_days_before
    if days is not None:
        if field.field_type != FieldType.DATE:
            errors.add("remind_days_before", "only date fields carry reminders")
        elif field.object_type == ObjectType.PARTY:
            errors.add("remind_days_before", "reminders go to contract and milestone owners")
        elif isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 365:
            errors.add("remind_days_before", "must be a whole number of days from 0 to 365")
    errors.raise_if_any()
    if field.default is not None and not cfv.is_empty(field.default):
        try:
            members = (
                member_lookup(field.organisation_id) if field.field_type == FieldType.USER else None
            )
            field.default = cfv.clean(
                field,
                field.default,
                members=members,
                default_currency=field.organisation.default_currency,
            )
        except cfv.Invalid as exc:
            raise ValidationFailed.one("default", str(exc)) from None
    else:
        field.default = None
    duplicate = CustomField.objects.filter(
        organisation_id=field.organisation_id, object_type=field.object_type, key=field.key
    ).exclude(pk=field.pk)
    if duplicate.exists():
        raise ValidationFailed.one("key", f"a {field.object_type} field {field.key!r} exists")


def _unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


@transaction.atomic
def create_field(actor: Actor, data: Mapping[str, Any]) -> CustomField:
    _manage(actor)
    _unknown(data, INPUT_FIELDS)
    fields = dict(data)
    object_type = fields.get("object_type")
    if (
        object_type in ObjectType.values
        and CustomField.objects.filter(
            organisation=actor.organisation, object_type=object_type
        ).count()
        >= MAX_FIELDS
    ):
        raise ValidationFailed.one("object_type", f"at most {MAX_FIELDS} fields per type")
    if "position" not in fields:
        top = CustomField.objects.filter(
            organisation=actor.organisation, object_type=object_type
        ).aggregate(top=Max("position"))["top"]
        fields["position"] = 0 if top is None else top + 1
    for text in ("label", "help_text", "key"):
        if isinstance(fields.get(text), str):
            fields[text] = fields[text].strip()
    field = CustomField(organisation=actor.organisation, **fields)
    _validate(field)
    field.save()
    record(
        actor,
        "created",
        field,
        summary=f"Custom field {field.label} ({field.key}) added to {field.object_type}s",
        changes={k: {"before": None, "after": v} for k, v in snapshot(field).items()},
    )
    return field


def update_field(
    actor: Actor, field: CustomField, data: Mapping[str, Any], expected_version: int | None
) -> CustomField:
    """Change a definition; a new key renames the stored values in batches afterwards."""
    with transaction.atomic():
        _manage(actor)
        _unknown(data, (*DEFINITION_FIELDS, "position"))
        field = lock(field, expected_version)
        before = snapshot(field)
        old_key = field.key
        for name, value in data.items():
            setattr(field, name, value.strip() if isinstance(value, str) else value)
        if field.field_type != before["field_type"]:
            raise ValidationFailed.one(
                "field_type", "cannot change; add a new field and delete this one"
            )
        _validate(field)
        after = snapshot(field)
        changes = {
            k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]
        }
        if not changes:
            return field
        bump(field)
        field.updated_at = timezone.now()
        field.save()
        record(
            actor,
            "updated",
            field,
            summary=f"Custom field {field.label} ({field.key}) changed",
            changes=changes,
        )
    if field.key != old_key:
        moved = rewrite_values(field.organisation_id, field.object_type, old_key, field.key)
        _record_rewrite(actor, field, f"renamed from {old_key} to {field.key}", moved)
    # Reminder times follow in the background: the outbox refreshes the organisation on
    # events about custom fields (pactline.notifications.outbox).
    return field


def delete_field(actor: Actor, field: CustomField) -> int:
    """Delete a definition, then remove its values from the rows in batches. Returns how many
    rows held a value."""
    with transaction.atomic():
        _manage(actor)
        record(
            actor,
            "deleted",
            field,
            summary=f"Custom field {field.label} ({field.key}) deleted",
            changes={k: {"before": v, "after": None} for k, v in snapshot(field).items()},
        )
        org_id, object_type, key = field.organisation_id, field.object_type, field.key
        CustomField.objects.filter(pk=field.pk).delete()
    removed = rewrite_values(org_id, object_type, key, None)
    _record_rewrite(actor, field, "values removed", removed)
    return removed


@transaction.atomic
def reorder_fields(actor: Actor, object_type: str, ids: list[int]) -> list[CustomField]:
    """Put the fields of `object_type` in the order of `ids` (all of them, each once)."""
    _manage(actor)
    current = {
        f.pk: f
        for f in CustomField.objects.select_for_update().filter(
            organisation=actor.organisation, object_type=object_type
        )
    }
    if sorted(ids) != sorted(current) or len(set(ids)) != len(ids):
        raise ValidationFailed.one("ids", f"must list each {object_type} field once")
    changed = []
    for position, pk in enumerate(ids):
        field = current[pk]
        if field.position != position:
            field.position = position
            changed.append(field)
    CustomField.objects.bulk_update(changed, ["position"])
    if changed:
        record(
            actor,
            "reordered",
            changed[0],
            summary=f"Custom fields of {object_type}s reordered",
            changes={"order": {"before": None, "after": [current[i].key for i in ids]}},
        )
    return [current[i] for i in ids]


# --- rewriting stored values ------------------------------------------------------------------


def model_for(object_type: str) -> type[models.Model]:
    from pactline.contracts.models import Contract, Party
    from pactline.milestones.models import Milestone

    return {"contract": Contract, "milestone": Milestone, "party": Party}[object_type]


def rewrite_values(
    organisation_id: int, object_type: str, old_key: str, new_key: str | None
) -> int:
    """Move (or, with `new_key` None, remove) one key in every row of the organisation, `BATCH`
    rows per transaction; memory and lock time follow the batch, not the table."""
    model = model_for(object_type)
    scope = model._default_manager.filter(organisation_id=organisation_id)
    ids = list(
        scope.filter(custom_fields__has_key=old_key).order_by("pk").values_list("pk", flat=True)
    )
    done = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            rows = list(
                scope.select_for_update()
                .filter(pk__in=ids[start : start + BATCH])
                .only("pk", "custom_fields")
            )
            for row in rows:
                values = dict(row.custom_fields or {})
                if old_key not in values:
                    continue
                value = values.pop(old_key)
                if new_key is not None:
                    values[new_key] = value
                row.custom_fields = values
            model._default_manager.bulk_update(rows, ["custom_fields"])
            note_derived_change(organisation_id)  # lists show the batch at once (api_cache)
            done += len(rows)
    return done


def _record_rewrite(actor: Actor, field: CustomField, what: str, count: int) -> None:
    with transaction.atomic():
        record(
            actor,
            "values_rewritten",
            field,
            summary=f"Custom field {field.key}: {what} on {count} {field.object_type} rows",
            changes={"rows": {"before": None, "after": count}},
        )


def as_decimal(value: Any) -> Decimal | None:
    return None if cfv.is_empty(value) else Decimal(str(value))


def removed_entries(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Snapshot entries of cleared values (`diff` only walks the keys of `after`)."""
    return {
        k: {"before": v, "after": None}
        for k, v in before.items()
        if k.startswith("custom_fields.") and k not in after and v is not None
    }


def hidden_keys(organisation_id: int, object_types: Iterable[str] | None = None) -> set[str]:
    qs = CustomField.objects.filter(organisation_id=organisation_id, hidden_from_guests=True)
    if object_types is not None:
        qs = qs.filter(object_type__in=list(object_types))
    return set(qs.values_list("key", flat=True))


def redact_changes(
    actor: Actor, changes: Mapping[str, Any] | None, hidden: set[str] | None = None
) -> dict[str, Any]:
    """An event's changes as `actor` may read them: guests lose the `custom_fields.<key>`
    entries of fields hidden from guests (any object type: keys are checked by name)."""
    changes = dict(changes or {})
    if not actor.is_guest or not any(k.startswith("custom_fields.") for k in changes):
        return changes
    if hidden is None:
        hidden = hidden_keys(actor.organisation.pk)
    return {
        k: v
        for k, v in changes.items()
        if not (k.startswith("custom_fields.") and k.removeprefix("custom_fields.") in hidden)
    }
