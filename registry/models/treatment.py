from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import (
    Marrow,
    PCRResult,
    RemissionStatus,
    Steroid,
    SteroidResponse,
    SupportiveCareKind,
    TransplantType,
    TreatmentPhase,
)
from registry.models.base import CaseRecord, NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import Protocol


class Treatment(CaseRecord):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="treatment")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT)
    arm = models.CharField(max_length=60, blank=True)
    start_date = models.DateField()
    steroid = models.CharField(max_length=20, choices=Steroid.choices, blank=True)
    steroid_response = models.CharField(max_length=10, choices=SteroidResponse.choices, blank=True)
    steroid_blasts_day = models.FloatField(
        "peripheral blasts at the steroid response day (x10^9/L)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    atra = models.BooleanField("ATRA given", default=False)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.case} {self.protocol}"


class ResponseAssessment(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    assessment_date = models.DateField()
    day = models.PositiveSmallIntegerField(
        "treatment day",
        null=True,
        blank=True,
        help_text="Day of the protocol, counted from treatment start (day 1).",
    )
    marrow = models.CharField(max_length=2, choices=Marrow.choices, blank=True)
    marrow_blasts = models.FloatField(
        "marrow blasts (%)", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    mrd_flow_pct = models.FloatField(
        "flow MRD (%)", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    mrd_pcr = models.CharField("PCR MRD", max_length=10, choices=PCRResult.choices, blank=True)
    mrd_pcr_level = models.FloatField(
        "PCR MRD level", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    extramedullary_disease = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment_date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} assessment {self.assessment_date}"


class Transplant(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transplants")
    transplant_date = models.DateField()
    transplant_type = models.CharField(max_length=20, choices=TransplantType.choices)
    remission = models.CharField("remission at transplant", max_length=10, choices=RemissionStatus.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["transplant_date", "pk"]

    def __str__(self) -> str:
        return f"{self.case} HSCT {self.transplant_date}"


class SupportiveCare(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supportive_care")
    kind = models.CharField(max_length=20, choices=SupportiveCareKind.choices)
    phase = models.CharField(max_length=20, choices=TreatmentPhase.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name_plural = "supportive care"

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"
