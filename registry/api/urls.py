"""The registry's API routes (cases and records, vocabularies and dictionary, imports). Mounted under /api/v1/
by config/api_urls.py."""

from django.urls import include, path

from registry.api.me import MeApi

app_name = "registry_api"

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
    path("", include("registry.api.cases.urls")),
    path("", include("registry.api.reference.urls")),
    path("imports/", include("registry.api.imports.urls")),
]
