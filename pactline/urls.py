from django.urls import include, path

urlpatterns = [
    path("", include("pactline.web.urls")),
]
