"""Web forms of the notifications app; the services validate, these only shape input."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.notifications.channels import registry
from pactline.notifications.models import EmailMode, Topic
from pactline.notifications.reminders.rules import Policy
from pactline.notifications.subscriptions import EVENT_TYPES
from pactline.web.forms import DateInput, DomainForm


class PolicyForm(DomainForm):
    what = "reminder policy"
    enabled = forms.BooleanField(required=False, label="Send reminders")
    days_before = forms.CharField(
        required=False,
        label="Remind days before",
        help_text="Comma-separated, e.g. 14, 7, 1",
        max_length=100,
    )
    on_due_date = forms.BooleanField(required=False, label="Remind on the day")
    overdue_every_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=366,
        label="While overdue, remind every (days)",
        help_text="Empty or 0: no repeats",
    )
    escalate_owner_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=366,
        label="Escalate to the contract owner after (days overdue)",
    )
    escalate_contact_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=366,
        label="Escalate further after (days overdue)",
    )
    escalation_contact = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Escalation contact",
        help_text="Nobody chosen: the organisation's admins",
    )
    business_days = forms.BooleanField(
        required=False, label="Count working days, not calendar days"
    )
    skip_non_working_days = forms.BooleanField(
        required=False, label="Move reminders off weekends and holidays"
    )
    send_hour = forms.IntegerField(
        min_value=0, max_value=23, label="Send at (hour, in each person's time zone)"
    )
    remind_notice_deadline = forms.BooleanField(
        required=False, label="Remind of the notice deadline (end date minus notice period)"
    )
    remind_contract_end = forms.BooleanField(required=False, label="Remind of the contract end")
    field_map = {"escalation_contact_id": "escalation_contact"}

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["escalation_contact"].choices = [("", "The organisation's admins"), *people]

    @staticmethod
    def initial_from(policy: Policy) -> dict[str, Any]:
        data = {
            name: getattr(policy, name) for name in PolicyForm.base_fields if hasattr(policy, name)
        }
        data["days_before"] = ", ".join(str(d) for d in policy.days_before)
        data["escalation_contact"] = policy.escalation_contact_id
        return data

    def clean_days_before(self) -> list[int]:
        raw = self.cleaned_data.get("days_before") or ""
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError("Write whole numbers separated by commas.") from None

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["escalation_contact_id"] = data.pop("escalation_contact")
        return data


class NoticeForm(DomainForm):
    what = "contract"
    notice_period_days = forms.IntegerField(
        required=False, min_value=0, max_value=3660, label="Notice period (days before the end)"
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SnoozeForm(DomainForm):
    until = forms.DateField(widget=DateInput, label="Snooze my reminders until")


class PreferenceForm(forms.Form):
    """One row per topic: e-mail mode and in-app on/off."""

    def __init__(self, *args: Any, choices: dict[str, tuple[str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for topic, label in Topic.choices:
            email, in_app = choices[topic]
            self.fields[f"{topic}_email"] = forms.ChoiceField(
                choices=EmailMode.choices, initial=email, label=f"{label}: e-mail"
            )
            self.fields[f"{topic}_in_app"] = forms.BooleanField(
                required=False, initial=in_app, label=f"{label}: in the app"
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "topic": topic,
                "email": self.cleaned_data[f"{topic}_email"],
                "in_app": self.cleaned_data[f"{topic}_in_app"],
            }
            for topic in Topic.values
        ]

    def pairs(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"{topic}_email"], self[f"{topic}_in_app"])
            for topic, label in Topic.choices
        ]


class SubscriptionForm(DomainForm):
    what = "integration"
    channel = forms.ChoiceField(label="Kind")
    name = forms.CharField(max_length=100)
    url = forms.CharField(max_length=500, label="URL")
    event_types = forms.MultipleChoiceField(
        required=False,
        choices=[(t, t) for t in ("*", *EVENT_TYPES)],
        widget=forms.CheckboxSelectMultiple,
        label="Events",
        help_text="None ticked: webhooks get every event, Slack and Teams reminders only.",
    )
    contract = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Only for contract (chat only)"
    )
    active = forms.BooleanField(required=False, initial=True)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_map = {"contract_id": "contract"}

    def __init__(self, *args: Any, contracts: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [
            (c.name, c.label) for c in registry.subscription_channels()
        ]
        self.fields["contract"].choices = [("", "Every contract"), *contracts]

    def values(self, creating: bool) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["contract_id"] = data.pop("contract")
        data.pop("version", None)
        if creating and not data["event_types"] and data["channel"] != "webhook":
            data.pop("event_types")  # the chat default
        return data
