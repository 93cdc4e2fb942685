"""How analysis plans and their versions read over the API (output only)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from analytics.api.serializers import api_url
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.selectors import plan_runs

__all__ = ["PlanDetailSerializer", "PlanSerializer", "PlanVersionSerializer", "plan_detail_data"]


class PlanLatestVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    registered = serializers.BooleanField(source="is_registered")
    registered_at = serializers.DateTimeField(allow_null=True)
    changed_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class PlanSerializer(serializers.ModelSerializer):
    """A plan in a list; its latest version comes from the view's context (one query for a page)."""

    url = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    archived = serializers.BooleanField(source="is_archived")
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = AnalysisPlan
        fields = [
            "id",
            "url",
            "name",
            "question",
            "slug",
            "revision",
            "archived",
            "archived_at",
            "created_by",
            "created_at",
            "latest_version",
        ]
        read_only_fields = fields
        extra_kwargs = {"revision": {"help_text": "Bumped by every change: the plan's ETag and If-Match version."}}

    def get_url(self, plan: AnalysisPlan) -> str:
        return api_url("plan-detail", self, plan.pk)

    @extend_schema_field(PlanLatestVersionSerializer(allow_null=True))
    def get_latest_version(self, plan: AnalysisPlan) -> dict | None:
        latest = self.context.get("latest", {}).get(plan.pk)
        return PlanLatestVersionSerializer(latest).data if latest is not None else None


class PlanVersionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    plan = serializers.PrimaryKeyRelatedField(read_only=True)
    spec = serializers.JSONField(help_text="The plan as data (PlanSpec.as_dict()).")
    registered = serializers.BooleanField(source="is_registered")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    registered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "url",
            "plan",
            "number",
            "registered",
            "registered_at",
            "registered_by",
            "note",
            "created_by",
            "created_at",
            "changed_by",
            "changed_at",
            "spec",
        ]
        read_only_fields = fields

    def get_url(self, version: PlanVersion) -> str:
        return api_url("plan-version-detail", self, version.plan_id, version.number)


class PlanVersionBriefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    registered = serializers.BooleanField(source="is_registered")
    registered_at = serializers.DateTimeField(allow_null=True)
    changed_at = serializers.DateTimeField()
    url = serializers.CharField()


class PlanVerdictSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    word = serializers.CharField(allow_null=True, help_text="The verdict on the analysis's published claim.")


class PlanRunBriefSerializer(serializers.Serializer):
    run_id = serializers.IntegerField()
    run_url = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    version_number = serializers.IntegerField()
    verdicts = PlanVerdictSerializer(many=True)
    results_url = serializers.CharField(allow_null=True)


class PlanDetailSerializer(PlanSerializer):
    spec = serializers.SerializerMethodField(help_text="The latest version's spec (PlanSpec.as_dict()).")
    versions = serializers.SerializerMethodField()
    runs = serializers.SerializerMethodField(help_text="The latest runs that executed a version of this plan.")

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "spec", "versions", "runs"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_spec(self, plan) -> dict | None:
        latest = self.context["latest"].get(plan.pk)
        return latest.spec if latest is not None else None

    @extend_schema_field(PlanVersionBriefSerializer(many=True))
    def get_versions(self, plan) -> list[dict]:
        return PlanVersionBriefSerializer(
            [
                {
                    "number": v.number,
                    "is_registered": v.is_registered,
                    "registered_at": v.registered_at,
                    "changed_at": v.changed_at,
                    "url": api_url("plan-version-detail", self, plan.pk, v.number),
                }
                for v in self.context["versions"]
            ],
            many=True,
        ).data

    @extend_schema_field(PlanRunBriefSerializer(many=True))
    def get_runs(self, plan) -> list[dict]:
        rows = [
            {
                "run_id": r["run"].pk,
                "run_url": api_url("run-detail", self, r["run"].pk),
                "status": r["run"].status,
                "created_at": r["run"].created_at,
                "version_number": r["version"].number,
                "verdicts": r["verdicts"],
                "results_url": api_url("run-plan-results", self, r["run"].pk, r["version"].pk) if r["json"] else None,
            }
            for r in plan_runs(plan)
        ]
        return PlanRunBriefSerializer(rows, many=True).data


def plan_detail_data(plan: AnalysisPlan, request) -> dict:
    """A plan as its detail reads: with its latest spec, its versions (newest first) and its runs."""
    versions = list(plan.versions.order_by("-number"))
    context = {"request": request, "latest": {plan.pk: versions[0]} if versions else {}, "versions": versions}
    return PlanDetailSerializer(plan, context=context).data
