"""Settings pages of the milestones app: the organisation's milestone types."""

from django.urls import path

from pactline.milestones.views import types

urlpatterns = [
    path("settings/milestone-types/", types.type_list, name="milestone-type-list"),
    path("settings/milestone-types/new/", types.type_create, name="milestone-type-create"),
    path("settings/milestone-types/<int:pk>/edit/", types.type_edit, name="milestone-type-edit"),
    path(
        "settings/milestone-types/<int:pk>/archive/",
        types.type_archive,
        name="milestone-type-archive",
    ),
    path(
        "settings/milestone-types/<int:pk>/delete/", types.type_delete, name="milestone-type-delete"
    ),
]
