"""GET /api/v1/quality/findings/ and /findings/{finding_id}/: what the rules found, as the findings page shows it
to each reader (quality.presenters): at the user's own centers the finding's message; where the user has no
exact dates (a coordinator) the rule's description instead, timestamps to the month, and no finding of a rule
that reads today's date (quality.selectors.findings_for)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from quality import selectors
from quality.api.common import StampField, seen_since
from quality.models import Finding, Severity, Stage, describe_target
from quality.presenters import present_findings
from registry.api.filters import ModifiedSinceFilterSet, UtcDateTimeFilter
from registry.api.labels import LABELS_PARAMETER, LabelsMixin
from registry.presentation import dates_policy

__all__ = ["FindingDetailApi", "FindingListApi"]

NO_SUCH_FINDING = gettext_noop("No such finding.")
TAGS = ["quality"]
OPEN, RESOLVED, ALL = "open", "resolved", "all"


class FindingFilter(ModifiedSinceFilterSet):
    modified_since = UtcDateTimeFilter(
        method="filter_modified_since",
        label="Seen, or resolved, at or after (ISO 8601 date-time; compared by month where you see no exact dates)",
    )
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, "open"), (RESOLVED, "resolved"), (ALL, "all")],
        method="filter_status",
        label="open (the default), resolved or all",
    )
    center = django_filters.CharFilter(field_name="case__center__code", label="Center code")
    case = django_filters.CharFilter(field_name="case__registry_id", label="Registry ID of the case")
    rule = django_filters.CharFilter(field_name="rule_id", label="Rule ID, e.g. DQ-COMP-001")
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    stage = django_filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_modified_since(self, queryset, name, value):
        return queryset.filter(seen_since(self.request.user, value, "last_seen", "resolved_at"))

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(resolved_at__isnull=True)
        if value == RESOLVED:
            return queryset.filter(resolved_at__isnull=False)
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(resolved_at__isnull=True)
        return queryset


class QualityFindingPeerSerializer(serializers.Serializer):
    registry_id = serializers.CharField()
    center = serializers.CharField(source="center.code")


class QualityFindingSerializer(LabelsMixin, serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.registry_id", help_text="Registry ID of the case.")
    center = serializers.CharField(source="case.center.code")
    rule = serializers.CharField(source="rule_id")
    rule_description = serializers.SerializerMethodField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    about = serializers.SerializerMethodField(help_text="The record and field, in words.")
    record_model = serializers.CharField(help_text="e.g. registry.labpanel; registry.case for the case itself.")
    record_id = serializers.IntegerField(source="record_pk")
    field = serializers.CharField()
    text = serializers.CharField(
        help_text="The finding's message where you see the case's exact dates, else the rule's description."
    )
    peers = QualityFindingPeerSerializer(
        many=True, help_text="A possible duplicate's other registrations, those you may see (registry ID, center)."
    )
    first_seen = StampField("first_seen")
    last_seen = StampField("last_seen")
    resolved_at = StampField("resolved_at")
    is_open = serializers.BooleanField()

    def get_rule_description(self, finding) -> str:
        return finding.rule.description if finding.rule else ""

    def get_about(self, finding) -> str:
        return describe_target(finding.record_model, finding.field)


def _presented(user, findings) -> list[Finding]:
    """The findings with what this user may read of them attached (text, peers, exact)."""
    findings = present_findings(user, findings)
    policy = dates_policy(user)
    for finding in findings:
        finding.exact = policy.exact_for(finding.case.center_id)
    return findings


def _findings(user):
    return selectors.findings_for(user, open_only=False).select_related("case__center")


class FindingListApi(generics.ListAPIView):
    serializer_class = QualityFindingSerializer
    filterset_class = FindingFilter
    # Ordered by ID only: a cursor carries the value it is positioned on, and a timestamp there would be exact.
    ordering_fields = ["id"]
    ordering = ["-id"]

    def get_queryset(self):
        return _findings(self.request.user)

    @extend_schema(operation_id="quality_findings_list", parameters=[LABELS_PARAMETER], tags=TAGS)
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self.get_serializer(_presented(request.user, page), many=True).data
        return self.get_paginated_response(rows)


class FindingDetailApi(generics.GenericAPIView):
    serializer_class = QualityFindingSerializer

    @extend_schema(
        operation_id="quality_findings_retrieve",
        parameters=[LABELS_PARAMETER],
        responses={200: QualityFindingSerializer, 404: OpenApiResponse(description=NO_SUCH_FINDING)},
        tags=TAGS,
    )
    def get(self, request, finding_id: int):
        finding = _findings(request.user).filter(pk=finding_id).first()
        if finding is None:
            raise Http404(gettext(NO_SUCH_FINDING))
        [finding] = _presented(request.user, [finding])
        return Response(self.get_serializer(finding).data)
