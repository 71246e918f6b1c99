"""Recurring obligations: add one to a contract (its occurrences become milestones)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.milestones import services
from pactline.milestones.forms import SeriesForm
from pactline.milestones.views.common import contract_of
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted


@member_view
def series_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(
        permissions.can_create_milestone(actor, contract),
        "Only managers and above add recurring obligations.",
    )
    form = SeriesForm(actor, contract, posted(request))
    if request.method == "POST" and form.validated():
        series = submit(form, lambda: services.create_series(actor, contract, form.to_data()))
        if series is not None:
            count = series.items.count()
            messages.success(
                request,
                f"Recurring obligation {series.title} added: {count} occurrences scheduled "
                f"up to {series.generated_until:%-d %b %Y}; later ones follow as time passes.",
            )
            return redirect(reverse("contract-detail", args=[contract.pk]) + "#series")
    context = {"form": form, "contract": contract}
    return render(request, "milestones/series_form.html", context, status=form.status)
