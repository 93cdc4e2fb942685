"""An analysis run, its per-center parts and the files it produced. A finished run never changes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from analytics.runs.progress import RunProgress, run_progress
from registry.models import Center

__all__ = ["AnalysisRun", "RunArtifact", "RunPart", "RunPlan"]

LANGUAGE_CHOICES = list(settings.LANGUAGES)  # the class body's own `settings` field hides the module
RUN_FINISHED = "This run has finished; a finished run never changes. Start a new run instead."


class AnalysisRun(models.Model):
    """One pooled analysis (or one center's report): what was asked, on which rows, and what came out."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        USER = "user", _("A user")
        SCHEDULE = "schedule", _("The schedule")

    FINISHED = (Status.DONE, Status.FAILED)

    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_center = models.ForeignKey(
        Center,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set for a center's own report: that center against the pool, other centers unnamed.",
    )
    filters = models.JSONField(default=dict)
    settings = models.JSONField(default=dict)
    fingerprint = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="SHA-256 of the exact input rows and the settings."
    )
    code_version = models.CharField(max_length=100, blank=True)
    language = models.CharField(
        _("report language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        default="en",
        help_text=_("The language every file of the run (page, PDF, workbook, figures) is written in."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True)
    reused_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A finished run on the same rows and settings whose results this run stands for.",
    )
    request_key = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of what was asked (scope, filters, settings, trigger, code, data cut): an identical "
        "request while this run is queued gets this run.",
    )
    parts_expected = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many centers' parts the run reads; set when a worker takes it."
    )
    n_cases = models.PositiveIntegerField(null=True, blank=True, help_text="Set by the worker.")
    data_cut = models.DateField(null=True, blank=True)
    results = models.JSONField(null=True, blank=True, help_text="The report as data (Report.to_dict()).")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the run was last handed to the queue (Redis). Empty while the queue could not take it: "
        "it is sent once the queue is back (analytics.runs.sending).",
    )
    start_message = models.CharField(
        max_length=255,
        blank=True,
        help_text="The id of the start message (Celery task id) that claimed the run. Only that message, delivered "
        "again because its worker died, resumes the run; a copy the outbox sent again does nothing.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["fingerprint", "status"])]
        constraints = [
            # Asking twice while the first is still waiting queues nothing new (run_request finds the first).
            models.UniqueConstraint(
                fields=["request_key"],
                condition=models.Q(status="queued") & ~models.Q(request_key=""),
                name="one_queued_run_per_request",
            )
        ]

    def __str__(self) -> str:
        what = f"{self.scope_center.code} report" if self.scope_center_id else "pooled analysis"
        return f"Run {self.pk}: {what} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # Services move a run forward with conditional updates; this is the last line against any other path.
        if self._stored_status() in self.FINISHED:
            raise ValidationError(RUN_FINISHED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Analysis runs are kept; they are never deleted.")

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def waiting_for_queue(self) -> bool:
        """Queued, but the queue could not take it yet (Redis unreachable when it was asked for)."""
        return self.status == self.Status.QUEUED and self.sent_at is None

    @property
    def progress(self) -> RunProgress:
        """The stage and 'k of n centers'. Counts the parts unless a selector annotated ``parts_done``."""
        done = getattr(self, "parts_done", None)
        if done is None:
            done = self.parts.count()
        return run_progress(
            status=self.status, parts_expected=self.parts_expected, parts_done=done, sent=self.sent_at is not None
        )

    @property
    def source(self) -> AnalysisRun:
        """The run whose results and files this run shows: itself, or the identical run it reused."""
        return self.reused_from if self.reused_from_id else self

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


def artifact_folder(run_id: int) -> str:
    """The folder of the file store that holds one run's files."""
    return f"analysis_runs/{run_id}"


def _artifact_path(artifact: RunArtifact, filename: str) -> str:
    return f"{artifact_folder(artifact.run_id)}/{filename}"


class RunArtifact(models.Model):
    """A file a run produced, kept under MEDIA_ROOT and served only through an access-checked view."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF report")
        XLSX = "xlsx", _("XLSX workbook")
        CSV = "csv", _("Dataset (CSV)")
        PNG = "png", _("Figure (PNG)")
        SVG = "svg", _("Figure (SVG)")
        JSON = "json", _("Plan results (JSON)")

    CONTENT_TYPES = {
        Kind.PDF: "application/pdf",
        Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Kind.CSV: "text/csv",
        Kind.PNG: "image/png",
        Kind.SVG: "image/svg+xml",
        Kind.JSON: "application/json",
    }

    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="artifacts")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    name = models.CharField(max_length=100, help_text="'report', 'dataset' or the figure's name.")
    file = models.FileField(upload_to=_artifact_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["run", "kind", "name"], name="one_artifact_per_kind_name")]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs):
        if self.run._stored_status() in AnalysisRun.FINISHED:
            raise ValidationError(RUN_FINISHED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.run._stored_status() in AnalysisRun.FINISHED:
            raise ValidationError(RUN_FINISHED)
        return super().delete(*args, **kwargs)

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.kind}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]


class RunPart(models.Model):
    """One center's share of a run, built by its own task: the center's rows until the join has read them,
    then only a summary (the per-center partial result kept with the run).

    The rows are kept column-wise and compressed in ``tables`` (``analytics.columnar``). ``rows`` held them as
    JSON objects, one per row, before: the join still reads a part stored that way, and nothing writes it now.
    """

    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="parts")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=dict, blank=True, help_text="The rows of a part stored before tables existed.")
    tables = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The rows column-wise, as zlib-compressed JSON."
    )
    summary = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center__code"]
        constraints = [models.UniqueConstraint(fields=["run", "center"], name="one_part_per_center")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.center_id}"


class RunPlan(models.Model):
    """An analysis plan version a run executed, and what it gave (``PlanResult.to_dict()``): the plan's page
    lists its runs from here. Written once, by the join, with the run's results."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="plan_results")
    version = models.ForeignKey("studies.PlanVersion", on_delete=models.PROTECT, related_name="run_results")
    spec = models.JSONField(help_text="The spec executed, as the version held it when the run was asked for.")
    results = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["run", "version"], name="one_result_per_run_plan")]

    def __str__(self) -> str:
        return f"run {self.run_id} / plan version {self.version_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(RUN_FINISHED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Analysis runs are kept; they are never deleted.")
