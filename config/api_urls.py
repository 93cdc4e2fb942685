"""/api/v1/: every app's API routes, the OpenAPI schema, and its Swagger UI and Redoc pages (local files)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("", include("registry.api.urls")),
    path("quality/", include(("quality.api.urls", "quality_api"))),
    path("", include(("analytics.api.urls", "analytics_api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
]
