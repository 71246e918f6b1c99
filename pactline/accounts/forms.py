"""Forms of the accounts pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from pactline.accounts.models import ROLE_RANK, Role, TokenScope
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Party
from pactline.web.forms import DomainForm


class InviteForm(DomainForm):
    what = "invitation"
    field_map = {"party_id": "party"}
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)
    party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        required=False,
        help_text="For guests: the counterparty they belong to. They see only its contracts.",
    )

    def __init__(self, actor: Actor, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Role.choices if ROLE_RANK[Role(value)] <= actor.rank
        ]
        from pactline.accounts import permissions

        self.fields["party"].queryset = permissions.visible_parties(actor)  # type: ignore[attr-defined]


class AcceptForm(SetPasswordMixin, DomainForm):
    """A new person's name and password (twice), checked by the password validators."""

    what = "invitation"
    name = forms.CharField(max_length=150, required=False, label="Your name")
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.validate_passwords()
        return cleaned


class TokenForm(DomainForm):
    what = "token"
    name = forms.CharField(max_length=100, initial="script")
    scopes = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        label="Access",
        help_text="A read-only token can only read (GET); it is refused any change.",
    )
    days = forms.TypedChoiceField(
        choices=[("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")],
        initial="90",
        required=False,
        coerce=int,
        empty_value=None,
        label="Expires after",
    )
