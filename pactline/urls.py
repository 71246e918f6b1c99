from django.urls import include, path

from pactline.api import api

urlpatterns = [
    path("api/", api.urls),
    path("feeds/", include("pactline.transfer.urls")),
    path("", include("pactline.web.urls")),
]
