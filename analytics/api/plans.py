"""Analysis plans over the API: list, read a plan (its latest spec, its versions, its runs with their verdicts),
read one version, run the latest version now; create, edit and register plans (analytics/api/plan_writes.py).
Coordinators and the data manager only: for anyone else every plan address is a 404, as on the web."""

from __future__ import annotations

from functools import wraps

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from analytics.api.filters import PlanFilterSet
from analytics.api.plan_serializers import (
    PlanDetailSerializer,
    PlanSerializer,
    PlanVersionSerializer,
    plan_detail_data,
)
from analytics.api.plan_writes import (
    PlanInputSerializer,
    plan_create_response,
    plan_update_response,
    version_register_response,
)
from analytics.api.runs import run_started, with_queue_state
from analytics.api.serializers import RunDetailSerializer
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.selectors import (
    get_plan_for_user,
    get_version_for_user,
    latest_versions,
    may_use_plans,
    plan_ref,
    plans_for,
)
from registry.api.idempotency import idempotent
from registry.api.versions import with_etag

__all__ = [
    "PlanDetailApi",
    "PlanListCreateApi",
    "PlanRunApi",
    "PlanVersionDetailApi",
    "PlanVersionRegisterApi",
]

NO_PLANS = "No analysis plans here."
NOTHING_TO_RUN = "This plan is archived or has no version: there is nothing to run."
TAGS = ["analysis plans"]
PLAN_DETAIL = "analytics_api:plan-detail"
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The plan\'s ETag as you read it (its revision, e.g. "3").',
)
_INVALID = OpenApiResponse(description="The spec cannot run: errors keyed by where ('name', 'condition 2', ...).")
_STALE = OpenApiResponse(description="Someone changed the plan after the revision you sent; nothing was saved.")
_NO_IF_MATCH = OpenApiResponse(description="If-Match is missing; nothing was saved.")
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


class PlanListCreateApi(GenericAPIView):
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

    @extend_schema(
        operation_id="plans_create",
        request=PlanInputSerializer,
        responses={201: PlanDetailSerializer, 400: _INVALID, 404: _MISSING},
        tags=TAGS,
        description="A new plan: its spec saved as version 1, a draft (register it when it is final). Send an "
        "Idempotency-Key to retry safely.",
    )
    @plan_roles_only
    def post(self, request):
        return idempotent(
            request,
            lambda: plan_create_response(request, lambda plan: reverse(PLAN_DETAIL, args=[plan.pk], request=request)),
        )


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
        return with_etag(Response(plan_detail_data(plan, request)), plan.revision)

    @extend_schema(
        operation_id="plans_update",
        request=PlanInputSerializer,
        parameters=[IF_MATCH],
        responses={
            200: PlanDetailSerializer,
            400: _INVALID,
            404: _MISSING,
            409: OpenApiResponse(description="The plan is archived."),
            412: _STALE,
            428: _NO_IF_MATCH,
        },
        tags=TAGS,
        description="Save an edited spec (or only a note): in place while the latest version is a draft, as a new "
        "version once it is registered. An unchanged spec saves nothing.",
    )
    @plan_roles_only
    def patch(self, request, plan_id: int):
        return plan_update_response(request, get_plan_for_user(request.user, plan_id))


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


class PlanVersionRegisterApi(APIView):
    @extend_schema(
        operation_id="plans_version_register",
        request=None,
        parameters=[IF_MATCH],
        responses={
            200: PlanVersionSerializer,
            400: _INVALID,
            404: _MISSING,
            409: OpenApiResponse(description="Not the latest version, registered already, or the plan is archived."),
            412: _STALE,
            428: _NO_IF_MATCH,
        },
        tags=TAGS,
        description="Register the latest version: it becomes the pre-specified plan and never changes again (the "
        "nightly run executes it). The response's ETag is the plan's new revision.",
    )
    @plan_roles_only
    def post(self, request, plan_id: int, number: int):
        return version_register_response(request, get_version_for_user(request.user, plan_id, number))


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
        return with_queue_state(request, run_started(request, run, asked_at))
