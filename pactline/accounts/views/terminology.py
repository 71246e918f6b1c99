"""Settings: the organisation's words for Milestone, Contract and Party (admins and owners)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.accounts.terminology import DEFAULTS, KEYS, set_terminology
from pactline.web.forms import DomainForm, submit
from pactline.web.http import actor_of, member_view, posted


class TerminologyForm(DomainForm):
    what = "terminology"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for noun, (singular, plural) in DEFAULTS.items():
            self.fields[noun] = forms.CharField(
                label=f"{singular} (one)",
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"placeholder": singular}),
            )
            self.fields[plural.lower()] = forms.CharField(
                label=f"{plural} (several)",
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"placeholder": plural}),
                help_text="Empty: made from the word above (Agreement → Agreements).",
            )


@member_view
def terminology(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(
        permissions.can_customise_organisation(actor),
        "Only admins and owners change the organisation's terminology.",
    )
    current = dict(actor.organisation.terminology or {})
    form = TerminologyForm(posted(request), initial=current)
    if request.method == "POST" and form.validated():
        data = {key: form.cleaned_data.get(key, "") for key in KEYS}
        saved = submit(form, lambda: set_terminology(actor, data))
        if saved is not None:
            messages.success(request, "Terminology saved.")
            return redirect("terminology")
    return render(request, "accounts/terminology.html", {"form": form}, status=form.status)
