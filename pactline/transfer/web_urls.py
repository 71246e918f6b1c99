"""The signed-in pages of the transfer app, included by pactline.web.urls."""

from django.urls import path

from pactline.transfer import views

urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/mappings/remove/", views.mapping_remove, name="import-mapping-remove"),
    path("import/<slug:upload_id>/", views.import_preview, name="import-preview"),
    path("import/<slug:upload_id>/progress/", views.import_progress, name="import-progress"),
    path("import/<slug:upload_id>/commit/", views.import_commit, name="import-commit"),
    path("contracts/export/", views.contract_export, name="contract-export"),
    path("feeds/", views.feed_list, name="feed-list"),
    path("feeds/new/", views.feed_create, name="feed-create"),
    path("feeds/revoke/", views.feed_revoke, name="feed-revoke"),
    path("closures/", views.closure_list, name="closure-list"),
    path("closures/add/", views.closure_add, name="closure-add"),
    path("closures/remove/", views.closure_remove, name="closure-remove"),
    path("closures/import/", views.closure_import, name="closure-import"),
]
