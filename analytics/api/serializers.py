"""How runs and their files read over the API (output only: a start's input lives with its view)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.services import USER_FACING_ERRORS
from registry.access import access_for

__all__ = ["RunArtifactSerializer", "RunDetailSerializer", "RunSerializer", "api_url"]

FAILED_REASON_HIDDEN = "This run failed. Its reason may name other centers' data: the data manager can read it."


def api_url(name: str, serializer: serializers.Serializer, *args) -> str:
    return reverse(f"analytics_api:{name}", args=args, request=serializer.context.get("request"))


class RunProgressSerializer(serializers.Serializer):
    stage = serializers.CharField(
        help_text="Waiting for a worker, reading the centers' records, computing, done, failed."
    )
    label = serializers.CharField(help_text="The stage in words, with 'k of n centers' while the records are read.")
    centers = serializers.CharField(help_text="'k of n centers' once a worker has taken the run, else empty.")
    parts_done = serializers.IntegerField()
    parts_expected = serializers.IntegerField(allow_null=True)


class RunPlanRefSerializer(serializers.Serializer):
    version_id = serializers.IntegerField(source="plan_version_id")
    plan_id = serializers.IntegerField(allow_null=True)
    number = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    registered = serializers.BooleanField(help_text="False: a draft when the run was asked for.")
    results_url = serializers.URLField(allow_null=True, help_text="The plan's JSON document, once the run is done.")


class RunSerializer(serializers.ModelSerializer):
    """A run in a list: what was asked, where it stands, and how to reach it."""

    url = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    kind = serializers.SerializerMethodField(help_text="'pooled', or 'center' for a center's own report.")
    center = serializers.SlugRelatedField(
        source="scope_center",
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The center of a center's report; null for a pooled run.",
    )
    requested_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    failure_reason = serializers.SerializerMethodField()
    waiting_for_queue = serializers.BooleanField(
        read_only=True,
        help_text="True: the queue (Redis) could not take the run yet; it starts by itself once the queue is back.",
    )
    filters = serializers.JSONField(help_text="centers, lineages, protocols, year_from, year_to, cal_only, ...")
    settings = serializers.SerializerMethodField()
    plans = serializers.SerializerMethodField()

    class Meta:
        model = AnalysisRun
        fields = [
            "id",
            "url",
            "status",
            "status_label",
            "kind",
            "center",
            "trigger",
            "requested_by",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "data_cut",
            "n_cases",
            "fingerprint",
            "code_version",
            "language",
            "reused_from",
            "failure_reason",
            "waiting_for_queue",
            "filters",
            "settings",
            "plans",
        ]
        read_only_fields = fields
        extra_kwargs = {"reused_from": {"help_text": "The identical finished run whose results and files this shows."}}

    def get_url(self, run: AnalysisRun) -> str:
        return api_url("run-detail", self, run.pk)

    def get_kind(self, run: AnalysisRun) -> str:
        return "center" if run.scope_center_id else "pooled"

    def get_requested_by(self, run: AnalysisRun) -> str | None:
        return run.requested_by.get_username() if run.requested_by_id else None

    @extend_schema_field(RunProgressSerializer)
    def get_progress(self, run: AnalysisRun) -> dict:
        progress = run.progress
        return {
            "stage": progress.stage,
            "label": progress.label,
            "centers": progress.centers,
            "parts_done": progress.parts_done,
            "parts_expected": progress.parts_expected,
        }

    def get_failure_reason(self, run: AnalysisRun) -> str | None:
        if run.status != AnalysisRun.Status.FAILED:
            return None
        request = self.context.get("request")
        if (request is not None and access_for(request.user).read_all) or run.error in USER_FACING_ERRORS:
            return run.error
        return FAILED_REASON_HIDDEN

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_settings(self, run: AnalysisRun) -> dict:
        """induction_failure_dating, induction_window_days, ci_transform, rule_version (the plans are apart)."""
        return {k: v for k, v in run.settings.items() if k != "plans"}

    @extend_schema_field(RunPlanRefSerializer(many=True))
    def get_plans(self, run: AnalysisRun) -> list[dict]:
        done = run.source.status == AnalysisRun.Status.DONE
        rows = [
            {
                "plan_version_id": p["version_id"],
                "plan_id": p.get("plan_id"),
                "number": p.get("number"),
                "name": (p.get("spec") or {}).get("name", ""),
                "registered": bool(p.get("registered")),
                "results_url": api_url("run-plan-results", self, run.pk, p["version_id"]) if done else None,
            }
            for p in run.settings.get("plans", ())
        ]
        return RunPlanRefSerializer(rows, many=True).data


class RunArtifactSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    filename = serializers.CharField()
    content_type = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = RunArtifact
        fields = ["id", "kind", "kind_label", "name", "filename", "content_type", "size", "sha256", "download_url"]
        read_only_fields = fields

    def get_download_url(self, artifact: RunArtifact) -> str:
        return api_url("run-artifact", self, self.context["run"].pk, artifact.pk)


class RunDetailSerializer(RunSerializer):
    """A run with its files (those of the run it reused, if it did), once it is done."""

    artifacts = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "artifacts"]
        read_only_fields = fields

    @extend_schema_field(RunArtifactSerializer(many=True))
    def get_artifacts(self, run: AnalysisRun) -> list[dict]:
        source = run.source
        if source.status != AnalysisRun.Status.DONE:
            return []
        return RunArtifactSerializer(source.artifacts.all(), many=True, context={**self.context, "run": run}).data
