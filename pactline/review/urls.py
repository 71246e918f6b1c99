"""Pages of the extraction review (included by pactline.web.urls)."""

from django.urls import path

from pactline.review import views

urlpatterns = [
    path("contracts/<int:pk>/key-dates/", views.contract_extract, name="contract-extract"),
    path("key-dates/<int:pk>/", views.extraction_detail, name="extraction-detail"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal-accept"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="proposal-reject"),
]
