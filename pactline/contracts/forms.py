"""Web forms for contracts, parties and contacts. They shape input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import pycountry
from django import forms

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.accounts.terminology import terms_of
from pactline.contracts.models import Contact, Contract, ContractStatus, Party, PartyKind, Tag
from pactline.contracts.queries import NO_MILESTONES, SORTS
from pactline.customfields.forms import add_fields as add_custom_fields
from pactline.customfields.forms import values_from as custom_values
from pactline.milestones.health import Health
from pactline.milestones.scheduling import MON_TO_FRI, supported_countries
from pactline.milestones.scheduling.calendars import WEEKDAY_NAMES
from pactline.validation import time_zones
from pactline.web.forms import DateInput, DomainForm, quantized
from pactline.web.http import members_of

SORT_LABELS = {
    "number": "Number (A to Z)",
    "-number": "Number (Z to A)",
    "title": "Title (A to Z)",
    "-title": "Title (Z to A)",
    "status": "Status",
    "value": "Value (low to high)",
    "-value": "Value (high to low)",
    "start_on": "Start date",
    "end_on": "End date",
    "next_due": "Next due date",
    "health": "Health (worst first)",
    "-updated": "Recently updated",
}


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    names = []
    for code in supported_countries():
        if len(code) != 2:
            continue
        country = pycountry.countries.get(alpha_2=code)
        names.append((code, f"{country.name if country else code} ({code})"))
    return [("", "No public holidays (weekends only)"), *sorted(names, key=lambda c: c[1])]


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(time_zones()) if "/" in tz or tz == "UTC"]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name if obj.name == "" else f"{obj.name} ({obj.email})"


class ContractFilterForm(forms.Form):
    """The contract list's filters; invalid values are dropped, never an error page."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Number, title, party…"}),
    )
    status = forms.ChoiceField(label="Status", required=False)
    party = forms.ModelChoiceField(
        label="Party", required=False, queryset=Party.objects.none(), empty_label="Any party"
    )
    owner = UserChoiceField(label="Owner", required=False, queryset=None, empty_label="Anyone")
    tag = forms.ChoiceField(label="Tag", required=False)
    health = forms.ChoiceField(label="Health", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(k, SORT_LABELS.get(k, k)) for k in SORTS]
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ContractStatus.choices]
        self.fields["party"].queryset = permissions.visible_parties(actor)
        words = terms_of(actor.organisation)
        self.fields["party"].label = words.party
        self.fields["party"].empty_label = f"Any {words.party_lower}"
        self.fields["owner"].queryset = members_of(actor)
        tags = Tag.objects.filter(organisation=actor.organisation).values_list("name", flat=True)
        self.fields["tag"].choices = [("", "Any tag"), *((t, t) for t in tags)]
        self.fields["health"].choices = [
            ("", "Any health"),
            *((h.value, h.label) for h in Health),
            (NO_MILESTONES, f"No {words.milestones_lower}"),
        ]

    def values(self) -> dict[str, Any]:
        """The valid filters only: a stale or hand-made URL still shows a list."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


WEEKDAYS = [(str(bit), name) for bit, name in enumerate(WEEKDAY_NAMES)]


def workweek_days(mask: int) -> list[str]:
    """The workweek bitmask (Monday = 1 ... Sunday = 64) as the ticked boxes."""
    return [str(bit) for bit in range(7) if mask & (1 << bit)]


def workweek_mask(days: list[str]) -> int:
    return sum(1 << int(bit) for bit in set(days))


def split_tags(raw: str) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in raw.split(",") if t.strip()))


class ContractForm(DomainForm):
    what = "contract"
    field_map = {"owner_id": "owner", "party_ids": "parties"}

    number = forms.CharField(label="Contract number", max_length=64)
    title = forms.CharField(max_length=300)
    parties = forms.ModelMultipleChoiceField(
        queryset=Party.objects.none(),
        required=False,
        help_text="Hold Ctrl (Cmd on a Mac) to choose several.",
    )
    owner = UserChoiceField(queryset=None, required=False, empty_label="Nobody")
    value = forms.DecimalField(
        label="Contract value", required=False, max_digits=18, decimal_places=2, min_value=0
    )
    currency = forms.CharField(
        max_length=3,
        min_length=3,
        help_text="ISO 4217 code, e.g. EUR, USD, GBP.",
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "size": 4, "pattern": "[A-Za-z]{3}"}
        ),
    )
    signed_on = forms.DateField(label="Signed on", required=False, widget=DateInput())
    start_on = forms.DateField(label="Start date", required=False, widget=DateInput())
    end_on = forms.DateField(label="End date", required=False, widget=DateInput())
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="Due dates are days in this time zone."
    )
    calendar_country = forms.ChoiceField(
        label="Working-day calendar",
        required=False,
        help_text="Public holidays of this country are not working days.",
    )
    calendar_subdivision = forms.CharField(
        label="Region (subdivision)",
        required=False,
        max_length=10,
        help_text="Optional ISO 3166-2 code, e.g. BY for Bavaria.",
    )
    workweek = forms.MultipleChoiceField(
        label="Working week",
        choices=WEEKDAYS,
        required=False,
        initial=workweek_days(MON_TO_FRI),
        widget=forms.CheckboxSelectMultiple,
        help_text="Days counted as working days; holidays and closure days are skipped too.",
    )
    status = forms.ChoiceField(choices=ContractStatus.choices)
    tags = forms.CharField(required=False, max_length=1000, help_text="Separate tags with commas.")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    template = forms.ModelChoiceField(
        label="Milestone template",
        queryset=None,
        required=False,
        empty_label="No milestones",
        help_text="Adds the template's milestones, due at offsets from the start date.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, actor: Actor, *args: Any, contract: Contract | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = permissions.visible_parties(actor)
        self.fields["owner"].queryset = members_of(actor)
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["calendar_country"].choices = country_choices()
        if contract is None:
            self.fields["template"].queryset = permissions.visible_templates(actor)
            del self.fields["version"]
        else:
            del self.fields["template"]
        add_custom_fields(self, actor, "contract", contract)

    @classmethod
    def initial_for(cls, contract: Contract) -> dict[str, Any]:
        fields = (
            "number",
            "title",
            "value",
            "currency",
            "signed_on",
            "start_on",
            "end_on",
            "time_zone",
            "calendar_country",
            "calendar_subdivision",
            "status",
            "description",
            "version",
        )
        initial = {f: getattr(contract, f) for f in fields}
        initial["owner"] = contract.owner_id
        initial["workweek"] = workweek_days(contract.workweek)
        initial["parties"] = list(contract.parties.all())
        initial["tags"] = ", ".join(t.name for t in contract.tags.all())
        return initial

    def clean_value(self) -> Decimal | None:
        return quantized(self.cleaned_data["value"], "0.01")

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])

    def to_data(self) -> dict[str, Any]:
        """Form values as the service's input (party ids, tag names, owner id)."""
        d = self.cleaned_data
        data = {
            k: d[k]
            for k in (
                "number",
                "title",
                "value",
                "signed_on",
                "start_on",
                "end_on",
                "time_zone",
                "calendar_country",
                "calendar_subdivision",
                "status",
                "description",
                "tags",
            )
        }
        data["currency"] = d["currency"].upper()
        data["workweek"] = workweek_mask(d["workweek"])
        data["owner_id"] = d["owner"].pk if d["owner"] else None
        data["party_ids"] = [p.pk for p in d["parties"]]
        values = custom_values(self)
        if values is not None:
            data["custom_fields"] = values
        return data


class CloseContractForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ContractStatus.COMPLETED, "Completed"), (ContractStatus.TERMINATED, "Terminated")]
    )
    version = forms.IntegerField(required=False)


class PartyForm(DomainForm):
    what = "party"

    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(label="Type", choices=PartyKind.choices)
    registration_number = forms.CharField(
        label="Registration number", max_length=64, required=False
    )
    website = forms.CharField(
        max_length=200, required=False, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("name", "kind", "registration_number", "website", "address", "notes")

    @classmethod
    def initial_for(cls, party: Party) -> dict[str, Any]:
        return {f: getattr(party, f) for f in (*cls.FIELDS, "version")}

    def to_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.FIELDS}
        values = custom_values(self)  # the fields added by the view (add_custom_fields)
        if values is not None:
            data["custom_fields"] = values
        return data


class ContactForm(DomainForm):
    what = "contact"

    name = forms.CharField(max_length=200)
    role = forms.CharField(
        label="Role",
        max_length=100,
        required=False,
        help_text="E.g. project lead, accounts payable.",
    )
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(max_length=64, required=False)

    FIELDS = ("name", "role", "email", "phone")

    @classmethod
    def initial_for(cls, contact: Contact) -> dict[str, Any]:
        return {f: getattr(contact, f) for f in cls.FIELDS}

    def to_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS}
