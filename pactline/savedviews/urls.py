"""Web pages of saved views (mounted at the site root by pactline.urls)."""

from django.urls import path

from pactline.savedviews import views

urlpatterns = [
    path("views/", views.view_list, name="saved-view-list"),
    path("views/save/", views.view_create, name="saved-view-create"),
    path("views/<int:pk>/edit/", views.view_edit, name="saved-view-edit"),
    path("views/<int:pk>/delete/", views.view_delete, name="saved-view-delete"),
    path("views/<int:pk>/default/", views.view_default, name="saved-view-default"),
    path("lists/<slug:list_key>/export/", views.list_export, name="list-export"),
]
