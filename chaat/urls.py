from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from chaat import views
from chaat.health import healthz

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("friends.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("matching.api_urls")),
    path("", include("translation.api_urls")),
    path("", include("notifications.api_urls")),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/docs.html"),
         name="api-docs"),
]

handler400 = "chaat.views.bad_request"
handler404 = "chaat.views.not_found"
handler500 = "chaat.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("friends.urls")),
    path("", include("messaging.urls")),
    path("", include("matching.urls")),
    path("", include("translation.urls")),
    path("", include("notifications.urls")),
]
