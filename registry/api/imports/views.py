"""Import jobs over the API: upload a file (the dry run), read what it found, then import it or discard it. The
same rules as the web's import pages (registry/views/imports.py): center users for their centers and the data
manager; a colleague sees a job, only its uploader imports or discards it."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AccessEvent
from audit.services import access_event_record
from registry.access import access_for
from registry.api.filters import ModifiedSinceFilterSet, UtcDateTimeFilter
from registry.api.idempotency import idempotent
from registry.api.imports.serializers import ImportJobListSerializer, ImportJobSerializer, ImportUploadSerializer
from registry.models import ImportJob
from registry.selectors import import_jobs_for
from registry.services import imports as services
from registry.views.imports import CENTER_USERS_ONLY

__all__ = ["ImportJobAbandonApi", "ImportJobCommitApi", "ImportJobDetailApi", "ImportJobListCreateApi"]

REFUSED_AT_COMMIT = gettext_noop(
    "Nothing was imported: the registry changed since the check. The problems found this time are in 'job'."
)
TAGS = ["imports"]
_DENIED = OpenApiResponse(description="Not a role that imports (coordinators do not), or not the job's uploader.")
_MISSING = OpenApiResponse(description="No such import among yours.")


def _writer(request) -> None:
    access = access_for(request.user)
    if not (access.write_center_ids or access.write_all):
        raise PermissionDenied(CENTER_USERS_ONLY)


def _log(request, job: ImportJob, detail: str) -> None:
    access_event_record(
        kind=AccessEvent.Kind.IMPORT,
        request=request,
        status=200,
        object_id=job.pk,
        file_name=job.file_name,
        detail=detail,
    )


def _jobs(request):
    return import_jobs_for(request.user).select_related("committed_by")


def _job(request, import_id) -> ImportJob:
    _writer(request)
    return get_object_or_404(_jobs(request), pk=import_id)


class ImportJobFilterSet(ModifiedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=ImportJob.Status.choices)
    center = django_filters.CharFilter(field_name="center__code", label="Center code")
    modified_since = UtcDateTimeFilter(
        method="filter_modified_since", label="Uploaded or imported at or after (ISO 8601 date-time)"
    )

    class Meta:
        model = ImportJob
        fields = ["status", "center", "modified_since"]

    def filter_modified_since(self, queryset, name, value):
        return queryset.filter(Q(uploaded_at__gte=value) | Q(committed_at__gte=value))


class ImportJobListCreateApi(GenericAPIView):
    # The one API address that takes a file; everything else takes JSON only.
    parser_classes = [MultiPartParser]
    filterset_class = ImportJobFilterSet
    ordering_fields = ["uploaded_at", "id"]
    ordering = ["-uploaded_at", "-id"]
    serializer_class = ImportJobListSerializer

    def get_queryset(self):
        return _jobs(self.request)

    @extend_schema(
        operation_id="imports_list",
        responses={200: ImportJobListSerializer(many=True), 403: _DENIED},
        tags=TAGS,
        description="Your centers' import jobs (every center's for the data manager), newest first.",
    )
    def get(self, request):
        _writer(request)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ImportJobListSerializer(page, many=True, context={"request": request}).data)

    @extend_schema(
        operation_id="imports_check",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportJobSerializer,
            400: OpenApiResponse(description="No file, too large, not your center."),
            403: _DENIED,
        },
        tags=TAGS,
        description="Upload a file and check it (a dry run: nothing is written but the job). The job lists every "
        "problem with its sheet, row, column and value; a job without problems can then be committed.",
    )
    def post(self, request):
        _writer(request)
        return idempotent(request, lambda: self._create(request))

    def _create(self, request) -> Response:
        upload = ImportUploadSerializer(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        job = services.import_check(
            user=request.user, center=upload.validated_data["center"], file_name=file.name, data=file.read()
        )
        _log(request, job, f"checked: {job.get_status_display()}, {job.n_problems} problems")
        data = ImportJobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})


class ImportJobDetailApi(APIView):
    @extend_schema(
        operation_id="imports_read",
        responses={200: ImportJobSerializer, 403: _DENIED, 404: _MISSING},
        tags=TAGS,
    )
    def get(self, request, import_id: int):
        job = _job(request, import_id)
        return Response(ImportJobSerializer(job, context={"request": request}).data)


class _JobActionApi(APIView):
    action = staticmethod(services.import_commit)
    done = ""

    def post(self, request, import_id: int):
        job = _job(request, import_id)
        try:
            job = self.action(user=request.user, job=job)
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_409_CONFLICT)
        _log(request, job, f"{self.done}: {job.get_status_display()}")
        data = ImportJobSerializer(job, context={"request": request}).data
        if job.status == ImportJob.Status.REFUSED:
            return Response({"detail": gettext(REFUSED_AT_COMMIT), "job": data}, status=status.HTTP_409_CONFLICT)
        return Response(data)


_CONFLICT = OpenApiResponse(
    description="Not ready: the job has problems, or was committed, refused or discarded already (the detail says "
    "which); or, at commit, the registry changed since the check (nothing was imported)."
)


class ImportJobCommitApi(_JobActionApi):
    action = staticmethod(services.import_commit)
    done = "commit"

    @extend_schema(
        operation_id="imports_commit",
        request=None,
        responses={200: ImportJobSerializer, 403: _DENIED, 404: _MISSING, 409: _CONFLICT},
        tags=TAGS,
        description="Import a checked file (only its uploader may): every row or none.",
    )
    def post(self, request, import_id: int):
        return super().post(request, import_id)


class ImportJobAbandonApi(_JobActionApi):
    action = staticmethod(services.import_abandon)
    done = "discarded"

    @extend_schema(
        operation_id="imports_abandon",
        request=None,
        responses={200: ImportJobSerializer, 403: _DENIED, 404: _MISSING, 409: _CONFLICT},
        tags=TAGS,
        description="Discard a checked file without importing it; the job stays listed.",
    )
    def post(self, request, import_id: int):
        return super().post(request, import_id)
