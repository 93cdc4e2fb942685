"""GET /api/v1/quality/queries/ and /queries/{query_id}/: the queries of the user's cases with their threads
(quality.selectors.queries_for). A coordinator reads pooled data, not the correspondence about it: their list is
empty and every query a 404, as on the pages; another center's query is a 404 too."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from quality import selectors
from quality.api.query_output import (
    QualityQueryDetailSerializer,
    QualityQuerySerializer,
    query_detail_queryset,
    query_list_queryset,
)
from quality.models import Query, QueryStatus
from registry.api.filters import ModifiedSinceFilterSet
from registry.api.labels import LABELS_PARAMETER

__all__ = ["NO_SUCH_QUERY", "QueryDetailApi", "QueryListApi", "get_query_for_user"]

NO_SUCH_QUERY = gettext_noop("No such query.")
TAGS = ["quality"]


def get_query_for_user(user, query_id, *, detail: bool = False) -> Query:
    """A query from the user's scope only: anything else is a 404, like its case."""
    queries = selectors.queries_for(user)
    query = (query_detail_queryset(queries) if detail else queries.select_related("case")).filter(pk=query_id).first()
    if query is None:
        raise Http404(gettext(NO_SUCH_QUERY))
    return query


class QueryFilter(ModifiedSinceFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=QueryStatus.choices, label="Status (repeatable)")
    center = django_filters.CharFilter(field_name="case__center__code", label="Center code")
    case = django_filters.CharFilter(field_name="case__registry_id", label="Registry ID of the case")
    finding = django_filters.NumberFilter(
        field_name="finding_id",
        label="ID of the finding it was opened from",
        min_value=1,
        max_value=2**31 - 1,
    )

    class Meta:
        model = Query
        fields: list[str] = []


class QueryListApi(generics.ListAPIView):
    serializer_class = QualityQuerySerializer
    filterset_class = QueryFilter
    ordering_fields = ["updated_at", "opened_at", "id"]
    ordering = ["-updated_at", "-id"]

    def get_queryset(self):
        return query_list_queryset(selectors.queries_for(self.request.user))

    @extend_schema(operation_id="quality_queries_list", parameters=[LABELS_PARAMETER], tags=TAGS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class QueryDetailApi(generics.GenericAPIView):
    serializer_class = QualityQueryDetailSerializer

    @extend_schema(
        operation_id="quality_queries_retrieve",
        parameters=[LABELS_PARAMETER],
        responses={200: QualityQueryDetailSerializer, 404: OpenApiResponse(description=NO_SUCH_QUERY)},
        tags=TAGS,
    )
    def get(self, request, query_id: int):
        return Response(self.get_serializer(get_query_for_user(request.user, query_id, detail=True)).data)
