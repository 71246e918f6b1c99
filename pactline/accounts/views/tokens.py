"""Personal API tokens: create (the value is shown once), see when each was last used, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pactline.accounts import permissions, tokens
from pactline.accounts.forms import TokenForm
from pactline.accounts.permissions import get_visible, require
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted


@never_cache
@member_view
def token_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_use_api_tokens(actor), "Guests do not use API tokens.")
    form = TokenForm(posted(request), auto_id="token_%s")
    raw = None
    if request.method == "POST" and form.validated():
        d = form.cleaned_data
        made = submit(form, lambda: tokens.issue_token(actor, d["name"], d["scopes"], d["days"]))
        if made is not None:
            token, raw = made
            messages.success(request, f"Token {token.name} created. Copy it now: it is shown once.")
            form = TokenForm(auto_id="token_%s")
    context = {"tokens": tokens.own_tokens(actor), "form": form, "raw": raw}
    return render(request, "accounts/token_list.html", context, status=form.status)


@member_view
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    token = get_visible(tokens.own_tokens(actor), pk, "token")
    tokens.revoke_token(actor, token)
    messages.success(request, f"Token {token.name} revoked.")
    return redirect("token-list")
