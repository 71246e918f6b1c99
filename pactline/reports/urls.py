"""Web pages of the reports app (the dashboard itself answers at "/", see web.views.home)."""

from django.urls import path

from pactline.reports import views

urlpatterns = [
    path("milestones/", views.milestone_list_view, name="milestone-list"),
    path("analytics/", views.analytics_view, name="analytics"),
    path("cash-flow/", views.cash_flow_view, name="cash-flow"),
    path("timeline/", views.portfolio_timeline, name="portfolio-timeline"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("contracts/<int:pk>/gantt/", views.contract_gantt, name="contract-gantt"),
    path("contracts/<int:pk>/penalties/", views.contract_penalties, name="contract-penalties"),
    path("contracts/<int:pk>/report.pdf", views.contract_report_pdf, name="contract-report"),
    path("milestones/<int:pk>/money/", views.milestone_money, name="milestone-money"),
    path("waivers/<int:pk>/delete/", views.waiver_delete, name="waiver-delete"),
    path("reports/portfolio.pdf", views.portfolio_report_pdf, name="portfolio-report"),
    path("reports/subscriptions/", views.subscriptions, name="report-subscriptions"),
    path(
        "reports/subscriptions/<int:pk>/delete/",
        views.subscription_delete,
        name="report-subscription-delete",
    ),
]
