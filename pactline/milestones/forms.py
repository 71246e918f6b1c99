"""Web forms for milestones, checklists, status changes and milestone templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.forms import UserChoiceField
from pactline.contracts.models import Contract
from pactline.milestones.models import (
    ANCHOR_CHOICES,
    UNIT_CHOICES,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    MilestoneTemplate,
)
from pactline.milestones.scheduling import CONTRACT_ANCHORS, Anchor
from pactline.web.forms import DateInput, DomainForm, quantized
from pactline.web.http import members_of

PAYMENT_HELP = "Leave the share empty to enter a fixed amount instead."


def plain(value: Decimal | None) -> str | None:
    """30.000 -> "30", 12.500 -> "12.5": how people write a percentage."""
    return None if value is None else f"{value.normalize():f}"


def lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


class MilestoneForm(DomainForm):
    what = "milestone"
    field_map = {
        "owner_id": "owner",
        "approver_id": "approver",
        "anchor_milestone_id": "anchor_milestone",
    }

    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(label="Type", choices=MilestoneKind.choices, initial="custom")
    owner = UserChoiceField(
        label="Owner (responsible)", queryset=None, required=False, empty_label="Nobody"
    )
    approver = UserChoiceField(
        queryset=None,
        required=False,
        empty_label="No approval needed",
        help_text="With an approver, the milestone is submitted and accepted before it is done.",
    )
    due_anchor = forms.ChoiceField(
        label="Due date rule", choices=ANCHOR_CHOICES, initial="absolute"
    )
    due_date = forms.DateField(label="Fixed due date", required=False, widget=DateInput())
    due_offset = forms.IntegerField(
        label="Offset", required=False, initial=0, help_text="Negative numbers count backwards."
    )
    due_unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, initial="calendar_days")
    anchor_milestone = forms.ModelChoiceField(
        label="Anchor milestone",
        required=False,
        queryset=Milestone.objects.none(),
        empty_label="Choose a milestone",
    )
    payment_amount = forms.DecimalField(
        label="Payment amount", required=False, max_digits=18, decimal_places=2, min_value=0
    )
    payment_share = forms.DecimalField(
        label="Payment share (%)",
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=0,
        max_value=100,
        help_text="Share of the contract value. " + PAYMENT_HELP,
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    checklist = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="One item per line."
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when your change moves the due date. It goes into the history.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        actor: Actor,
        contract: Contract,
        *args: Any,
        milestone: Milestone | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        for name in ("owner", "approver"):
            self.fields[name].queryset = members_of(actor)
        siblings = Milestone.objects.filter(contract=contract).order_by("position", "pk")
        if milestone is not None:
            siblings = siblings.exclude(pk=milestone.pk)
        self.fields["anchor_milestone"].queryset = siblings
        self.fields["payment_amount"].label = f"Payment amount ({contract.currency})"
        if milestone is None:
            del self.fields["reason"], self.fields["version"]
        else:
            del self.fields["checklist"]
            if not permissions.can_reassign_milestone(actor, milestone):
                for name in ("owner", "approver"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Only managers change the owner or approver."

    @classmethod
    def initial_for(cls, m: Milestone) -> dict[str, Any]:
        fields = (
            "title",
            "kind",
            "description",
            "due_anchor",
            "due_offset",
            "due_unit",
            "due_date",
            "payment_share",
            "version",
        )
        initial = {f: getattr(m, f) for f in fields}
        initial |= {
            "owner": m.owner_id,
            "approver": m.approver_id,
            "anchor_milestone": m.anchor_milestone_id,
        }
        initial["payment_amount"] = None if m.payment_share is not None else m.payment_amount
        initial["payment_share"] = plain(m.payment_share)
        return initial

    def clean_payment_amount(self) -> Decimal | None:
        return quantized(self.cleaned_data["payment_amount"], "0.01")

    def clean_payment_share(self) -> Decimal | None:
        return quantized(self.cleaned_data["payment_share"], "0.001")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("payment_amount") is not None and cleaned.get("payment_share") is not None:
            self.add_error("payment_amount", "Give either an amount or a share, not both.")
        return cleaned

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        anchor = d["due_anchor"]
        data = {
            f: d[f]
            for f in ("title", "kind", "description", "due_unit", "payment_amount", "payment_share")
        }
        data["due_anchor"] = anchor
        data["due_offset"] = d["due_offset"] or 0
        target = d["anchor_milestone"]
        data["anchor_milestone_id"] = target.pk if anchor == Anchor.MILESTONE and target else None
        if anchor == Anchor.ABSOLUTE:
            data["due_date"] = d["due_date"]
        if not self.fields["owner"].disabled:
            data["owner_id"] = d["owner"].pk if d["owner"] else None
            data["approver_id"] = d["approver"].pk if d["approver"] else None
        if "checklist" in self.fields:
            data["checklist"] = lines(d["checklist"])
        return data


class StatusForm(DomainForm):
    what = "milestone"

    status = forms.ChoiceField(choices=MilestoneStatus.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Goes into the history. A rejection needs a reason.",
    )
    completed_on = forms.DateField(
        label="Completed on",
        required=False,
        widget=DateInput(),
        help_text="When done or accepted; empty means today.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ChecklistItemForm(DomainForm):
    what = "checklist item"

    title = forms.CharField(label="New checklist item", max_length=300)


# --- templates --------------------------------------------------------------------------------


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
    anchor = forms.ChoiceField(
        label="Due from",
        choices=[(a.value, a.label) for a in CONTRACT_ANCHORS],
        initial=Anchor.CONTRACT_START.value,
    )
    offset = forms.IntegerField(initial=0, min_value=-36600, max_value=36600)
    unit = forms.ChoiceField(choices=UNIT_CHOICES, initial="working_days")
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
        d = self.cleaned_data
        share = d["payment_share"]
        return {
            "title": d["title"],
            "kind": d["kind"],
            "description": d["description"].replace("\r\n", "\n"),
            "anchor": d["anchor"],
            "offset": d["offset"],
            "unit": d["unit"],
            "payment_share": None if share is None else share.quantize(Decimal("0.001")),
            "checklist": lines(d["checklist"]),
        }


class BaseTemplateItemFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Position"
        form.fields["DELETE"].label = "Remove this milestone"


MAX_ITEMS = 100


def item_formset(data: Any = None, initial: list[dict[str, Any]] | None = None) -> Any:
    """The items formset: one empty row to fill in, three when starting a new template."""
    factory = forms.formset_factory(
        TemplateItemForm,
        formset=BaseTemplateItemFormSet,
        extra=1 if initial else 3,
        can_delete=True,
        can_order=True,
        max_num=MAX_ITEMS,
        validate_max=True,
    )
    return factory(data, prefix="items", initial=initial)


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
    return [
        {
            "title": i.title,
            "kind": i.kind,
            "anchor": i.anchor,
            "offset": i.offset,
            "unit": i.unit,
            "payment_share": plain(i.payment_share),
            "description": i.description,
            "checklist": "\n".join(c.title for c in i.checklist.all()),
        }
        for i in template.items.prefetch_related("checklist")
    ]
