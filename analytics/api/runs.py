"""Analysis runs over the API: list, start (as the web's start form), follow, read a plan's results and download
the files. Scoped as the web pages: coordinators and the data manager see and start pooled runs; a center's users
their own center's reports. Another center's run or file is a 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api.files import FILE_RESPONSES, FileContentNegotiation, artifact_response, json_document_response
from analytics.api.filters import RunFilterSet
from analytics.api.serializers import RunDetailSerializer, RunSerializer
from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.options import CI_TRANSFORMS, INDUCTION_FAILURE_DATINGS, RunFilters, RunSettings
from analytics.runs.reporting import plan_file_name
from analytics.runs.selectors import (
    can_request_pooled,
    get_artifact_for_user,
    get_run_for_user,
    own_centers,
    runs_with_progress,
)
from analytics.runs.sending import run_queue_notice
from analytics.runs.services import run_request
from analytics.views import NO_ROLE
from registry import models as rm
from registry.access import access_for, centers_for
from registry.api.idempotency import idempotent
from registry.choices import Lineage

__all__ = [
    "RunArtifactDownloadApi",
    "RunDetailApi",
    "RunListCreateApi",
    "RunPlanResultsApi",
    "run_started",
    "with_queue_state",
]

NO_RUNS = gettext_noop("No analyses here.")
UNKNOWN_CENTER = gettext_noop("“{value}” is not a center you may read.")
UNKNOWN_PROTOCOL = gettext_noop("“{value}” is not a protocol of the registry.")
UNKNOWN_RULE_VERSION = gettext_noop("There is no risk rule set with version “{value}”.")
RESULTS_NOT_READY = gettext_noop("This run has not finished (or failed): it has no results to read.")
NOT_IN_RUN = gettext_noop("This run did not execute that plan version.")
TAGS = ["analyses"]
_MISSING = OpenApiResponse(description="No such run among those you may read (another center's is not yours).")


def _known(values: list[str], queryset, field: str, message: str) -> list[str]:
    wanted = set(values)
    unknown = sorted(wanted - set(queryset.filter(**{f"{field}__in": wanted}).values_list(field, flat=True)))
    if unknown:
        raise serializers.ValidationError([gettext(message).format(value=v) for v in unknown])
    return sorted(wanted)


def run_started(request, run: AnalysisRun, asked_at) -> Response:
    """202 with the run and its address when it was queued now; 200 when an identical request was still waiting
    for a worker (that run is the answer: nothing new was queued)."""
    data = RunDetailSerializer(run, context={"request": request}).data
    code = status.HTTP_202_ACCEPTED if run.created_at >= asked_at else status.HTTP_200_OK
    return Response(data, status=code, headers={"Location": data["url"]})


class RunListCreateApi(GenericAPIView):
    filterset_class = RunFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    serializer_class = RunSerializer

    class InputSerializer(serializers.Serializer):
        """The web's start form (analytics/forms.py): which cases, then how their endpoints are derived."""

        class Meta:
            ref_name = "RunStart"

        centers = serializers.ListField(
            child=serializers.CharField(),
            required=False,
            help_text="Center codes; none: every center you may read. A center's user gives their one center (or "
            "nothing, with one center).",
        )
        lineages = serializers.MultipleChoiceField(choices=Lineage.choices, required=False)
        protocols = serializers.ListField(child=serializers.CharField(), required=False, help_text="Protocol names.")
        year_from = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True)
        year_to = serializers.IntegerField(min_value=1950, max_value=2100, required=False, allow_null=True)
        cal_only = serializers.BooleanField(default=False, help_text="Congenital acute leukemia only (≤ 28 days).")
        apply_exclusions = serializers.BooleanField(
            default=True, help_text="Apply the recorded exclusions to the outcome analyses."
        )
        induction_failure_dating = serializers.ChoiceField(choices=INDUCTION_FAILURE_DATINGS, default="day0")
        induction_window_days = serializers.IntegerField(min_value=0, max_value=60, default=14)
        ci_transform = serializers.ChoiceField(choices=CI_TRANSFORMS, default="log-log")
        rule_version = serializers.CharField(
            required=False, allow_null=True, allow_blank=True, help_text="Cytogenetic risk rule set; none: the default."
        )
        language = serializers.ChoiceField(
            choices=AnalysisRun._meta.get_field("language").choices,
            required=False,
            allow_null=True,
            help_text="The language of the report and its files; none: the request's language (Accept-Language).",
        )

        def _user(self):
            return self.context["request"].user

        def validate_centers(self, codes):
            # A code of a center the user may not read is refused exactly like a code that does not exist.
            return _known(codes, centers_for(self._user()), "code", UNKNOWN_CENTER)

        def validate_protocols(self, names):
            return _known(names, rm.Protocol.objects, "name", UNKNOWN_PROTOCOL)

        def validate_rule_version(self, version):
            if version and not rm.RiskRuleSet.objects.filter(version=version).exists():
                raise serializers.ValidationError(gettext(UNKNOWN_RULE_VERSION).format(value=version))
            return version or None

        def validate(self, data):
            try:
                data["options"] = self._options(data)
            except ValueError as exc:
                raise serializers.ValidationError(gettext(str(exc))) from None
            return data

        @staticmethod
        def _options(data) -> tuple[RunFilters, RunSettings]:
            filters = RunFilters(
                centers=tuple(data.get("centers") or ()),
                lineages=tuple(data.get("lineages") or ()),
                protocols=tuple(data.get("protocols") or ()),
                year_from=data.get("year_from"),
                year_to=data.get("year_to"),
                cal_only=data["cal_only"],
                apply_exclusions=data["apply_exclusions"],
            )
            settings = RunSettings(
                induction_failure_dating=data["induction_failure_dating"],
                induction_window_days=data["induction_window_days"],
                ci_transform=data["ci_transform"],
                rule_version=data.get("rule_version") or None,
            )
            return filters, settings

    def get_queryset(self):
        return runs_with_progress(self.request.user)

    @extend_schema(
        operation_id="runs_list",
        responses={200: RunSerializer(many=True), 404: OpenApiResponse(description="No role in the registry.")},
        tags=TAGS,
        description="The runs you may read, newest first: every run for coordinators and the data manager, your "
        "centers' own reports for a center's users.",
    )
    def get(self, request):
        if not access_for(request.user).has_any_role:
            raise Http404(gettext(NO_RUNS))
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(RunSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="runs_start",
        request=InputSerializer,
        responses={
            202: RunDetailSerializer,
            200: OpenApiResponse(RunDetailSerializer, description="An identical request is still queued: that run."),
            400: OpenApiResponse(description="A filter or setting is not valid (errors by field)."),
            403: OpenApiResponse(description="Your role starts no analyses, or that center is not yours."),
        },
        tags=TAGS,
        description="Start a pooled run (coordinators, the data manager) or your center's report (a center's "
        "users). The run is queued; follow it at its Location. Send an Idempotency-Key to retry safely.",
    )
    def post(self, request):
        if not (can_request_pooled(request.user) or own_centers(request.user).exists()):
            raise PermissionDenied(gettext(NO_ROLE))
        response = idempotent(request, lambda: self._create(request))
        return with_queue_state(request, response)

    def _create(self, request) -> Response:
        given = self.InputSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        filters, settings = given.validated_data["options"]
        asked_at = timezone.now()
        run = run_request(
            user=request.user, filters=filters, settings=settings, language=given.validated_data.get("language")
        )
        return run_started(request, run, asked_at)


def with_queue_state(request, response: Response) -> Response:
    """The answer of a route that started a run, once its request committed (the run is sent then, after the
    answer was built, or stored for an Idempotency-Key's replay): says whether the queue took it."""
    run_id = response.data.get("id") if status.is_success(response.status_code) else None
    run = AnalysisRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None:
        notice = run_queue_notice(run)
        response.data["status"] = run.status
        response.data["waiting_for_queue"] = run.waiting_for_queue
        response.data["progress"] = RunDetailSerializer(run, context={"request": request}).data["progress"]
        if notice:
            response.data["detail"] = notice
    return response


class RunDetailApi(APIView):
    @extend_schema(
        operation_id="runs_read",
        responses={200: RunDetailSerializer, 404: _MISSING},
        tags=TAGS,
        description="Where the run stands (stage, 'k of n centers'), what it was asked, and once done its "
        "fingerprint, the plan versions it executed and its files with their download addresses.",
    )
    def get(self, request, run_id: int):
        run = get_run_for_user(request.user, run_id)
        return Response(RunDetailSerializer(run, context={"request": request}).data)


class RunPlanResultsApi(APIView):
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        operation_id="runs_plan_results",
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            404: _MISSING,
            409: OpenApiResponse(description="The run has not finished, or failed."),
        },
        tags=TAGS,
        description="The JSON document of one plan version the run executed: every analysis with its estimates, "
        "tests and verdicts, center-level counts under the small-cell rule (the file the run keeps; logged as a "
        "download).",
    )
    def get(self, request, run_id: int, plan_version_id: int):
        run = get_run_for_user(request.user, run_id)
        ref = next((p for p in run.settings.get("plans", ()) if p.get("version_id") == plan_version_id), None)
        if ref is None:
            raise Http404(gettext(NOT_IN_RUN))
        if run.source.status != AnalysisRun.Status.DONE:
            return Response({"detail": gettext(RESULTS_NOT_READY)}, status=status.HTTP_409_CONFLICT)
        artifact = RunArtifact.objects.filter(
            run_id=run.source.pk, kind=RunArtifact.Kind.JSON, name=plan_file_name(ref)
        ).first()
        if artifact is None:
            raise Http404(gettext(NOT_IN_RUN))
        return json_document_response(request, run, artifact)


class RunArtifactDownloadApi(APIView):
    content_negotiation_class = FileContentNegotiation

    @extend_schema(
        operation_id="runs_artifact_download",
        responses={**FILE_RESPONSES, 404: _MISSING},
        tags=TAGS,
        description="One file of the run (the report PDF, the XLSX workbook, the dataset CSV, a figure, a plan's "
        "JSON), as an attachment; every download is logged.",
    )
    def get(self, request, run_id: int, artifact_id: int):
        run, artifact = get_artifact_for_user(request.user, run_id, artifact_id)
        return artifact_response(request, run, artifact)
