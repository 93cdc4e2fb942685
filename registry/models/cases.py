from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import Exclusion, Sex
from registry.models.base import CaseRecord
from registry.models.centers import Center

CASE_NUMBER_TAKEN = _("Another case of this center already has this case number.")


class Case(CaseRecord):
    """One child. Pseudonymous: no names; the hospital number only as a keyed hash."""

    registry_id = models.CharField(_("registry ID"), max_length=20, unique=True, editable=False)
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="cases", verbose_name=_("center"))
    hospital_number_hash = models.CharField(
        _("hospital number (keyed hash)"), max_length=64, db_index=True, editable=False
    )
    # The center's own number for the child in its files (its study log, its spreadsheets): what an import file
    # is keyed by. Seen by the center's users only, like the hospital number.
    center_case_number = models.CharField(
        _("center's case number"),
        max_length=40,
        blank=True,
        help_text=_("Your center's own number for this child (e.g. from your study log). Import files use it."),
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    gestational_age_weeks = models.PositiveSmallIntegerField(
        _("gestational age (weeks)"), null=True, blank=True, validators=[MinValueValidator(22), MaxValueValidator(44)]
    )
    birth_weight_g = models.PositiveIntegerField(
        _("birth weight (g)"), null=True, blank=True, validators=[MinValueValidator(300), MaxValueValidator(6500)]
    )
    down_syndrome = models.BooleanField(_("Down syndrome"), null=True, blank=True)
    family_history_cancer = models.BooleanField(_("family history of cancer"), null=True, blank=True)
    excluded = models.BooleanField(
        _("excluded"), default=False, help_text=_("Excluded from outcome analyses (kept in the registry).")
    )
    exclusion_reason = models.CharField(_("exclusion reason"), max_length=30, blank=True, choices=Exclusion.choices)
    exclusion_note = models.TextField(_("exclusion note"), blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True, editable=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("locked by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [("lock_case", "Can lock and unlock cases")]
        indexes = [
            # The case list's order (newest first) over live cases, for every case and for a center's: a page of
            # 25 is read from the index instead of sorting 100 000 rows.
            models.Index(
                fields=["-created_at", "-id"], condition=models.Q(archived_at__isnull=True), name="case_live_newest"
            ),
            models.Index(
                fields=["center", "-created_at", "-id"],
                condition=models.Q(archived_at__isnull=True),
                name="case_live_center_newest",
            ),
        ]
        constraints = [
            # The services refuse a second registration of a hospital number at one center with a link to the
            # first; this makes it hold for every other way in and under concurrent saves. An archived case
            # does not count, so a registration archived as a mistake does not block the right one.
            models.UniqueConstraint(
                fields=["center", "hospital_number_hash"],
                condition=models.Q(archived_at__isnull=True),
                name="unique_live_hospital_number_per_center",
            ),
            models.UniqueConstraint(
                fields=["center", "center_case_number"],
                condition=models.Q(archived_at__isnull=True) & ~models.Q(center_case_number=""),
                name="unique_live_case_number_per_center",
                violation_error_message=CASE_NUMBER_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.registry_id

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def case_id_for_scope(self) -> int:
        return self.pk
