from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.centers import Center


class ImportJob(models.Model):
    """One uploaded file and what became of it: checked (with its problems), committed, or refused at commit.

    The file itself is kept until it is committed or abandoned, so that the commit imports exactly what was
    checked (its SHA-256 is compared); the job, its counts and problems are kept for good.
    """

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked: ready to import")
        PROBLEMS = "problems", _("Checked: problems to correct")
        COMMITTED = "committed", _("Imported")
        REFUSED = "refused", _("Refused at import (the registry changed since the check)")
        ABANDONED = "abandoned", _("Not imported")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("center"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content = models.BinaryField(null=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    n_rows = models.PositiveIntegerField(_("rows"), default=0)
    # {"cases": {"new": n, "changed": n, "unchanged": n}, "sheets": {sheet: {...}}} as checked, then as written.
    counts = models.JSONField(default=dict)
    # [{"sheet", "row", "column", "value", "message"}, ...]
    problems = models.JSONField(default=list)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def n_problems(self) -> int:
        return len(self.problems)
