"""Filters of the run and plan lists. Neither has an updated_at: a run changes when it is requested, started and
finished; a plan on each write, which its history records."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q

from analytics.runs.models import AnalysisRun
from analytics.studies.models import AnalysisPlan, PlanVersion
from registry.api.filters import ModifiedSinceFilterSet, UtcDateTimeFilter

__all__ = ["RUN_KINDS", "PlanFilterSet", "RunFilterSet"]

RUN_KINDS = [("pooled", "Pooled analysis"), ("center", "A center's own report")]


class RunFilterSet(ModifiedSinceFilterSet):
    status = django_filters.ChoiceFilter(choices=AnalysisRun.Status.choices)
    kind = django_filters.ChoiceFilter(
        choices=RUN_KINDS,
        method="filter_kind",
        label="pooled, or center (a center's own report)",
    )
    center = django_filters.CharFilter(field_name="scope_center__code", label="Code of a center report's center")
    trigger = django_filters.ChoiceFilter(choices=AnalysisRun.Trigger.choices)
    modified_since = UtcDateTimeFilter(
        method="filter_modified_since", label="Requested, started or finished at or after (ISO 8601 date-time)"
    )

    class Meta:
        model = AnalysisRun
        fields = ["status", "kind", "center", "trigger", "modified_since"]

    def filter_kind(self, queryset, name, value):
        return queryset.filter(scope_center__isnull=value == "pooled")

    def filter_modified_since(self, queryset, name, value):
        return queryset.filter(Q(created_at__gte=value) | Q(started_at__gte=value) | Q(finished_at__gte=value))


class PlanFilterSet(ModifiedSinceFilterSet):
    archived = django_filters.BooleanFilter(method="filter_archived", label="true: archived plans only; false: none")
    registered = django_filters.BooleanFilter(
        method="filter_registered", label="true: plans with a registered version (the nightly run executes them)"
    )
    modified_since = UtcDateTimeFilter(
        field_name="changed_at", lookup_expr="gte", label="Changed at or after (ISO 8601 date-time)"
    )

    class Meta:
        model = AnalysisPlan
        fields = ["archived", "registered", "modified_since"]

    def filter_archived(self, queryset, name, value):
        return queryset.filter(archived_at__isnull=not value)

    def filter_registered(self, queryset, name, value):
        registered = PlanVersion.objects.filter(plan=OuterRef("pk"), registered_at__isnull=False)
        return queryset.filter(Exists(registered)) if value else queryset.exclude(Exists(registered))
