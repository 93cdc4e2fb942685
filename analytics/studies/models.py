"""An analysis plan and its versions. A version holds the plan as data (``PlanSpec.as_dict()``); a registered
version is the pre-specified plan and never changes again: an edit after registration makes a new version.
Nothing here is ever deleted (a plan is archived). Every write goes through analytics.studies.services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from analytics.plans.spec import PlanSpec

VERSION_FROZEN = _("Version {number} of this plan is registered: it never changes. An edit makes a new version.")
NEVER_DELETED = _("Analysis plans and their versions are kept; they are never deleted (archive a plan instead).")


class AnalysisPlan(models.Model):
    name = models.CharField(max_length=200, help_text="The latest version's name.")
    question = models.TextField(blank=True, help_text="The latest version's question.")
    slug = models.SlugField(
        max_length=50, unique=True, null=True, blank=True, help_text="Set on the plans shipped with the registry."
    )
    # Bumped by every write, so that a form opened before another user's change is refused as stale.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args, **kwargs):
        raise ValidationError(NEVER_DELETED)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def latest_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(AnalysisPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    spec = models.JSONField(help_text="PlanSpec.as_dict()")
    note = models.TextField(blank=True, help_text="What this version changes, in the author's words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, help_text="The last edit of the spec or note.")
    registered_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan.name}, version {self.number}"

    def save(self, *args, **kwargs):
        # The services refuse this first; this is the last line against any other path (admin, shell, a bug).
        if self.pk is not None and self._stored_registered():
            raise ValidationError(VERSION_FROZEN.format(number=self.number))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(NEVER_DELETED)

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None

    def spec_obj(self) -> PlanSpec:
        return PlanSpec.from_dict(self.spec)

    def _stored_registered(self) -> bool:
        return type(self).objects.filter(pk=self.pk, registered_at__isnull=False).exists()
