"""Forms of one milestone: its fields and due-date rule, a status change, a checklist item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.contracts.forms import UserChoiceField
from pactline.contracts.models import Contract
from pactline.customfields.forms import add_fields as add_custom_fields
from pactline.customfields.forms import values_from as custom_values
from pactline.milestones.forms.common import (
    PERIOD_END_LABELS,
    ROLL_HELP,
    ROLL_LABELS,
    SNAP_HELP,
    lines,
    plain,
)
from pactline.milestones.models import (
    ANCHOR_CHOICES,
    UNIT_CHOICES,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
)
from pactline.milestones.scheduling import MILESTONE_ANCHORS, Anchor
from pactline.milestones.types import choices as type_choices
from pactline.web.forms import DateInput, DomainForm, quantized
from pactline.web.http import members_of

PAYMENT_HELP = "Leave the share empty to enter a fixed amount instead."
RULE_FIELDS = (
    "due_anchor",
    "due_offset",
    "due_unit",
    "due_period_end",
    "due_roll",
    "anchor_milestone_id",
    "due_date",
    "due_override",
)
SCOPES = [("this", "This one only"), ("following", "This and all following")]


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
        label="Milestone it follows",
        required=False,
        queryset=Milestone.objects.none(),
        empty_label="Choose a milestone",
        help_text="Its due date, or its actual completion (then the date is provisional).",
    )
    # Optional refinements of the rule: left out, they change nothing ("none").
    due_period_end = forms.ChoiceField(
        label="Then snap to",
        choices=PERIOD_END_LABELS,
        initial="none",
        required=False,
        help_text=SNAP_HELP,
    )
    due_roll = forms.ChoiceField(
        label="If not a working day",
        choices=ROLL_LABELS,
        initial="none",
        required=False,
        help_text=ROLL_HELP,
    )
    due_override = forms.DateField(
        label="Set by hand (override)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty to follow the rule. Needs a reason; the computed date stays "
        "visible beside it.",
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
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line. Empty: the type's default checklist.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when your change moves the due date or sets it by hand. It goes "
        "into the history.",
    )
    scope = forms.ChoiceField(
        label="Apply the change to",
        choices=SCOPES,
        initial="this",
        widget=forms.RadioSelect,
        help_text="“This and all following” changes the recurring obligation from this "
        "occurrence on: title, description, owner, approver and payment.",
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
        self.fields["kind"].choices = type_choices(
            actor.organisation.pk, milestone.kind if milestone else None
        )
        for name in ("owner", "approver"):
            self.fields[name].queryset = members_of(actor)
        siblings = Milestone.objects.filter(contract=contract).order_by("position", "pk")
        if milestone is not None:
            siblings = siblings.exclude(pk=milestone.pk)
        self.fields["anchor_milestone"].queryset = siblings
        self.fields["payment_amount"].label = f"Payment amount ({contract.currency})"
        if milestone is None:
            # A new milestone follows its rule; a date by hand comes later, with a reason.
            del self.fields["reason"], self.fields["version"], self.fields["due_override"]
        else:
            del self.fields["checklist"]
            if not permissions.can_reassign_milestone(actor, milestone):
                for name in ("owner", "approver"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Only managers change the owner or approver."
        if milestone is None or milestone.series_id is None:
            del self.fields["scope"]
        add_custom_fields(self, actor, "milestone", milestone)

    @classmethod
    def initial_for(cls, m: Milestone) -> dict[str, Any]:
        fields = (
            "title",
            "kind",
            "description",
            "due_anchor",
            "due_offset",
            "due_unit",
            "due_period_end",
            "due_roll",
            "due_override",
            "version",
        )
        initial = {f: getattr(m, f) for f in fields}
        initial |= {
            "owner": m.owner_id,
            "approver": m.approver_id,
            "anchor_milestone": m.anchor_milestone_id,
            # The rule's own date; for other rules the date in force, handy when switching.
            "due_date": m.due_fixed if m.due_anchor == Anchor.ABSOLUTE else m.due_date,
        }
        initial["payment_amount"] = None if m.payment_share is not None else m.payment_amount
        initial["payment_share"] = plain(m.payment_share)
        return initial

    def clean_payment_amount(self) -> Decimal | None:
        return quantized(self.cleaned_data["payment_amount"], "0.01")

    def clean_payment_share(self) -> Decimal | None:
        return quantized(self.cleaned_data["payment_share"], "0.001")

    def clean_due_period_end(self) -> str:
        return self.cleaned_data["due_period_end"] or "none"

    def clean_due_roll(self) -> str:
        return self.cleaned_data["due_roll"] or "none"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("payment_amount") is not None and cleaned.get("payment_share") is not None:
            self.add_error("payment_amount", "Give either an amount or a share, not both.")
        return cleaned

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        anchor = d["due_anchor"]
        fields = ("title", "kind", "description", "due_unit", "due_period_end", "due_roll")
        data = {f: d[f] for f in (*fields, "payment_amount", "payment_share")}
        data["due_anchor"] = anchor
        data["due_offset"] = d["due_offset"] or 0
        target = d["anchor_milestone"]
        data["anchor_milestone_id"] = target.pk if anchor in MILESTONE_ANCHORS and target else None
        if anchor == Anchor.ABSOLUTE:
            data["due_date"] = d["due_date"]
        if "due_override" in self.fields:
            data["due_override"] = d["due_override"]
        if not self.fields["owner"].disabled:
            data["owner_id"] = d["owner"].pk if d["owner"] else None
            data["approver_id"] = d["approver"].pk if d["approver"] else None
        if "checklist" in self.fields:  # none typed: the type's default checklist applies
            data["checklist"] = lines(d["checklist"]) or None
        values = custom_values(self)
        if values is not None:
            data["custom_fields"] = values
        return data

    def date_change(self) -> dict[str, Any]:
        """What a what-if can preview of this edit: a new fixed date and/or a date by hand."""
        m, d = self.milestone, self.cleaned_data
        assert m is not None
        change: dict[str, Any] = {}
        new_fixed = d["due_anchor"] == Anchor.ABSOLUTE and d["due_date"] is not None
        if new_fixed and (m.due_anchor != Anchor.ABSOLUTE or d["due_date"] != m.due_fixed):
            change["due_date"] = d["due_date"]
        if "due_override" in self.fields and d["due_override"] != m.due_override:
            change["due_override"] = d["due_override"]
        return change

    def following_changes(self) -> tuple[dict[str, Any], list[str]]:
        """For "this and all following": the series' fields that changed, and the changed
        fields a series cannot take (the due-date rule, a payment share)."""
        m = self.milestone
        assert m is not None
        data = self.to_data()
        current = {
            "title": m.title,
            "description": m.description,
            "owner_id": m.owner_id,
            "approver_id": m.approver_id,
            "payment_amount": m.payment_amount,
        }
        changed = {k: v for k, v in data.items() if k in current and v != current[k]}
        if data.get("custom_fields"):
            changed["custom_fields"] = data["custom_fields"]  # carried to the new occurrences
        suffix = f" ({m.occurrence_date.isoformat()})" if m.occurrence_date else ""
        if "title" in changed and suffix and changed["title"].endswith(suffix):
            changed["title"] = changed["title"].removesuffix(suffix)  # the series' own name
        rule = {f: getattr(m, f) for f in RULE_FIELDS} | {"due_date": m.due_fixed}
        blocked = [k for k in RULE_FIELDS if k in data and data[k] != rule[k]]
        if data.get("payment_share") != m.payment_share:
            blocked.append("payment_share")
        return changed, blocked


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
