"""Restricting a contract and naming the people who see it (managers and above)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible, require
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.errors import ValidationFailed
from pactline.web.http import actor_of, member_view

MANAGERS = "Only managers and above decide who sees a contract."


class AccessForm(forms.Form):
    restricted = forms.TypedChoiceField(choices=[("0", "open"), ("1", "restricted")], coerce=int)
    version = forms.IntegerField(required=False)


class MemberForm(forms.Form):
    user = forms.IntegerField(min_value=1)


def _contract(request: HttpRequest, pk: int) -> Contract:
    actor = actor_of(request)
    contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    require(permissions.can_manage_contract_members(actor), MANAGERS)
    return contract


def _back(contract: Contract) -> HttpResponse:
    return redirect(reverse("contract-detail", args=[contract.pk]) + "#access")


@member_view
@require_POST
def contract_access(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = AccessForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed.one("restricted", "choose open or restricted")
    restricted = bool(form.cleaned_data["restricted"])
    contract_services.update_contract(
        actor_of(request), contract, {"restricted": restricted}, form.cleaned_data["version"]
    )
    messages.success(
        request,
        "Only named people (and admins) see this contract now."
        if restricted
        else "The whole organisation sees this contract now.",
    )
    return _back(contract)


@member_view
@require_POST
def contract_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    form = MemberForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed.one("user_id", "choose a person")
    member = contract_services.add_contract_member(
        actor_of(request), contract, form.cleaned_data["user"]
    )
    messages.success(request, f"{member.user.email} is named on this contract.")
    return _back(contract)


@member_view
@require_POST
def contract_member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    contract = _contract(request, pk)
    contract_services.remove_contract_member(actor_of(request), contract, user_id)
    messages.success(request, "Removed from this contract's named people.")
    if not permissions.visible_contracts(actor_of(request)).filter(pk=pk).exists():
        return redirect("contract-list")  # they removed themselves from a restricted contract
    return _back(contract)
