"""GET /api/v1/cases/{registry_id}/audit/: who changed what and when, newest first (registry.selectors.case_audit,
which shows values as the reader may see them)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from registry.api.cases.common import case_for, errors
from registry.presentation import dates_for
from registry.selectors import case_audit

__all__ = ["CaseAuditApi"]

DEFAULT_LIMIT = 200
MAX_LIMIT = 2000


class _ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class CaseAuditApi(APIView):
    class FilterSerializer(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)

    @extend_schema_serializer(component_name="CaseAuditEntry")
    class OutputSerializer(serializers.Serializer):
        when = serializers.CharField(help_text="ISO 8601 date-time; the month (YYYY-MM) in the pseudonymized view.")
        who = serializers.CharField(help_text="Username (a change made with a token names it in `reason`).")
        what = serializers.CharField(help_text="The kind of record, e.g. 'diagnosis', 'case'.")
        action = serializers.ChoiceField(choices=["created", "changed", "archived", "deleted"])
        reason = serializers.CharField()
        changes = _ChangeSerializer(many=True)

    @extend_schema(
        operation_id="cases_audit",
        parameters=[
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"The newest N entries (default {DEFAULT_LIMIT}, up to {MAX_LIMIT}).",
            )
        ],
        responses={200: OutputSerializer(many=True), **errors(400, 404)},
        tags=["cases"],
    )
    def get(self, request, registry_id: str):
        case = case_for(request.user, registry_id)
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        dates = dates_for(request.user, case)
        entries = case_audit(case, request.user, limit=params.validated_data["limit"])
        rows = [
            {
                "when": entry.when.isoformat() if dates.exact else dates.stamp(entry.when),
                "who": entry.who,
                "what": entry.what,
                "action": entry.action,
                "reason": entry.reason,
                "changes": [{"field": c.field, "label": c.label, "old": c.old, "new": c.new} for c in entry.changes],
            }
            for entry in entries
        ]
        return Response(self.OutputSerializer(rows, many=True).data)
