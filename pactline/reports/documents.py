"""The PDF reports, "Portfolio status" and "Contract status": HTML with inline SVG charts,
printed by WeasyPrint. The same functions serve downloads and the e-mailed subscriptions."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from pactline.accounts.permissions import Actor
from pactline.accounts.terminology import terms_of
from pactline.contracts.models import Contract
from pactline.milestones.queries import contract_milestones
from pactline.reports import exports, penalties
from pactline.reports.charts import TimelineItem, timeline_svg
from pactline.reports.queries import PortfolioFilter, analytics, cash_flow, dashboard
from pactline.reports.views.pages import cash_chart, dashboard_charts


def portfolio_context(actor: Actor, f: PortfolioFilter) -> dict[str, Any]:
    d = dashboard(actor, f)
    a = analytics(actor, f)
    flow = cash_flow(actor, f, "month")
    return {
        "title": "Portfolio status",
        "organisation": actor.organisation,
        "terms": terms_of(actor.organisation),
        "d": d,
        "a": a,
        "charts": dashboard_charts(d, terms_of(actor.organisation)),
        "cash": [
            {"currency": c, "totals": flow.totals(c), "chart": cash_chart(flow, c)}
            for c in flow.currencies
        ],
    }


def portfolio_pdf(actor: Actor, f: PortfolioFilter) -> bytes:
    html = render_to_string("reports/pdf_portfolio.html", portfolio_context(actor, f))
    return exports.pdf_bytes(html)


def contract_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    today = penalties.organisation_today(actor.organisation)
    penalties.ensure_fresh(actor.organisation, today)
    contract.refresh_from_db()
    milestones = list(contract_milestones(actor, contract.pk))
    items = [
        TimelineItem(m.title, m.due_date, m.baseline_due_date, getattr(m, "health", "on_track"))
        for m in milestones
    ]
    flow = cash_flow(actor, PortfolioFilter(contract_id=contract.pk), "month")
    return {
        "title": f"{terms_of(actor.organisation).contract} status: {contract.number}",
        "organisation": actor.organisation,
        "terms": terms_of(actor.organisation),
        "contract": contract,
        "milestones": milestones,
        "today": today,
        "timeline": timeline_svg(
            items,
            today,
            title=f"Timeline of {contract.number}",
            start=contract.start_on,
            end=contract.end_on,
            words=terms_of(actor.organisation),
        ),
        "cash": [
            {
                "currency": c,
                "rows": flow.rows(c),
                "totals": flow.totals(c),
                "chart": cash_chart(flow, c),
            }
            for c in flow.currencies
        ],
    }


def contract_pdf(actor: Actor, contract: Contract) -> bytes:
    html = render_to_string("reports/pdf_contract.html", contract_context(actor, contract))
    return exports.pdf_bytes(html)
