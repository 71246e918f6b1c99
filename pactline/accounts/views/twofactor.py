"""Turning the second factor on and off, and the code asked for after the password."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from pactline.accounts import twofactor
from pactline.accounts.models import User
from pactline.web.forms import DomainForm, submit
from pactline.web.http import portal_view

PENDING = "pactline_2fa_pending"
SETUP = "pactline_2fa_setup"
PENDING_SECONDS = 300
MAX_TRIES = 5
BACKEND = "django.contrib.auth.backends.ModelBackend"


class CodeForm(DomainForm):
    what = "code"
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def start_second_step(request: HttpRequest, user: User, remember: bool, next_url: str) -> None:
    """After a right password, for someone with a second factor: remember who, not signed in."""
    request.session[PENDING] = {
        "user": user.pk,
        "remember": remember,
        "next": next_url,
        "at": time.time(),
        "tries": 0,
    }


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return pending  # type: ignore[no-any-return]


@never_cache
@sensitive_post_parameters("code")
def login_verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        messages.info(request, "Sign in again, please.")
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.validated():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is not None and twofactor.verify(user, form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            login(request, user, backend=BACKEND)
            request.session.set_expiry(None if pending["remember"] else 0)
            return redirect(pending["next"] or settings.LOGIN_REDIRECT_URL)
        pending["tries"] += 1
        request.session[PENDING] = pending
        if pending["tries"] >= MAX_TRIES:
            request.session.pop(PENDING, None)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect("login")
        form.add_error("code", "That code is not right (or was used already).")
        form.status = 422
    return render(request, "registration/login_verify.html", {"form": form}, status=form.status)


@never_cache
@portal_view
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    enabled = twofactor.is_enabled(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None, auto_id="tf_%s")
    if not enabled:
        secret = request.session.get(SETUP) or twofactor.new_secret()
        request.session[SETUP] = secret
    if request.method == "POST" and form.validated():
        code = form.cleaned_data["code"]
        if enabled:
            submit(form, lambda: twofactor.disable(user, code))  # type: ignore[arg-type]
            message = "Two-factor sign-in is off."
        else:
            submit(form, lambda: twofactor.enable(user, secret, code))  # type: ignore[arg-type]
            message = "Two-factor sign-in is on: from now on you enter a code after your password."
        if not form.errors:
            request.session.pop(SETUP, None)
            messages.success(request, message)
            return redirect("two-factor")
    context: dict[str, Any] = {"form": form, "enabled": enabled}
    if not enabled:
        context["secret"] = secret
        context["uri"] = twofactor.provisioning_uri(user, secret)  # type: ignore[arg-type]
    return render(request, "accounts/two_factor.html", context, status=form.status)
