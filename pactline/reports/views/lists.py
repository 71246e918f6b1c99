"""The milestone list across contracts: every dashboard figure links here with its filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from pactline.accounts.permissions import Actor
from pactline.milestones.health import Health
from pactline.milestones.models import Milestone, MilestoneStatus
from pactline.milestones.queries import ORDERINGS, MilestoneFilter, milestone_list, portfolio_today
from pactline.milestones.types import type_name
from pactline.reports.exports import Column
from pactline.reports.params import as_date, as_int, choices, portfolio_filter
from pactline.reports.queries.cashflow import outstanding_q
from pactline.web.http import actor_of, is_htmx, member_view, paginate

PAYMENT_FILTERS = {
    "overdue": "Payment overdue",
    "due_30": "Payment due in 30 days",
    "invoiceable": "To invoice",
    "invoiced": "Invoiced, unpaid",
    "received": "Paid in the last 30 days",
    "retention": "Retention held",
}


def milestone_rows(actor: Actor, params: QueryDict) -> QuerySet[Milestone]:
    """The list for these query parameters (the same names as the dashboard's links)."""
    f = portfolio_filter(params)
    owner = params.get("owner")
    wanted = MilestoneFilter(
        contract_id=f.contract_id,
        status=[s for s in params.getlist("status") if s in MilestoneStatus.values] or None,
        owner_id=f.owner_id,
        party_id=f.party_id,
        tag=f.tag,
        due_before=as_date(params.get("due_before")),
        due_after=as_date(params.get("due_after")),
        health=[h for h in params.getlist("health") if h in Health.__members__.values()] or None,
        q=(params.get("q") or "").strip()[:200] or None,
    )
    ordering = params.get("ordering", "due_date")
    qs = milestone_list(actor, wanted, ordering if ordering in ORDERINGS else "due_date")
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    if f.contract_status:
        qs = qs.filter(contract__status__in=f.contract_status)
    kinds = [k for k in params.getlist("kind") if isinstance(k, str) and len(k) <= 32]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    payment = params.get("payment")
    if payment in PAYMENT_FILTERS:
        qs = qs.filter(outstanding_q(payment, portfolio_today(actor)))
    penalty = params.get("penalty")
    if penalty in ("accrued", "projected"):
        qs = qs.filter(**{f"penalty_{penalty}__gt": 0})
    currency = (params.get("currency") or "").strip().upper()[:3]
    if currency:
        qs = qs.filter(contract__currency=currency)
    return qs


def _money_of(field: str) -> Column:
    return Column(
        field.replace("_", " ").capitalize(),
        lambda m: getattr(m, field),
        "money",
        currency=lambda m: m.contract.currency,
    )


def _date_of(field: str, header: str) -> Column:
    return Column(header, lambda m: getattr(m, field), "date", width=12)


COLUMNS = [
    Column("Contract", lambda m: m.contract.number, width=14),
    Column("Milestone", lambda m: m.title, width=40),
    Column("Type", lambda m: type_name(m)),
    Column("Owner", lambda m: m.owner.email if m.owner else ""),
    Column("Status", lambda m: m.get_status_display()),
    Column("Health", lambda m: Health(m.health).label),
    _date_of("due_date", "Due"),
    _date_of("baseline_due_date", "Baseline"),
    _date_of("forecast_date", "Forecast"),
    _date_of("completed_on", "Completed"),
    Column("Currency", lambda m: m.contract.currency, width=8),
    _money_of("payment_amount"),
    _money_of("retention_amount"),
    _date_of("invoiceable_on", "Invoiceable"),
    _date_of("invoiced_on", "Invoiced"),
    _date_of("paid_on", "Paid"),
    _money_of("penalty_accrued"),
    _money_of("penalty_projected"),
]


@member_view
def milestone_list_view(request: HttpRequest) -> HttpResponse:
    """Milestones across contracts with the dashboard's filters; ?format=csv|xlsx exports the
    chosen columns (`cols`, see pactline.savedviews; all of COLUMNS when none is chosen)."""
    from pactline.savedviews.models import ListKey
    from pactline.savedviews.views import export_response
    from pactline.savedviews.web import prepare

    actor = actor_of(request)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        params = request.GET.copy()
        params.pop("format")
        return export_response(actor, _list_spec(), params, fmt)
    state = prepare(request, ListKey.MILESTONES)
    if isinstance(state, HttpResponse):
        return state  # opening a saved view (or the person's default one)
    page = paginate(request, state.spec.rows(actor, request.GET, state.available))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context: dict[str, Any] = {
        "page_obj": page,
        "milestones": page.object_list,
        "lv_rows": state.rows(page.object_list),
        **state.context(),
        "filters": choices(actor, portfolio_filter(request.GET)),
        "selected": {
            "health": request.GET.getlist("health"),
            "status": request.GET.getlist("status"),
            "kind": request.GET.getlist("kind"),
        },
        "params": request.GET,
        "query": query.urlencode(),
        "payment_label": PAYMENT_FILTERS.get(request.GET.get("payment", ""), ""),
        "owner_none": request.GET.get("owner") == "none",
        "contract_id": as_int(request.GET.get("contract")),
    }
    template = (
        "reports/_milestone_results.html" if is_htmx(request) else "reports/milestone_list.html"
    )
    return render(request, template, context)


def _list_spec() -> Any:
    from pactline.savedviews.lists import LISTS
    from pactline.savedviews.models import ListKey

    return LISTS[ListKey.MILESTONES]
