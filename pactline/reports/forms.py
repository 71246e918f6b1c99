"""Web forms for money: payment dates, retention and penalty terms, waivers, subscriptions."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.reports.models import Frequency, ReportKind
from pactline.reports.money import CapKind, PenaltyKind
from pactline.web.forms import DateInput, DomainForm


class PaymentForm(DomainForm):
    what = "payment"
    invoiceable_on = forms.DateField(label="Invoiceable on", required=False, widget=DateInput())
    invoiced_on = forms.DateField(label="Invoiced on", required=False, widget=DateInput())
    paid_on = forms.DateField(label="Paid on", required=False, widget=DateInput())
    retention_invoiced_on = forms.DateField(
        label="Retention invoiced on", required=False, widget=DateInput()
    )
    retention_paid_on = forms.DateField(
        label="Retention paid on", required=False, widget=DateInput()
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)


class TermsForm(DomainForm):
    """Penalty terms; on a milestone also its retention."""

    what = "terms"
    field_map = {"retention_release_milestone_id": "retention_release_milestone"}
    penalty_kind = forms.ChoiceField(label="Penalty")
    penalty_rate = forms.DecimalField(
        label="Rate per day late", required=False, max_digits=18, decimal_places=4, min_value=0
    )
    penalty_grace_days = forms.IntegerField(label="Grace days", min_value=0, initial=0)
    penalty_working_days = forms.BooleanField(label="Count working days only", required=False)
    penalty_cap_kind = forms.ChoiceField(label="Cap")
    penalty_cap = forms.DecimalField(
        label="Cap (amount or %)", required=False, max_digits=18, decimal_places=3, min_value=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, contract_level: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [k for k in PenaltyKind if not (contract_level and k == PenaltyKind.CONTRACT)]
        caps = [c for c in CapKind if not (contract_level and c == CapKind.PERCENT_MILESTONE)]
        self.fields["penalty_kind"].choices = [(k.value, k.label) for k in kinds]
        self.fields["penalty_cap_kind"].choices = [(c.value, c.label) for c in caps]


class MilestoneTermsForm(TermsForm):
    retention_percent = forms.DecimalField(
        label="Retention %", required=False, max_digits=6, decimal_places=3, min_value=0
    )
    retention_release_milestone = forms.TypedChoiceField(
        label="Retention released by", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, milestones: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retention_release_milestone"].choices = [("", "—"), *milestones]


class WaiverForm(DomainForm):
    what = "waiver"
    amount = forms.DecimalField(
        label="Amount (empty: all of it)", required=False, max_digits=18, decimal_places=2
    )
    reason = forms.CharField(label="Reason", max_length=500)


class SubscriptionForm(DomainForm):
    what = "subscription"
    field_map = {"contract_id": "contract"}
    kind = forms.ChoiceField(label="Report", choices=ReportKind.choices)
    contract = forms.TypedChoiceField(
        label="Contract", required=False, coerce=int, empty_value=None
    )
    frequency = forms.ChoiceField(label="Every", choices=Frequency.choices)

    def __init__(self, *args: Any, contracts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "—"), *contracts]
