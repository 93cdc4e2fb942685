"""Cases: list, register, read, change, lock, unlock, archive, and the audit trail. Thin views: an input
serializer checks the shape, one service decides and writes (and audits), an output serializer renders."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.access import cases_for, centers_for
from registry.api.cases.common import IDEMPOTENCY_KEY, IF_MATCH, case_for, errors
from registry.api.cases.filters import CaseFilterSet, CaseOrderingFilter
from registry.api.cases.kinds import prefetched_state, records_prefetch
from registry.api.cases.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    CaseWithRecordsSerializer,
    RegistrySerializer,
)
from registry.api.idempotency import idempotent
from registry.api.labels import LABELS_PARAMETER
from registry.api.versions import if_match_version, with_etag
from registry.derivation import derive_from_state
from registry.models import Case, Center, RiskRuleSet
from registry.services.cases import (
    CASE_FIELDS,
    REASON_MAX_LENGTH,
    case_archive,
    case_create,
    case_lock,
    case_unlock,
    case_update,
)

__all__ = ["CaseArchiveApi", "CaseDetailApi", "CaseListApi", "CaseLockApi", "CaseUnlockApi"]

EXPAND_INVALID = gettext_noop("expand takes one value: records (or leave it out).")
NO_CENTER_TO_WRITE = gettext_noop("Your role reads cases but does not register them.")

EXPAND_PARAMETER = OpenApiParameter(
    "expand",
    OpenApiTypes.STR,
    enum=["records"],
    description="`records`: each case with all its live records, by kind (as in GET /cases/{registry_id}/).",
)
_TAGS = ["cases"]


def _expanded(request) -> bool:
    return request.query_params.get("expand") == "records"


def case_with_records(user, registry_id: str) -> Case:
    """The case, scoped, with every live record: one query for the case and one per kind of record."""
    select, prefetch = records_prefetch()
    return case_for(user, registry_id, queryset=lambda qs: qs.select_related(*select).prefetch_related(*prefetch))


def _derived(case: Case) -> dict | None:
    # Derived from the records just loaded for the response, not read again (CaseState.load would).
    try:
        return derive_from_state(prefetched_state(case)).as_row()
    except RiskRuleSet.DoesNotExist:
        return None


def case_response(request, case: Case | str, *, status_code: int = status.HTTP_200_OK, headers=None) -> Response:
    """The case as GET answers it: pass its registry ID (read once, with its records) or a case just written
    (read again, since the write changed it)."""
    case = case_with_records(request.user, case if isinstance(case, str) else case.registry_id)
    case.derived = _derived(case)
    data = CaseDetailSerializer(case, context={"request": request}).data
    return with_etag(Response(data, status=status_code, headers=headers), case.version)


class CaseListApi(generics.ListAPIView):
    """The cases you may read, filtered and ordered, a page at a time (cursor)."""

    filterset_class = CaseFilterSet
    filter_backends = [DjangoFilterBackend, CaseOrderingFilter]
    ordering_fields = ["updated_at", "created_at", "registry_id"]
    ordering = ["registry_id"]

    class InputSerializer(RegistrySerializer):
        center = serializers.SlugRelatedField(slug_field="code", queryset=Center.objects.none())
        hospital_number = serializers.CharField(max_length=60, write_only=True)

        class Meta:
            model = Case
            fields = ("center", "hospital_number", *CASE_FIELDS)
            validators: list = []

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            request = self.context.get("request")
            if request is not None:
                self.fields["center"].queryset = centers_for(request.user, writable=True)

    def get_serializer_class(self):
        return CaseWithRecordsSerializer if _expanded(self.request) else CaseSerializer

    def get_queryset(self):
        qs = cases_for(self.request.user).select_related("center", "diagnosis")
        if _expanded(self.request):
            select, prefetch = records_prefetch()
            qs = qs.select_related(*select).prefetch_related(*prefetch)
        return qs

    @extend_schema(
        operation_id="cases_list",
        parameters=[EXPAND_PARAMETER, LABELS_PARAMETER],
        responses={200: CaseWithRecordsSerializer(many=True), **errors(400, 404)},
        tags=_TAGS,
    )
    def get(self, request, *args, **kwargs):
        if request.query_params.getlist("expand") not in ([], ["records"]):
            raise serializers.ValidationError({"expand": [gettext(EXPAND_INVALID)]})
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="cases_create",
        parameters=[IDEMPOTENCY_KEY, LABELS_PARAMETER],
        request=InputSerializer,
        responses={201: CaseDetailSerializer, **errors(400, 403, 422)},
        tags=_TAGS,
    )
    def post(self, request):
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        if not centers_for(request.user, writable=True).exists():
            raise PermissionDenied(gettext(NO_CENTER_TO_WRITE))
        data = self.InputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = case_create(user=request.user, **data.validated_data)
        location = reverse("registry_api:case-detail", kwargs={"registry_id": case.registry_id})
        return case_response(request, case, status_code=status.HTTP_201_CREATED, headers={"Location": location})


class CaseDetailApi(APIView):
    class InputSerializer(RegistrySerializer):
        class Meta:
            model = Case
            fields = CASE_FIELDS
            validators: list = []

    @extend_schema(
        operation_id="cases_retrieve",
        parameters=[LABELS_PARAMETER],
        responses={200: CaseDetailSerializer, **errors(404)},
        tags=_TAGS,
    )
    def get(self, request, registry_id: str):
        return case_response(request, registry_id)

    @extend_schema(
        operation_id="cases_partial_update",
        parameters=[IF_MATCH, LABELS_PARAMETER],
        request=InputSerializer,
        responses={200: CaseDetailSerializer, **errors(400, 403, 404, 412, 428)},
        tags=_TAGS,
    )
    def patch(self, request, registry_id: str):
        case = case_for(request.user, registry_id, edit=True)
        version = if_match_version(request)
        data = self.InputSerializer(case, data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        case = case_update(user=request.user, case=case, expected_version=version, **data.validated_data)
        return case_response(request, case)


class _ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class _CaseActionApi(APIView):
    """POST /cases/{registry_id}/<action>/: one service call; answers with the case as it now is."""

    def post(self, request, registry_id: str):
        case = case_for(request.user, registry_id, write=True)
        data = _ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = self.act(request.user, case, data.validated_data["reason"])
        if case.archived_at is not None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return case_response(request, case)


def _action_schema(operation_id: str, description: str, *, ok=None):
    return extend_schema(
        operation_id=operation_id,
        description=description,
        request=_ReasonSerializer,
        responses={**({200: CaseDetailSerializer} if ok is None else ok), **errors(400, 403, 404)},
        tags=_TAGS,
    )


class CaseLockApi(_CaseActionApi):
    @_action_schema("cases_lock", "Sign the case off (a center lead or the data manager). No reason needed.")
    def post(self, request, registry_id: str):
        return super().post(request, registry_id)

    def act(self, user, case, reason):
        return case_lock(user=user, case=case)


class CaseUnlockApi(_CaseActionApi):
    @_action_schema("cases_unlock", "Open a locked case for edits again, with a reason kept in its history.")
    def post(self, request, registry_id: str):
        return super().post(request, registry_id)

    def act(self, user, case, reason):
        return case_unlock(user=user, case=case, reason=reason)


class CaseArchiveApi(_CaseActionApi):
    @_action_schema(
        "cases_archive",
        "Take the case out of lists and analyses (nothing is deleted; the data manager restores it in the admin). "
        "A reason is required.",
        ok={204: OpenApiResponse(description="Archived: the case is no longer listed.")},
    )
    def post(self, request, registry_id: str):
        return super().post(request, registry_id)

    def act(self, user, case, reason):
        return case_archive(user=user, case=case, reason=reason)
