"""Forms of the collaboration pages."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.collab.models import DocumentKind, LinkPurpose
from pactline.contracts.models import Contact, Contract
from pactline.web.forms import DomainForm


class CommentForm(DomainForm):
    what = "comment"
    body = forms.CharField(
        label="Comment",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown: **bold**, _italic_, `code`, lists, links. Mention people with "
        "@name (the part of their e-mail address before the @).",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class DocumentForm(DomainForm):
    what = "document"
    file = forms.FileField(label="File")
    title = forms.CharField(max_length=200, required=False, help_text="Defaults to the file name.")
    kind = forms.ChoiceField(choices=DocumentKind.choices, initial=DocumentKind.OTHER)
    note = forms.CharField(max_length=500, required=False)


class VersionForm(DomainForm):
    what = "document"
    file = forms.FileField(label="New version")
    note = forms.CharField(max_length=500, required=False, label="What changed")


class SubmitForm(DomainForm):
    what = "milestone"
    note = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you hand in, and anything the approver should know.",
    )
    files = MultipleFileField(label="Deliverables", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContactLinkForm(DomainForm):
    what = "link"
    field_map = {"contact_id": "contact"}
    contact = forms.ModelChoiceField(queryset=Contact.objects.none())
    purpose = forms.ChoiceField(choices=LinkPurpose.choices)
    days = forms.IntegerField(min_value=1, max_value=90, initial=14, label="Valid for (days)")

    def __init__(self, contract: Contract, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (  # type: ignore[attr-defined]
            Contact.objects.filter(party__in=contract.parties.all())
            .exclude(email="")
            .select_related("party")
            .order_by("party__name", "name")
        )
        self.fields["contact"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.name} <{c.email}> ({c.party.name})"
        )


class DecisionForm(DomainForm):
    """Accept or reject through a signed link: a rejection needs a reason."""

    what = "milestone"
    decision = forms.ChoiceField(choices=[("accepted", "Accept"), ("rejected", "Reject")])
    note = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Reason"
    )
