"""The audit page's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.accounts.models import User
from pactline.accounts.permissions import Actor
from pactline.accounts.terminology import terms_of
from pactline.activity.audit import AuditFilter, subject_types, verbs
from pactline.web.forms import DateInput

TERMS = {"contract": "contracts", "milestone": "milestones", "party": "parties"}
NAMES = {
    "contract": "Contracts",
    "milestone": "Milestones",
    "party": "Parties",
    "document": "Documents",
    "invitation": "Invitations",
    "apitoken": "API tokens",
    "milestonetemplate": "Templates",
}


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(required=False)
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Person")
    subject_type = forms.ChoiceField(required=False, label="Object")
    subject_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    contract = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=DateInput, label="From")
    until = forms.DateField(required=False, widget=DateInput, label="Until")

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["verb"].choices = [("", "Any action")] + [  # type: ignore[attr-defined]
            (v, v.replace("_", " ")) for v in verbs(actor)
        ]
        words = terms_of(actor.organisation)  # the organisation's words for its nouns
        self.fields["subject_type"].choices = [("", "Anything")] + [  # type: ignore[attr-defined]
            (t, words.word(TERMS[t]) if t in TERMS else NAMES.get(t, t))
            for t in subject_types(actor)
        ]
        self.fields["actor"].choices = [("", "Anyone")] + [  # type: ignore[attr-defined]
            (u.pk, u.display_name)
            for u in User.objects.filter(memberships__organisation=actor.organisation)
        ]

    def to_filter(self) -> AuditFilter:
        if not self.is_bound or not self.is_valid():
            return AuditFilter()
        d = self.cleaned_data
        return AuditFilter(
            verb=d["verb"] or None,
            actor_id=d["actor"],
            subject_type=d["subject_type"] or None,
            subject_id=d["subject_id"],
            contract_id=d["contract"],
            since=d["since"],
            until=d["until"],
        )
