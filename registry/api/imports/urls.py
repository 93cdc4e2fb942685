"""/api/v1/imports/: upload and check a file, read the job, import it or discard it."""

from django.urls import path

from registry.api.imports.views import (
    ImportJobAbandonApi,
    ImportJobCommitApi,
    ImportJobDetailApi,
    ImportJobListCreateApi,
)

urlpatterns = [
    path("", ImportJobListCreateApi.as_view(), name="import-list"),
    path("<int:import_id>/", ImportJobDetailApi.as_view(), name="import-detail"),
    path("<int:import_id>/commit/", ImportJobCommitApi.as_view(), name="import-commit"),
    path("<int:import_id>/abandon/", ImportJobAbandonApi.as_view(), name="import-abandon"),
]
