from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import DeathCause, EventKind, RelapseSite, TreatmentPhase, VitalStatus
from registry.models.base import NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import AdverseEventType


class OutcomeEvent(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    event_date = models.DateField()
    relapse_site = models.CharField(max_length=24, choices=RelapseSite.choices, blank=True)
    death_cause = models.CharField(max_length=12, choices=DeathCause.choices, blank=True)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["event_date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.event_date}"


class AdverseEvent(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="adverse_events")
    event_type = models.ForeignKey(AdverseEventType, on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField("CTCAE grade", validators=[MinValueValidator(1), MaxValueValidator(5)])
    onset_date = models.DateField()
    phase = models.CharField(max_length=20, choices=TreatmentPhase.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["onset_date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.event_type} grade {self.grade}"


class FollowUp(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    contact_date = models.DateField()
    vital_status = models.CharField(max_length=10, choices=VitalStatus.choices)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contact_date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} contact {self.contact_date}"
