"""Forms of milestone templates: apply one, save one, edit one with its items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.forms import WEEKDAYS, country_choices, workweek_days, workweek_mask
from pactline.milestones.forms.common import (
    PERIOD_END_LABELS,
    ROLL_LABELS,
    lines,
    plain,
)
from pactline.milestones.models import UNIT_CHOICES, MilestoneKind, MilestoneTemplate
from pactline.milestones.scheduling import CONTRACT_ANCHORS, MILESTONE_ANCHORS, MON_TO_FRI, Anchor
from pactline.web.forms import DateInput, DomainForm

ITEM_ANCHORS = [(a.value, a.label) for a in (*CONTRACT_ANCHORS, *MILESTONE_ANCHORS)]
MAX_ITEMS = 100


class ApplyTemplateForm(DomainForm):
    what = "contract"
    field_map = {"template_id": "template"}

    template = forms.ModelChoiceField(
        label="Template", queryset=MilestoneTemplate.objects.none(), empty_label="Choose a template"
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = permissions.visible_templates(actor).order_by(
            "name", "pk"
        )


class SaveTemplateForm(DomainForm):
    what = "template"

    name = forms.CharField(label="Template name", max_length=200)


class TemplateForm(DomainForm):
    what = "template"

    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TemplateItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(label="Type", choices=MilestoneKind.choices, initial="custom")
    row_title = ""  # the item's title as the page numbers it (set by item_formset)
    anchor = forms.ChoiceField(
        label="Due from", choices=ITEM_ANCHORS, initial=Anchor.CONTRACT_START.value
    )
    anchor_item = forms.TypedChoiceField(
        label="After item",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")],
        help_text="When due from another milestone: an earlier item.",
    )
    offset = forms.IntegerField(initial=0, min_value=-36600, max_value=36600)
    unit = forms.ChoiceField(choices=UNIT_CHOICES, initial="working_days")
    period_end = forms.ChoiceField(label="Then snap to", choices=PERIOD_END_LABELS, initial="none")
    roll = forms.ChoiceField(label="If not a working day", choices=ROLL_LABELS, initial="none")
    payment_share = forms.DecimalField(
        label="Payment share (%)",
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    checklist = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="One item per line."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.required_css_class = "required"

    def to_item(self) -> dict[str, Any]:
        """The item as the service takes it; `anchor_item` is still the row number here."""
        d = self.cleaned_data
        share = d["payment_share"]
        return {
            "title": d["title"],
            "kind": d["kind"],
            "description": d["description"].replace("\r\n", "\n"),
            "anchor": d["anchor"],
            "anchor_item": d["anchor_item"] if d["anchor"] in MILESTONE_ANCHORS else None,
            "offset": d["offset"],
            "unit": d["unit"],
            "period_end": d["period_end"],
            "roll": d["roll"],
            "payment_share": None if share is None else share.quantize(Decimal("0.001")),
            "checklist": lines(d["checklist"]),
        }


class BaseTemplateItemFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Position"
        form.fields["DELETE"].label = "Remove this milestone"


def item_formset(
    data: Any = None,
    initial: list[dict[str, Any]] | None = None,
    kinds: list[tuple[str, str]] | None = None,
) -> Any:
    """The items formset: one empty row to fill in, three when starting a new template.

    "After item" offers every row by its number (as the rows are headed on the page), titled
    as typed; `kinds` are the organisation's milestone types."""
    factory = forms.formset_factory(
        TemplateItemForm,
        formset=BaseTemplateItemFormSet,
        extra=1 if initial else 3,
        can_delete=True,
        can_order=True,
        max_num=MAX_ITEMS,
        validate_max=True,
    )
    formset = factory(data, prefix="items", initial=initial)
    rows = [("", "—")]
    for number, form in enumerate(formset.forms, start=1):
        typed = data.get(f"items-{number - 1}-title") if data is not None else None
        title = (typed or "").strip() or (form.initial or {}).get("title") or ""
        form.row_title = title
        rows.append((str(number), f"{number}. {title}" if title else f"Row {number}"))
    for form in formset.forms:
        form.fields["anchor_item"].choices = rows
        if kinds is not None:
            kept = (form.initial or {}).get("kind")
            choices = list(kinds)
            if kept and kept not in {k for k, _ in choices}:
                choices.append((kept, kept.replace("_", " ")))
            form.fields["kind"].choices = choices
    return formset


ROW_FIELDS = (*TemplateItemForm.base_fields, "ORDER", "DELETE")


def move_row(data: Any, index: int, step: int) -> Any:
    """POST data with row `index` swapped with its neighbour (step -1: up, +1: down); the
    "After item" row numbers and positions follow, so the page shows the new order."""
    data = data.copy()
    try:
        total = int(data.get("items-TOTAL_FORMS", 0))
    except ValueError:
        return data
    other = index + step
    if not (0 <= index < total and 0 <= other < total):
        return data
    order = list(range(total))
    order[index], order[other] = order[other], order[index]
    new_number = {old + 1: new + 1 for new, old in enumerate(order)}
    rows = {
        old: {name: data.getlist(f"items-{old}-{name}") for name in ROW_FIELDS}
        for old in range(total)
    }
    for new, old in enumerate(order):
        for name, values in rows[old].items():
            key = f"items-{new}-{name}"
            if name == "anchor_item" and values and values[0].isdigit():
                values = [str(new_number.get(int(values[0]), values[0]))]
            if name == "ORDER":
                values = [str(new + 1)]
            if values:
                data.setlist(key, values)
            elif key in data:
                del data[key]
    return data


class PreviewForm(forms.Form):
    """A contract's dates and calendar to preview a template's dates with (nothing is saved)."""

    start_on = forms.DateField(label="Contract start", required=False, widget=DateInput())
    end_on = forms.DateField(label="Contract end", required=False, widget=DateInput())
    signed_on = forms.DateField(label="Signed on", required=False, widget=DateInput())
    calendar_country = forms.ChoiceField(label="Public holidays of", required=False)
    calendar_subdivision = forms.CharField(
        label="Region (subdivision)", required=False, max_length=10
    )
    workweek = forms.MultipleChoiceField(
        label="Working week",
        choices=WEEKDAYS,
        required=False,
        initial=workweek_days(MON_TO_FRI),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "preview")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["calendar_country"].choices = country_choices()

    def options(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "start_on": d["start_on"],
            "end_on": d["end_on"],
            "signed_on": d["signed_on"],
            "country": d["calendar_country"],
            "subdivision": d["calendar_subdivision"].strip().upper(),
            "workweek": workweek_mask(d["workweek"]) if d["workweek"] else 0,
        }


def with_extra_row(data: Any) -> Any:
    """POST data asking for one more empty row (the no-script "Add a row" button)."""
    data = data.copy()
    try:
        total = int(data.get("items-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    total = max(total, 0)
    if total >= MAX_ITEMS:
        return data
    data["items-TOTAL_FORMS"] = str(total + 1)
    for name, field in TemplateItemForm.base_fields.items():  # an untouched row, not an error
        if field.initial is not None:
            data[f"items-{total}-{name}"] = str(field.initial)
    return data


def item_initial(template: MilestoneTemplate) -> list[dict[str, Any]]:
    items = list(template.items.prefetch_related("checklist"))
    row = {item.pk: number for number, item in enumerate(items, start=1)}
    return [
        {
            "title": i.title,
            "kind": i.kind,
            "anchor": i.anchor,
            "anchor_item": row.get(i.anchor_item_id) if i.anchor_item_id else None,
            "offset": i.offset,
            "unit": i.unit,
            "period_end": i.period_end,
            "roll": i.roll,
            "payment_share": plain(i.payment_share),
            "description": i.description,
            "checklist": "\n".join(c.title for c in i.checklist.all()),
        }
        for i in items
    ]
