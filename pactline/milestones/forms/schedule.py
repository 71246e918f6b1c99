"""Forms around the schedule: a dependency, applying a what-if, a recurring obligation."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from pactline.accounts.permissions import Actor
from pactline.contracts.forms import UserChoiceField
from pactline.contracts.models import Contract
from pactline.milestones.forms.common import (
    PERIOD_END_LABELS,
    ROLL_HELP,
    ROLL_LABELS,
    SNAP_HELP,
)
from pactline.milestones.models import LAG_UNIT_CHOICES, Milestone, MilestoneKind
from pactline.milestones.types import choices as type_choices
from pactline.web.forms import DateInput, DomainForm, quantized
from pactline.web.http import members_of


class DependencyForm(DomainForm):
    what = "milestone"
    field_map = {"predecessor_id": "predecessor"}

    predecessor = forms.ModelChoiceField(
        label="Follows",
        queryset=Milestone.objects.none(),
        empty_label="Choose a milestone",
        help_text="This milestone is due no earlier than that one's finish plus the lag.",
    )
    lag = forms.IntegerField(label="Lag", initial=0, min_value=-36600, max_value=36600)
    lag_unit = forms.ChoiceField(label="Lag unit", choices=LAG_UNIT_CHOICES)

    def __init__(self, milestone: Milestone, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dependency_%s")
        super().__init__(*args, **kwargs)
        siblings = Milestone.objects.filter(contract_id=milestone.contract_id)
        self.fields["predecessor"].queryset = siblings.exclude(pk=milestone.pk).order_by(
            "position", "pk"
        )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def encode_proposal(proposal: dict[str, Any]) -> str:
    """A proposal as the hidden field of the Apply form carries it (dates as ISO text)."""
    out: dict[str, Any] = {}
    if proposal.get("contract"):
        out["contract"] = {k: _jsonable(v) for k, v in proposal["contract"].items()}
    if proposal.get("milestones"):
        out["milestones"] = [
            {k: _jsonable(v) for k, v in change.items()} for change in proposal["milestones"]
        ]
    return json.dumps(out, sort_keys=True)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    return date.fromisoformat(value)


def decode_proposal(text: str) -> dict[str, Any]:
    raw = json.loads(text)
    if not isinstance(raw, dict) or set(raw) - {"contract", "milestones"}:
        raise ValueError("not a proposal")
    out: dict[str, Any] = {}
    if "contract" in raw:
        if not isinstance(raw["contract"], dict):
            raise ValueError("contract")
        out["contract"] = {str(k): _day(v) for k, v in raw["contract"].items()}
    if "milestones" in raw:
        if not isinstance(raw["milestones"], list):
            raise ValueError("milestones")
        out["milestones"] = []
        for change in raw["milestones"]:
            if not isinstance(change, dict) or not isinstance(change.get("id"), int):
                raise ValueError("milestone")
            dates = {str(k): _day(v) for k, v in change.items() if k != "id"}
            out["milestones"].append({"id": change["id"], **dates})
    return out


class WhatIfApplyForm(DomainForm):
    """Apply exactly what was previewed: the proposal, the preview's basis, and a reason."""

    what = "contract"

    proposal = forms.CharField(widget=forms.HiddenInput, max_length=100_000)
    basis = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reason = forms.CharField(
        label="Reason for the change",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Goes into the history of every milestone that moves.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "whatif_%s")
        super().__init__(*args, **kwargs)

    def clean_proposal(self) -> dict[str, Any]:
        try:
            return decode_proposal(self.cleaned_data["proposal"])
        except (ValueError, TypeError):
            raise forms.ValidationError("This preview cannot be applied; preview again.") from None


# Presets people pick most; "custom" takes any RFC 5545 RRULE.
RULE_PRESETS = {
    "monthly_last_day": ("Monthly, on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    "quarterly": ("Quarterly, every three months from the start", "FREQ=MONTHLY;INTERVAL=3"),
    "yearly": ("Yearly, on the start date", "FREQ=YEARLY"),
    "weekly": ("Weekly, on the start date's weekday", "FREQ=WEEKLY"),
}
CUSTOM = "custom"


def rule_label(rrule: str) -> str:
    for label, text in RULE_PRESETS.values():
        if text == rrule:
            return label
    return rrule


class SeriesForm(DomainForm):
    what = "recurring obligation"
    field_map = {"owner_id": "owner", "approver_id": "approver"}

    title = forms.CharField(max_length=300, help_text="E.g. Monthly status report.")
    kind = forms.ChoiceField(label="Type", choices=MilestoneKind.choices, initial="report")
    owner = UserChoiceField(
        label="Owner (responsible)", queryset=None, required=False, empty_label="Nobody"
    )
    preset = forms.ChoiceField(
        label="Recurs",
        choices=[*((k, label) for k, (label, _) in RULE_PRESETS.items()), (CUSTOM, "Custom rule")],
        initial="monthly_last_day",
    )
    rrule = forms.CharField(
        label="Custom rule (RFC 5545 RRULE)",
        required=False,
        max_length=500,
        help_text="For “Custom rule”, e.g. FREQ=MONTHLY;BYDAY=1MO (the first Monday).",
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    ends_on = forms.DateField(
        label="Ends on", required=False, widget=DateInput(), help_text="Empty: the contract's end."
    )
    period_end = forms.ChoiceField(
        label="Then snap to", choices=PERIOD_END_LABELS, initial="none", help_text=SNAP_HELP
    )
    roll = forms.ChoiceField(
        label="If not a working day", choices=ROLL_LABELS, initial="none", help_text=ROLL_HELP
    )
    payment_amount = forms.DecimalField(
        label="Payment amount", required=False, max_digits=18, decimal_places=2, min_value=0
    )

    def __init__(self, actor: Actor, contract: Contract, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "series_%s")
        kwargs.setdefault("initial", {"starts_on": contract.start_on, "ends_on": contract.end_on})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = type_choices(actor.organisation.pk)
        self.fields["owner"].queryset = members_of(actor)
        self.fields["payment_amount"].label = f"Payment amount ({contract.currency})"

    def clean_payment_amount(self) -> Decimal | None:
        return quantized(self.cleaned_data["payment_amount"], "0.01")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("preset") == CUSTOM and not (cleaned.get("rrule") or "").strip():
            self.add_error("rrule", "Enter a rule, or choose how often it recurs above.")
        return cleaned

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        preset = d["preset"]
        rrule = d["rrule"].strip() if preset == CUSTOM else RULE_PRESETS[preset][1]
        data = {f: d[f] for f in ("title", "kind", "starts_on", "ends_on", "period_end", "roll")}
        data |= {"rrule": rrule, "payment_amount": d["payment_amount"]}
        data["owner_id"] = d["owner"].pk if d["owner"] else None
        return data
