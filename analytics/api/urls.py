"""/api/v1/plans/ and /api/v1/runs/: analysis plans, pooled runs and centers' reports, their results and files."""

from django.urls import path

from analytics.api.plans import (
    PlanDetailApi,
    PlanListCreateApi,
    PlanRunApi,
    PlanVersionDetailApi,
    PlanVersionRegisterApi,
)
from analytics.api.runs import RunArtifactDownloadApi, RunDetailApi, RunListCreateApi, RunPlanResultsApi

urlpatterns = [
    path("plans/", PlanListCreateApi.as_view(), name="plan-list"),
    path("plans/<int:plan_id>/", PlanDetailApi.as_view(), name="plan-detail"),
    path("plans/<int:plan_id>/versions/<int:number>/", PlanVersionDetailApi.as_view(), name="plan-version-detail"),
    path(
        "plans/<int:plan_id>/versions/<int:number>/register/",
        PlanVersionRegisterApi.as_view(),
        name="plan-version-register",
    ),
    path("plans/<int:plan_id>/run/", PlanRunApi.as_view(), name="plan-run"),
    path("runs/", RunListCreateApi.as_view(), name="run-list"),
    path("runs/<int:run_id>/", RunDetailApi.as_view(), name="run-detail"),
    path(
        "runs/<int:run_id>/plans/<int:plan_version_id>/results/",
        RunPlanResultsApi.as_view(),
        name="run-plan-results",
    ),
    path("runs/<int:run_id>/artifacts/<int:artifact_id>/", RunArtifactDownloadApi.as_view(), name="run-artifact"),
]
