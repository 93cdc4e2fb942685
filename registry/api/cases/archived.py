"""GET /api/v1/cases/archived/: the cases taken out of the registry, so that an incremental pull can drop them too.

`GET /cases/?modified_since=` lists only live cases: without this list a client that copies the registry would
never learn that a case it holds was archived. A case restored later is live again and changed since: the next
pull of /cases/ brings it back."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from registry.access import access_for, cases_for
from registry.api.cases.common import errors
from registry.api.cases.filters import month_start
from registry.api.cases.pseudonymized import TimestampField
from registry.api.filters import ModifiedSinceFilterSet, UtcDateTimeFilter
from registry.models import Case

__all__ = ["ArchivedCaseListApi"]


class ArchivedCaseFilterSet(ModifiedSinceFilterSet):
    modified_since = UtcDateTimeFilter(
        method="filter_modified_since",
        label="Archived at or after this moment (ISO 8601 with a zone; from the start of its month for cases you "
        "see pseudonymized).",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_modified_since(self, queryset, name, value):
        access = access_for(self.request.user)
        if access.write_all or not access.read_all:
            return queryset.filter(archived_at__gte=value)
        # As for /cases/: a pseudonymized reader must not bisect the moment a case was archived.
        mine = Q(center_id__in=access.write_center_ids)
        return queryset.filter((mine & Q(archived_at__gte=value)) | (~mine & Q(archived_at__gte=month_start(value))))


class ArchivedCaseSerializer(serializers.ModelSerializer):
    center = serializers.SlugRelatedField(slug_field="code", read_only=True)
    archived_at = TimestampField(help_text="When it was archived (to the month in the pseudonymized view).")

    class Meta:
        model = Case
        fields = ["registry_id", "center", "archived_at"]
        read_only_fields = fields


class ArchivedCaseListApi(generics.ListAPIView):
    """The archived cases of the centers you may read (registry ID, center, when)."""

    serializer_class = ArchivedCaseSerializer
    filterset_class = ArchivedCaseFilterSet
    # Not by time: the page cursor would carry the exact moment.
    ordering_fields = ["registry_id"]
    ordering = ["registry_id", "pk"]

    def get_queryset(self):
        return (
            cases_for(self.request.user, include_archived=True)
            .filter(archived_at__isnull=False)
            .select_related("center", "diagnosis")
        )

    @extend_schema(
        operation_id="cases_archived_list",
        responses={200: ArchivedCaseSerializer(many=True), **errors(400)},
        tags=["cases"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
