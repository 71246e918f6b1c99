"""The form of a milestone type (settings, admins and owners)."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.milestones.forms.common import lines
from pactline.milestones.models import MilestoneType
from pactline.web.forms import DomainForm


class MilestoneTypeForm(DomainForm):
    what = "milestone type"
    field_map = {
        "default_reminders.days_before": "reminder_days",
        "default_reminders.on_due_date": "reminder_on_due_date",
        "default_reminders.overdue_every_days": "reminder_overdue_every_days",
        "default_reminders": "reminder_days",
    }

    name = forms.CharField(max_length=100)
    key = forms.CharField(
        max_length=32,
        help_text="What the API and imports call it: lower-case letters, digits and _, e.g. "
        "site_visit. It cannot change later.",
    )
    colour = forms.CharField(
        max_length=7, initial="#64748b", widget=forms.TextInput(attrs={"type": "color"})
    )
    icon = forms.CharField(
        required=False, max_length=32, help_text="A short symbol shown before the name, e.g. ★."
    )
    default_checklist = forms.CharField(
        label="Default checklist",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line; every new milestone of this type starts with them.",
    )
    own_reminders = forms.BooleanField(
        label="Give new milestones of this type their own reminders",
        required=False,
        help_text="Otherwise the contract's or organisation's reminder policy applies.",
    )
    reminder_days = forms.CharField(
        label="Remind days before the due date",
        required=False,
        max_length=100,
        help_text="Comma-separated, e.g. 14, 7, 1.",
    )
    reminder_on_due_date = forms.BooleanField(label="Remind on the due date", required=False)
    reminder_overdue_every_days = forms.IntegerField(
        label="When overdue, remind every (days)", required=False, min_value=0, max_value=366
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: MilestoneType | None = None, **kwargs: Any) -> None:
        if instance is not None:
            reminders = instance.default_reminders or {}
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "key": instance.key,
                    "colour": instance.colour,
                    "icon": instance.icon,
                    "default_checklist": "\n".join(instance.default_checklist or []),
                    "own_reminders": bool(reminders),
                    "reminder_days": ", ".join(str(d) for d in reminders.get("days_before", [])),
                    "reminder_on_due_date": reminders.get("on_due_date", True),
                    "reminder_overdue_every_days": reminders.get("overdue_every_days"),
                    "version": instance.version,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = "What the API and imports call it; it cannot change."
        else:
            del self.fields["version"]
            self.fields["reminder_on_due_date"].initial = True

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data["reminder_days"]
        out = []
        for part in raw.replace(";", ",").split(","):
            if part.strip():
                try:
                    out.append(int(part.strip()))
                except ValueError:
                    raise forms.ValidationError(
                        f"{part.strip()!r} is not a whole number of days."
                    ) from None
        return out

    def to_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        reminders: dict[str, Any] = {}
        if d["own_reminders"]:
            reminders = {
                "days_before": d["reminder_days"],
                "on_due_date": d["reminder_on_due_date"],
                "overdue_every_days": d["reminder_overdue_every_days"],
            }
        data = {
            "name": d["name"],
            "colour": d["colour"],
            "icon": d["icon"],
            "default_checklist": lines(d["default_checklist"]),
            "default_reminders": reminders,
        }
        if not self.fields["key"].disabled:
            data["key"] = d["key"].strip()
        return data
