"""GET /api/v1/quality/summary/: the quality dashboard's counts, per center and per rule, as the dashboard shows
them to the reader (quality.selectors.overview and rule_rows): a coordinator gets these counts and the rules'
descriptions, never a finding's message; follow-up completeness is null where the reader has no exact dates."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from quality import selectors
from quality.models import Severity, Stage

__all__ = ["QualitySummaryApi"]


class QualityFollowUpSerializer(serializers.Serializer):
    living = serializers.IntegerField(help_text="Living children.")
    seen_12m = serializers.IntegerField(source="living_seen_12m", help_text="Of them, seen in the last 12 months.")
    percent = serializers.FloatField(source="follow_up_pct", allow_null=True)


class QualityCompletenessSerializer(serializers.Serializer):
    stage = serializers.CharField()
    percent = serializers.FloatField(allow_null=True, help_text="Share of cases with nothing missing at this stage.")


class QualityCenterSerializer(serializers.Serializer):
    center = serializers.CharField(source="code")
    name = serializers.CharField()
    cases = serializers.IntegerField()
    cases_with_errors = serializers.IntegerField()
    clean_percent = serializers.FloatField(source="clean_pct", allow_null=True)
    open_errors = serializers.IntegerField()
    open_warnings = serializers.IntegerField()
    open_info = serializers.IntegerField()
    open_queries = serializers.IntegerField()
    follow_up = serializers.SerializerMethodField(help_text="Null where you do not see the center's exact dates.")
    completeness = serializers.SerializerMethodField()

    @extend_schema_field(QualityFollowUpSerializer(allow_null=True))
    def get_follow_up(self, row):
        return QualityFollowUpSerializer(row).data if row.follow_up_shown else None

    @extend_schema_field(QualityCompletenessSerializer(many=True))
    def get_completeness(self, row):
        return [{"stage": stage, "percent": pct} for stage, pct in row.completeness]


class QualityRuleCenterCountSerializer(serializers.Serializer):
    center = serializers.CharField()
    findings = serializers.IntegerField()


class QualityRuleSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.id")
    description = serializers.CharField(source="rule.description")
    severity = serializers.ChoiceField(choices=Severity.choices, source="rule.severity")
    severity_label = serializers.CharField(source="rule.severity_label")
    stage = serializers.ChoiceField(choices=Stage.choices, source="rule.stage")
    stage_label = serializers.CharField(source="rule.stage_label")
    findings = serializers.IntegerField(help_text="Open findings you may see.")
    cases = serializers.IntegerField(help_text="Cases with such findings.")
    by_center = QualityRuleCenterCountSerializer(many=True)


class QualitySummaryApi(APIView):
    @extend_schema_serializer(component_name="QualitySummary")
    class OutputSerializer(serializers.Serializer):
        centers = QualityCenterSerializer(many=True)
        rules = QualityRuleSerializer(many=True)

    @extend_schema(
        operation_id="quality_summary",
        responses={200: OutputSerializer},
        tags=["quality"],
    )
    def get(self, request):
        kept = selectors.kept_figures(request.user)
        centers = selectors.overview(request.user, kept)
        codes = [row.code for row in centers]
        rules = [
            {
                "rule": row.rule,
                "findings": row.findings,
                "cases": row.cases,
                "by_center": [{"center": code, "findings": n} for code, n in zip(codes, row.by_center, strict=True)],
            }
            for row in selectors.rule_rows(request.user, codes, kept)
        ]
        data = {"centers": centers, "rules": rules}
        return Response(self.OutputSerializer(data, context={"request": request}).data)
