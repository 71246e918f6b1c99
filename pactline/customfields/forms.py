"""Web forms: custom fields inside the contract, milestone and party forms (as `cf_<key>`
inputs), and the definition form of the settings page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pactline.accounts.permissions import Actor
from pactline.customfields import services
from pactline.customfields import values as cfv
from pactline.customfields.models import CustomField, FieldType, ObjectType
from pactline.web.forms import DateInput, DomainForm

BOOLEAN_CHOICES = [("", "—"), ("true", "Yes"), ("false", "No")]


class MoneyWidget(forms.MultiWidget):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.NumberInput(attrs={"step": "0.01", "aria-label": "Amount"}),
            forms.TextInput(
                attrs={
                    "size": 4,
                    "maxlength": 3,
                    "aria-label": "Currency",
                    "pattern": "[A-Za-z]{3}",
                }
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [value.get("amount"), value.get("currency")]
        return [None, None]


class MoneyField(forms.MultiValueField):
    widget = MoneyWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.DecimalField(required=False, max_digits=18, decimal_places=2),
            forms.CharField(required=False, max_length=3),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dict[str, Any] | None:
        if not data_list or data_list[0] in (None, ""):
            return None
        amount, currency = data_list[0], (data_list[1] or "").strip().upper()
        return {"amount": str(amount), **({"currency": currency} if currency else {})}


def _members(actor: Actor) -> list[tuple[str, str]]:
    from pactline.accounts.models import Membership

    rows = (
        Membership.objects.filter(organisation=actor.organisation)
        .exclude(role="guest")
        .select_related("user")
        .order_by("user__email")
    )
    return [("", "—")] + [(str(m.user_id), m.user.display_name) for m in rows]


def form_field(field: CustomField, actor: Actor, creating: bool) -> forms.Field:
    """The Django form field for one custom field; the service does the real validation."""
    common: dict[str, Any] = {
        "label": field.label,
        "help_text": field.help_text,
        # Required fields are enforced on create; an old row may stay without the value.
        "required": field.required and creating and field.field_type != FieldType.BOOLEAN,
    }
    kind = field.field_type
    if kind == FieldType.TEXT:
        return forms.CharField(max_length=cfv.TEXT_LIMIT[kind], **common)
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldType.URL:
        return forms.CharField(
            max_length=cfv.TEXT_LIMIT[kind],
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
            **common,
        )
    if kind == FieldType.NUMBER:
        return forms.DecimalField(
            min_value=Decimal(field.min_value) if field.min_value else None,
            max_value=Decimal(field.max_value) if field.max_value else None,
            **common,
        )
    if kind == FieldType.MONEY:
        return MoneyField(**common)
    if kind == FieldType.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if kind == FieldType.BOOLEAN:
        return forms.ChoiceField(choices=BOOLEAN_CHOICES, **common)
    if kind == FieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in field.choices], **common)
    if kind == FieldType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in field.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldType.USER:
        return forms.ChoiceField(choices=_members(actor), **common)
    raise ValueError(kind)  # pragma: no cover


def _initial(field: CustomField, value: Any) -> Any:
    if cfv.is_empty(value):
        return None
    if field.field_type == FieldType.BOOLEAN:
        return "true" if value else "false"
    if field.field_type == FieldType.USER:
        return str(value)
    return value


def add_fields(
    form: DomainForm, actor: Actor, object_type: str, obj: Any | None = None
) -> list[CustomField]:
    """Add the organisation's `object_type` fields to `form` as `cf_<key>` (with the object's
    values as initial ones), and map service errors (`custom_fields.<key>`) onto them."""
    fields = services.fields_for(actor.organisation, object_type)
    stored = (getattr(obj, "custom_fields", None) or {}) if obj is not None else {}
    form.field_map = dict(form.field_map)
    for field in fields:
        name = field.param
        form.fields[name] = form_field(field, actor, creating=obj is None)
        if not form.is_bound and field.key in stored:
            form.initial[name] = _initial(field, stored[field.key])
        elif not form.is_bound and obj is None and field.default is not None:
            form.initial[name] = _initial(field, field.default)
        form.field_map[f"custom_fields.{field.key}"] = name
    form.cf_fields = fields  # type: ignore[attr-defined]
    form.cf_context = (actor, obj)  # type: ignore[attr-defined]
    form.cf_bound = [form[f.param] for f in fields]  # type: ignore[attr-defined]
    return fields


def bound_fields(form: forms.Form) -> list[forms.BoundField]:
    return [form[f.param] for f in getattr(form, "cf_fields", [])]


def values_from(form: forms.Form) -> dict[str, Any] | None:
    """The `custom_fields` input of the service: on create every value given; on change only
    the values that differ from the stored ones (so an untouched empty required field of an
    old row does not block saving). None when there is nothing to send."""
    fields: list[CustomField] = getattr(form, "cf_fields", [])
    if not fields:
        return None
    actor, obj = form.cf_context  # type: ignore[attr-defined]
    stored = (getattr(obj, "custom_fields", None) or {}) if obj is not None else {}
    members = (
        services.member_lookup(actor.organisation.pk)
        if any(f.field_type == FieldType.USER for f in fields)
        else None
    )
    out: dict[str, Any] = {}
    for field in fields:
        raw = form.cleaned_data.get(field.param)
        if obj is None:
            if not cfv.is_empty(raw):
                out[field.key] = raw
            continue
        try:
            new = cfv.clean(
                field, raw, members=members, default_currency=actor.organisation.default_currency
            )
        except cfv.Invalid:
            out[field.key] = raw  # the service names the problem
            continue
        if new != stored.get(field.key):
            out[field.key] = raw
    return out if (out or obj is None) else None


class DefinitionForm(DomainForm):
    """Define or change one custom field (settings page)."""

    what = "custom field"

    object_type = forms.ChoiceField(label="Applies to", choices=ObjectType.choices)
    label = forms.CharField(max_length=100)
    key = forms.CharField(
        max_length=50,
        help_text="Used in the API, filters (cf_<key>) and spreadsheets: a-z, 0-9 and _. "
        "Changing it renames the stored values.",
    )
    field_type = forms.ChoiceField(label="Type", choices=FieldType.choices)
    help_text = forms.CharField(label="Help text", max_length=300, required=False)
    required = forms.BooleanField(
        required=False, help_text="Needed for new records; existing ones may stay empty."
    )
    hidden_from_guests = forms.BooleanField(
        label="Hidden from guests",
        required=False,
        help_text="People of counterparties never see it.",
    )
    choices = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Choice fields: one choice per line.",
    )
    default = forms.CharField(
        label="Default", required=False, max_length=500, help_text="Given to new records."
    )
    min_value = forms.CharField(
        label="Minimum", required=False, max_length=40, help_text="Numbers, money and dates."
    )
    max_value = forms.CharField(label="Maximum", required=False, max_length=40)
    regex = forms.CharField(
        label="Pattern",
        required=False,
        max_length=300,
        help_text="Text fields: a regular expression the whole value must match.",
    )
    remind_days_before = forms.IntegerField(
        label="Remind days before",
        required=False,
        min_value=0,
        max_value=365,
        help_text="Date fields of contracts and milestones: remind the owner this many days "
        "before the date.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = (
        "label",
        "key",
        "help_text",
        "required",
        "hidden_from_guests",
        "choices",
        "default",
        "min_value",
        "max_value",
        "regex",
        "remind_days_before",
    )

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if field is not None:
            # Type and object type are fixed once defined.
            for name in ("object_type", "field_type"):
                self.fields[name].disabled = True
        else:
            del self.fields["version"]

    @classmethod
    def initial_for(cls, field: CustomField) -> dict[str, Any]:
        initial = {f: getattr(field, f) for f in cls.FIELDS}
        initial["choices"] = "\n".join(field.choices or [])
        initial["default"] = cfv.display(field, field.default) if field.default is not None else ""
        if field.field_type == FieldType.USER and field.default is not None:
            initial["default"] = str(field.default)
        initial.update(object_type=field.object_type, field_type=field.field_type)
        initial["version"] = field.version
        return initial

    def to_data(self, creating: bool) -> dict[str, Any]:
        d = self.cleaned_data
        data = {f: d[f] for f in self.FIELDS}
        data["choices"] = [c.strip() for c in d["choices"].splitlines() if c.strip()]
        data["default"] = d["default"] or None
        if data["default"] and d.get("field_type") == FieldType.MULTI_CHOICE:
            data["default"] = [c.strip() for c in data["default"].split(",")]
        if creating:
            data["object_type"] = d["object_type"]
            data["field_type"] = d["field_type"]
        return data
