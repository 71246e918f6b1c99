from django.urls import include, path

from pactline.api import api
from pactline.ops import views as ops

urlpatterns = [
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("api/", api.urls),
    path("feeds/", include("pactline.transfer.urls")),
    path("", include("pactline.notifications.urls")),
    path("", include("pactline.collab.urls")),
    path("", include("pactline.accounts.urls")),
    path("", include("pactline.customfields.urls")),
    path("", include("pactline.activity.urls")),
    path("", include("pactline.transfer.web_urls")),
    path("", include("pactline.reports.urls")),
    path("", include("pactline.savedviews.urls")),
    path("", include("pactline.milestones.urls")),  # milestone types (settings)
    path("", include("pactline.web.urls")),
]
