"""Read models of the reports: dashboard, analytics and cash flow.

Every count and sum is an SQL aggregate over the actor's visible milestones (through
`accounts.permissions`); Python only shapes the few aggregated rows that come back.
"""

from pactline.reports.queries.analytics import Analytics, analytics
from pactline.reports.queries.cashflow import CashFlow, cash_flow
from pactline.reports.queries.dashboard import Dashboard, dashboard
from pactline.reports.queries.filters import PortfolioFilter, scoped_contracts, scoped_milestones

__all__ = [
    "Analytics",
    "CashFlow",
    "Dashboard",
    "PortfolioFilter",
    "analytics",
    "cash_flow",
    "dashboard",
    "scoped_contracts",
    "scoped_milestones",
]
