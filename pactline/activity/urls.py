"""Web pages of the event log (mounted at the site root by pactline.urls)."""

from django.urls import path

from pactline.activity import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.csv", views.audit_export_csv, name="audit-export-csv"),
    path("audit/export.jsonl", views.audit_export_jsonl, name="audit-export-jsonl"),
    path("activity/", views.activity_feed, name="activity-feed"),
    path("contracts/<int:pk>/live/", views.contract_live, name="contract-live"),
]
