"""Web pages of the reports app: dashboard, lists, analytics, cash flow, money, plans."""

from pactline.reports.views.documents import (
    contract_report_pdf,
    portfolio_report_pdf,
    subscription_delete,
    subscriptions,
)
from pactline.reports.views.lists import milestone_list_view
from pactline.reports.views.money import contract_penalties, milestone_money, waiver_delete
from pactline.reports.views.pages import analytics_view, cash_flow_view, dashboard_view
from pactline.reports.views.plans import calendar_view, contract_gantt, portfolio_timeline

__all__ = [
    "analytics_view",
    "calendar_view",
    "cash_flow_view",
    "contract_gantt",
    "contract_penalties",
    "contract_report_pdf",
    "dashboard_view",
    "milestone_list_view",
    "milestone_money",
    "portfolio_report_pdf",
    "portfolio_timeline",
    "subscription_delete",
    "subscriptions",
    "waiver_delete",
]
