"""PDF reports to download, and the reports a person receives by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible
from pactline.contracts.models import Contract
from pactline.reports import exports, services
from pactline.reports.forms import SubscriptionForm
from pactline.reports.models import ReportSubscription
from pactline.reports.params import portfolio_filter
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted

PDF = "application/pdf"


@member_view
def portfolio_report_pdf(request: HttpRequest) -> HttpResponse:
    from pactline.reports.documents import portfolio_pdf

    actor = actor_of(request)
    content = portfolio_pdf(actor, portfolio_filter(request.GET))
    return exports.download(content, "portfolio-status.pdf", PDF)


@member_view
def contract_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from pactline.reports.documents import contract_pdf

    actor = actor_of(request)
    contract: Contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    return exports.download(contract_pdf(actor, contract), f"{contract.number}-status.pdf", PDF)


def own_subscriptions(request: HttpRequest) -> list[ReportSubscription]:
    actor = actor_of(request)
    qs = ReportSubscription.objects.filter(organisation=actor.organisation, user_id=actor.user_id)
    return list(qs.select_related("contract"))


@member_view
def subscriptions(request: HttpRequest) -> HttpResponse:
    """The signed-in person's report subscriptions; POST adds one."""
    actor = actor_of(request)
    visible = permissions.visible_contracts(actor)
    contracts = [
        (c.pk, f"{c.number} {c.title}") for c in visible.only("pk", "number", "title")[:500]
    ]
    form = SubscriptionForm(posted(request), contracts=contracts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = visible.filter(pk=data["contract"]).first() if data["contract"] else None
        done = submit(
            form, lambda: services.subscribe(actor, data["kind"], data["frequency"], contract)
        )
        if done is not None:
            messages.success(request, "Subscribed: the report comes by e-mail.")
            return redirect("report-subscriptions")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "subscriptions": own_subscriptions(request)}
    return render(request, "reports/subscriptions.html", context, status=status)


@member_view
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    qs = ReportSubscription.objects.filter(organisation=actor.organisation)
    subscription = get_visible(qs, pk, "subscription")
    services.unsubscribe(actor, subscription)
    messages.success(request, "Unsubscribed.")
    return redirect("report-subscriptions")
