"""Analysis plans over the API: list, read a plan (its latest spec, its versions, its runs with their verdicts),
read one version, and run the latest version now. Coordinators and the data manager only: for anyone else every
plan address is a 404, as on the web."""

from __future__ import annotations

from functools import wraps

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.filters import PlanFilterSet
from analytics.api.runs import run_started
from analytics.api.serializers import PlanSerializer, PlanVersionSerializer, RunDetailSerializer, api_url
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.selectors import (
    get_plan_for_user,
    get_version_for_user,
    latest_versions,
    may_use_plans,
    plan_ref,
    plan_runs,
    plans_for,
)
from registry.api.versions import with_etag

__all__ = ["PlanDetailApi", "PlanDetailSerializer", "PlanListApi", "PlanRunApi", "PlanVersionDetailApi"]

NO_PLANS = "No analysis plans here."
NOTHING_TO_RUN = "This plan is archived or has no version: there is nothing to run."
TAGS = ["analysis plans"]
_MISSING = OpenApiResponse(
    description="No such plan (or version); every plan address is a 404 but for coordinators and the data manager."
)


def plan_roles_only(method):
    """A 404 for anyone but coordinators and the data manager, before anything else."""

    @wraps(method)
    def wrapped(self, request, *args, **kwargs):
        if not may_use_plans(request.user):
            raise Http404(NO_PLANS)
        return method(self, request, *args, **kwargs)

    return wrapped


def _changed_at():
    """When the plan last changed: every write (a version saved, registered, the plan archived) bumps the plan,
    and its history records when."""
    history = AnalysisPlan.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
    return Subquery(history.values("history_date")[:1])


class _VersionBriefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    registered = serializers.BooleanField(source="is_registered")
    registered_at = serializers.DateTimeField(allow_null=True)
    changed_at = serializers.DateTimeField()
    url = serializers.CharField()


class _VerdictSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    word = serializers.CharField(allow_null=True, help_text="The verdict on the analysis's published claim.")


class _PlanRunSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    run_url = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    version_number = serializers.IntegerField()
    verdicts = _VerdictSerializer(many=True)
    results_url = serializers.CharField(allow_null=True)


class PlanListApi(GenericAPIView):
    filterset_class = PlanFilterSet
    ordering_fields = ["name", "created_at", "id"]
    ordering = ["name", "id"]
    serializer_class = PlanSerializer

    def get_queryset(self):
        return plans_for(self.request.user, include_archived=True).annotate(changed_at=_changed_at())

    @extend_schema(
        operation_id="plans_list",
        responses={200: PlanSerializer(many=True), 404: _MISSING},
        tags=TAGS,
        description="Every analysis plan, archived ones too (`archived=false` leaves them out), each with its "
        "latest version.",
    )
    @plan_roles_only
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {"request": request, "latest": latest_versions(page)}
        return self.get_paginated_response(PlanSerializer(page, many=True, context=context).data)


class PlanDetailSerializer(PlanSerializer):
    spec = serializers.SerializerMethodField(help_text="The latest version's spec (PlanSpec.as_dict()).")
    versions = serializers.SerializerMethodField()
    runs = serializers.SerializerMethodField(help_text="The latest runs that executed a version of this plan.")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "spec", "versions", "runs"]
        read_only_fields = fields

    def get_spec(self, plan) -> dict | None:
        latest = self.context["latest"].get(plan.pk)
        return latest.spec if latest is not None else None

    def get_versions(self, plan) -> list[dict]:
        return _VersionBriefSerializer(
            [
                {
                    "number": v.number,
                    "is_registered": v.is_registered,
                    "registered_at": v.registered_at,
                    "changed_at": v.changed_at,
                    "url": api_url("plan-version-detail", self, plan.pk, v.number),
                }
                for v in self.context["versions"]
            ],
            many=True,
        ).data

    def get_runs(self, plan) -> list[dict]:
        rows = [
            {
                "run_id": r["run"].pk,
                "run_url": api_url("run-detail", self, r["run"].pk),
                "status": r["run"].status,
                "created_at": r["run"].created_at,
                "version_number": r["version"].number,
                "verdicts": r["verdicts"],
                "results_url": api_url("run-plan-results", self, r["run"].pk, r["version"].pk) if r["json"] else None,
            }
            for r in plan_runs(plan)
        ]
        return _PlanRunSerializer(rows, many=True).data


class PlanDetailApi(APIView):
    @extend_schema(
        operation_id="plans_read",
        responses={200: PlanDetailSerializer, 404: _MISSING},
        tags=TAGS,
        description="A plan with its latest spec, its versions, and its latest runs with each claim's verdict. The "
        "ETag is the plan's revision.",
    )
    @plan_roles_only
    def get(self, request, plan_id: int):
        plan = get_plan_for_user(request.user, plan_id)
        versions = list(plan.versions.order_by("-number"))
        context = {"request": request, "latest": {plan.pk: versions[0]} if versions else {}, "versions": versions}
        return with_etag(Response(PlanDetailSerializer(plan, context=context).data), plan.revision)


class PlanVersionDetailApi(APIView):
    @extend_schema(
        operation_id="plans_version_read",
        responses={200: PlanVersionSerializer, 404: _MISSING},
        tags=TAGS,
    )
    @plan_roles_only
    def get(self, request, plan_id: int, number: int):
        version: PlanVersion = get_version_for_user(request.user, plan_id, number)
        return Response(PlanVersionSerializer(version, context={"request": request}).data)


class PlanRunApi(APIView):
    @extend_schema(
        operation_id="plans_run",
        request=None,
        responses={
            202: RunDetailSerializer,
            200: OpenApiResponse(RunDetailSerializer, description="The same run is still queued: that run."),
            400: OpenApiResponse(description="The run could not be asked for (the reasons are in errors)."),
            404: _MISSING,
        },
        tags=TAGS,
        description="Run the plan's latest version now on the pooled rows you may read (the web's “Run now”). "
        "Follow the run at its Location.",
    )
    @plan_roles_only
    def post(self, request, plan_id: int):
        plan = get_plan_for_user(request.user, plan_id)
        latest = plan.latest_version()
        if latest is None or plan.is_archived:
            raise Http404(NOTHING_TO_RUN)
        asked_at = timezone.now()
        run = run_request(user=request.user, filters=RunFilters(), settings=RunSettings(plans=(plan_ref(latest),)))
        return run_started(request, run, asked_at)
