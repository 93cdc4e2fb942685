"""A case's records, one kind at a time: list, add, read, change, archive (`/cases/{registry_id}/records/{kind}/`).
Every write is one RecordChange through registry.services.records.records_save: the same field checks, entry
rules, version check and audit as the web forms; nothing is ever deleted."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import filters, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.access import access_for, records_for
from registry.api.cases.common import IDEMPOTENCY_KEY, IF_MATCH, case_for, errors
from registry.api.cases.filters import month_start
from registry.api.cases.kinds import KINDS, Kind, kind_for
from registry.api.cases.serializers import RECORD_SERIALIZERS, RECORD_UPDATE_SERIALIZERS
from registry.api.filters import ModifiedSinceFilterSet
from registry.api.idempotency import idempotent
from registry.api.labels import LABELS_PARAMETER
from registry.api.versions import if_match_version, with_etag
from registry.services.records import RecordChange, records_save

__all__ = ["RecordArchiveApi", "RecordDetailApi", "RecordListApi"]

ONE_PER_CASE = gettext_noop("This case already has a {what}. Change it (PATCH {url}) instead of adding a second one.")
ONE_PER_VALUE = gettext_noop(
    "This case already has a {what} with this {field}. Change that one instead of adding a second one."
)
NO_SUCH_RECORD = gettext_noop("No such record of this case.")

MAX_ID = 2**31 - 1
KIND_PARAMETER = OpenApiParameter("kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(KINDS))
_TAGS = ["records"]


def _polymorphic(name: str, serializers_by_kind: dict, **kwargs):
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[s() for s in serializers_by_kind.values()],
        resource_type_field_name=None,
        **kwargs,
    )


RECORD = _polymorphic("CaseRecord", RECORD_SERIALIZERS)
RECORD_UPDATE = _polymorphic("CaseRecordUpdate", RECORD_UPDATE_SERIALIZERS)


def _context(request) -> dict:
    return {"request": request}


def _record(user, case, kind: Kind, record_id: int):
    if record_id > MAX_ID:  # beyond any id the database can hold (it would refuse the comparison)
        raise Http404(gettext(NO_SUCH_RECORD))
    record = records_for(user, kind.model).filter(case=case, pk=record_id).select_related(*kind.vocabularies).first()
    if record is None:
        raise Http404(gettext(NO_SUCH_RECORD))
    record.case = case
    return record


def _record_response(request, kind: Kind, record, *, status_code=status.HTTP_200_OK, headers=None) -> Response:
    record.case = case_for(request.user, record.case.registry_id)  # as saved: a new diagnosis date moves the anchor
    data = RECORD_SERIALIZERS[kind.slug](record, context=_context(request)).data
    return with_etag(Response(data, status=status_code, headers=headers), record.version)


def _refuse_second(case, kind: Kind, values: dict) -> None:
    """One diagnosis and one treatment per case, one lab panel per time point (archived or not: the database
    keeps one row), refused in words rather than by the constraint."""
    if kind.one_per_case and kind.model.objects.filter(case=case).exists():
        url = reverse("registry_api:case-detail", kwargs={"registry_id": case.registry_id})
        what = kind.model._meta.verbose_name
        raise ValidationError(gettext(ONE_PER_CASE).format(what=what, url=f"{url}records/{kind.slug}/{{record_id}}/"))
    if kind.unique_by and kind.model.objects.filter(case=case, **{f: values.get(f) for f in kind.unique_by}).exists():
        field = kind.unique_by[0]
        raise ValidationError(
            {
                field: [
                    gettext(ONE_PER_VALUE).format(
                        what=kind.model._meta.verbose_name, field=kind.model._meta.get_field(field).verbose_name
                    )
                ]
            }
        )


class _RecordFilterSet(ModifiedSinceFilterSet):
    def filter_queryset(self, queryset):
        since = self.form.cleaned_data.get("modified_since")
        access = access_for(self.request.user)
        if since is not None and access.read_all and not access.write_all:
            # A pseudonymized reader could bisect the moment to learn when a record was saved: to the month.
            self.form.cleaned_data["modified_since"] = month_start(since)
        return super().filter_queryset(queryset)


class RecordListApi(generics.ListAPIView):
    """The live records of one kind of a case, a page at a time; POST adds one."""

    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    # Not by time: a pseudonymized reader's page cursor would carry a record's exact save time.
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_filterset_class(self):
        return _RecordFilterSet

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):
            return RECORD_SERIALIZERS["diagnosis"]
        return RECORD_SERIALIZERS[kind_for(self.kwargs["kind"]).slug]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return KINDS["diagnosis"].model.objects.none()
        kind = kind_for(self.kwargs["kind"])
        case = case_for(self.request.user, self.kwargs["registry_id"])
        self.case = case
        return records_for(self.request.user, kind.model).filter(case=case).select_related(*kind.vocabularies)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        for record in page if page is not None else []:
            record.case = self.case
        return page

    @extend_schema(
        operation_id="records_list",
        parameters=[KIND_PARAMETER, LABELS_PARAMETER],
        responses={200: _polymorphic("CaseRecordList", RECORD_SERIALIZERS, many=True), **errors(400, 404)},
        tags=_TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="records_create",
        parameters=[KIND_PARAMETER, IDEMPOTENCY_KEY, LABELS_PARAMETER],
        request=RECORD,
        responses={201: RECORD, **errors(400, 403, 404, 422)},
        tags=_TAGS,
    )
    def post(self, request, registry_id: str, kind: str):
        kind_ = kind_for(kind)
        case = case_for(request.user, registry_id, edit=True)
        return idempotent(request, lambda: self._create(request, case, kind_))

    def _create(self, request, case, kind: Kind) -> Response:
        data = RECORD_SERIALIZERS[kind.slug](data=request.data, context=_context(request))
        data.is_valid(raise_exception=True)
        _refuse_second(case, kind, data.validated_data)
        record = kind.model(case=case, **data.validated_data)
        try:
            records_save(user=request.user, case=case, changes=[RecordChange(record)])
        except IntegrityError:  # a concurrent create won the race past the check above
            _refuse_second(case, kind, data.validated_data)
            raise
        url = reverse(
            "registry_api:record-detail",
            kwargs={"registry_id": case.registry_id, "kind": kind.slug, "record_id": record.pk},
        )
        return _record_response(request, kind, record, status_code=status.HTTP_201_CREATED, headers={"Location": url})


class RecordDetailApi(APIView):
    @extend_schema(
        operation_id="records_retrieve",
        parameters=[KIND_PARAMETER, LABELS_PARAMETER],
        responses={200: RECORD, **errors(404)},
        tags=_TAGS,
    )
    def get(self, request, registry_id: str, kind: str, record_id: int):
        kind_ = kind_for(kind)
        case = case_for(request.user, registry_id)
        return _record_response(request, kind_, _record(request.user, case, kind_, record_id))

    @extend_schema(
        operation_id="records_partial_update",
        parameters=[KIND_PARAMETER, IF_MATCH, LABELS_PARAMETER],
        request=RECORD_UPDATE,
        responses={200: RECORD, **errors(400, 403, 404, 412, 428)},
        tags=_TAGS,
    )
    def patch(self, request, registry_id: str, kind: str, record_id: int):
        kind_ = kind_for(kind)
        case = case_for(request.user, registry_id, edit=True)
        record = _record(request.user, case, kind_, record_id)
        version = if_match_version(request)
        data = RECORD_UPDATE_SERIALIZERS[kind_.slug](record, data=request.data, partial=True, context=_context(request))
        data.is_valid(raise_exception=True)
        for name, value in data.validated_data.items():
            setattr(record, name, value)
        records_save(user=request.user, case=case, changes=[RecordChange(record, version)])
        return _record_response(request, kind_, record)


class _ArchiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RecordArchiveApi(APIView):
    @extend_schema(
        operation_id="records_archive",
        description="Archive the record (it leaves the case's live records; nothing is deleted and the audit trail "
        "keeps it). A diagnosis, a treatment and a lab panel are corrected, not archived (400).",
        parameters=[KIND_PARAMETER, IF_MATCH],
        request=_ArchiveSerializer,
        responses={200: RECORD, **errors(400, 403, 404, 412, 428)},
        tags=_TAGS,
    )
    def post(self, request, registry_id: str, kind: str, record_id: int):
        kind_ = kind_for(kind)
        case = case_for(request.user, registry_id, edit=True)
        record = _record(request.user, case, kind_, record_id)
        version = if_match_version(request)
        data = _ArchiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"].strip()
        (saved,) = records_save(
            user=request.user,
            case=case,
            changes=[RecordChange(record, version, archive=True)],
            reason=f"archived: {reason}" if reason else "",
        )
        saved.case = case
        return _record_response(request, kind_, saved)
