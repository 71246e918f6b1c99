"""REST API of the reports: dashboard, analytics and cash flow as JSON for BI tools, and a
milestone's payment dates, penalty and waivers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    Money,
    QueryIn,
    Version,
    expected_version,
    get_or_404,
)
from pactline.contracts.models import ContractStatus
from pactline.milestones.models import Milestone
from pactline.reports import penalties, services
from pactline.reports.models import PenaltyWaiver
from pactline.reports.queries import PortfolioFilter, analytics, cash_flow, dashboard
from pactline.reports.queries.analytics import DIMENSIONS

reports = Router(tags=["reports"])


class PortfolioIn(QueryIn):
    party_id: Id | None = None
    owner_id: Id | None = None
    tag: str | None = Field(None, max_length=50)
    contract_status: list[ContractStatus] | None = Field(None, description="repeat for several")
    contract_id: Id | None = None

    def to_filter(self) -> PortfolioFilter:
        return PortfolioFilter(
            party_id=self.party_id,
            owner_id=self.owner_id,
            tag=self.tag,
            contract_status=[str(s) for s in self.contract_status or []],
            contract_id=self.contract_id,
        )


def _figures(figures: list[Any]) -> list[dict[str, Any]]:
    return [f.as_dict() for f in figures]


def _milestone_brief(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.pk,
        "title": m.title,
        "contract_id": m.contract_id,
        "contract_number": m.contract.number,
        "due_date": m.due_date,
        "owner_id": m.owner_id,
    }


@reports.get(
    "/dashboard",
    response={200: dict[str, Any], **LIST_ERRORS},
    url_name="dashboard",
    summary="The dashboard's figures",
    description="Health counts, overdue ageing, upcoming and own milestones, workload, payments "
    "and penalty exposure (per currency); `href` is the web list behind each number.",
)
def get_dashboard(request: HttpRequest, filters: Query[PortfolioIn]) -> dict[str, Any]:
    d = dashboard(actor_of(request), filters.to_filter())
    return {
        "today": d.today,
        "health": _figures(d.health),
        "ageing": _figures(d.ageing),
        "upcoming": [_milestone_brief(m) for m in d.upcoming],
        "mine": [_milestone_brief(m) for m in d.mine],
        "workload": [
            {k: r[k] for k in ("owner_id", "name", "open", "overdue", "due_7")} for r in d.workload
        ],
        "payments": {c: _figures(f) for c, f in d.payments.items()},
        "penalties": {c: _figures(f) for c, f in d.penalties.items()},
    }


class AnalyticsIn(PortfolioIn):
    since: date | None = Field(None, description="completed on or after (default: a year ago)")
    until: date | None = Field(None, description="completed on or before (default: today)")


@reports.get(
    "/analytics",
    response={200: dict[str, Any], **LIST_ERRORS},
    url_name="analytics",
    summary="On-time rate and days late by owner, party, type, contract and month",
)
def get_analytics(request: HttpRequest, filters: Query[AnalyticsIn]) -> dict[str, Any]:
    a = analytics(actor_of(request), filters.to_filter(), filters.since, filters.until)
    return {
        "since": a.since,
        "until": a.until,
        "overall": a.overall.as_dict(),
        "by": {d: [g.as_dict() for g in a.by[d]] for d in DIMENSIONS},
        "bottlenecks": {k: [g.as_dict() for g in v] for k, v in a.bottlenecks.items()},
        "open_work": a.open_work,
    }


class CashFlowIn(PortfolioIn):
    grain: Literal["week", "month"] = "month"
    start: date | None = None
    end: date | None = None


@reports.get(
    "/cash-flow",
    response={200: dict[str, Any], **LIST_ERRORS},
    url_name="cash-flow",
    summary="Due, invoiceable, invoiced, paid and overdue amounts by week or month",
    description="One table per currency; amounts of different currencies are never added up.",
)
def get_cash_flow(request: HttpRequest, filters: Query[CashFlowIn]) -> dict[str, Any]:
    flow = cash_flow(
        actor_of(request), filters.to_filter(), filters.grain, filters.start, filters.end
    )
    return {
        "grain": flow.grain,
        "currencies": {
            c: {"periods": flow.rows(c), "totals": flow.totals(c)} for c in flow.currencies
        },
    }


# --- one milestone's money ----------------------------------------------------------------------


class PaymentIn(InSchema):
    invoiceable_on: date | None = Field(None, description="null clears")
    invoiced_on: date | None = None
    paid_on: date | None = None
    retention_invoiced_on: date | None = None
    retention_paid_on: date | None = None
    version: Version | None = None


class PenaltyOut(Schema):
    milestone_id: int
    currency: str
    terms: str
    accrued: Decimal | None
    projected: Decimal | None
    days_accrued: int
    days_projected: int
    waivers: list[dict[str, Any]]


class WaiverIn(InSchema):
    amount: Money | None = Field(None, description="null waives all of it")
    reason: str = Field(max_length=500)


class WaiverOut(Schema):
    id: int
    milestone_id: int
    amount: Decimal | None
    reason: str
    created_at: Any


def _milestone(actor: Actor, milestone_id: int) -> Milestone:
    qs = permissions.visible_milestones(actor).select_related("contract")
    return get_or_404(qs, milestone_id, "milestone")


@reports.post(
    "/milestones/{milestone_id}/payment",
    response={200: dict[str, Any], **WRITE_ERRORS},
    url_name="milestone-payment",
    summary="Set a milestone's invoiceable, invoiced and paid dates (managers and above)",
)
def set_payment(request: HttpRequest, milestone_id: int, payload: PaymentIn) -> dict[str, Any]:
    actor = actor_of(request)
    m = _milestone(actor, milestone_id)
    data = payload.model_dump(exclude_unset=True)
    version = expected_version(request, data.pop("version", None))
    m = services.record_payment(actor, m, data, version)
    return {"id": m.pk, "version": m.version, **services.payment_snapshot(m)}


@reports.get(
    "/milestones/{milestone_id}/penalty",
    response={200: PenaltyOut, **READ_ERRORS},
    url_name="milestone-penalty",
    summary="A milestone's penalty now: accrued to today, projected to its forecast",
)
def get_penalty(request: HttpRequest, milestone_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    m = _milestone(actor, milestone_id)
    found = penalties.exposure_of(m, m.contract, penalties.organisation_today(actor.organisation))
    waivers = list(m.waivers.values("id", "amount", "reason", "created_at"))  # type: ignore[attr-defined]
    return {
        "milestone_id": m.pk,
        "currency": m.contract.currency,
        "terms": m.penalty_kind,
        "accrued": found.accrued if found else None,
        "projected": found.projected if found else None,
        "days_accrued": found.days_accrued if found else 0,
        "days_projected": found.days_projected if found else 0,
        "waivers": waivers,
    }


@reports.post(
    "/milestones/{milestone_id}/waivers",
    response={201: WaiverOut, **CREATE_ERRORS},
    url_name="milestone-waiver-create",
    summary="Waive a milestone's penalty, in part or whole, with a reason (managers and above)",
)
def create_waiver(
    request: HttpRequest, milestone_id: int, payload: WaiverIn
) -> Status[PenaltyWaiver]:
    actor = actor_of(request)
    m = _milestone(actor, milestone_id)
    return Status(201, services.waive_penalty(actor, m, payload.amount, payload.reason))


@reports.delete(
    "/waivers/{waiver_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="waiver-delete",
    summary="Withdraw a waiver (managers and above)",
)
def delete_waiver(request: HttpRequest, waiver_id: int) -> Status[None]:
    actor = actor_of(request)
    visible = permissions.visible_milestones(actor).values("pk")
    waiver = get_or_404(
        PenaltyWaiver.objects.filter(milestone_id__in=visible).select_related("milestone"),
        waiver_id,
        "waiver",
    )
    services.remove_waiver(actor, waiver)
    return Status(204, None)
