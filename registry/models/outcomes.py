from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import DEATH_KINDS, DeathCause, EventKind, RelapseSite, TreatmentPhase, VitalStatus
from registry.models.base import NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import AdverseEventType


class OutcomeEvent(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    event_date = models.DateField(_("event date"))
    relapse_site = models.CharField(_("relapse site"), max_length=24, choices=RelapseSite.choices, blank=True)
    death_cause = models.CharField(_("cause of death"), max_length=12, choices=DeathCause.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event_date", "pk"]
        # Whether a case's child died (the dashboard's "needs attention"), read from the index alone.
        indexes = [
            models.Index(
                fields=["case"],
                condition=models.Q(archived_at__isnull=True, kind__in=sorted(DEATH_KINDS)),
                name="outcome_live_death_case",
            )
        ]
        verbose_name = _("outcome event")
        verbose_name_plural = _("outcome events")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.event_date}"


class AdverseEvent(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adverse_events", verbose_name=_("case"))
    event_type = models.ForeignKey(AdverseEventType, on_delete=models.PROTECT, verbose_name=_("adverse event"))
    grade = models.PositiveSmallIntegerField(_("CTCAE grade"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    onset_date = models.DateField(_("onset date"))
    phase = models.CharField(_("treatment phase"), max_length=20, choices=TreatmentPhase.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["onset_date", "pk"]
        verbose_name = _("adverse event")
        verbose_name_plural = _("adverse events")

    def __str__(self) -> str:
        return f"{self.case} {self.event_type} grade {self.grade}"


class FollowUp(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("case"))
    contact_date = models.DateField(_("contact date"))
    vital_status = models.CharField(_("vital status"), max_length=10, choices=VitalStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contact_date", "pk"]
        indexes = [
            # A case's last live contact (the case list), whether one case was seen since a day (a page of cases)...
            models.Index(
                fields=["case", "contact_date"],
                condition=models.Q(archived_at__isnull=True),
                name="followup_live_case_contact",
            ),
            # ... and every case seen since a day (overdue follow-ups, follow-up completeness): a range of the index.
            models.Index(
                fields=["contact_date", "case"],
                condition=models.Q(archived_at__isnull=True),
                name="followup_live_contact_case",
            ),
        ]
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")

    def __str__(self) -> str:
        return f"{self.case} contact {self.contact_date}"
