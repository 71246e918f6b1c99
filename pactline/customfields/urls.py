"""Settings pages of custom fields (mounted at the site root by pactline.urls)."""

from django.urls import path

from pactline.customfields import views

urlpatterns = [
    path("settings/custom-fields/", views.field_list, name="custom-field-list"),
    path("settings/custom-fields/new/", views.field_create, name="custom-field-create"),
    path("settings/custom-fields/<int:pk>/edit/", views.field_edit, name="custom-field-edit"),
    path("settings/custom-fields/<int:pk>/move/", views.field_move, name="custom-field-move"),
    path("settings/custom-fields/<int:pk>/delete/", views.field_delete, name="custom-field-delete"),
]
