"""The registry's API routes (cases, records, vocabularies, dictionary, imports). Mounted under /api/v1/ by
config/api_urls.py."""

from django.urls import path

from registry.api.me import MeApi

app_name = "registry_api"

urlpatterns = [
    path("me/", MeApi.as_view(), name="me"),
]
