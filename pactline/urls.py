from django.urls import include, path

from pactline.api import api

urlpatterns = [
    path("api/", api.urls),
    path("feeds/", include("pactline.transfer.urls")),
    path("", include("pactline.notifications.urls")),
    path("", include("pactline.transfer.web_urls")),
    path("", include("pactline.web.urls")),
]
