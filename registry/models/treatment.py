from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
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
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="treatment", verbose_name=_("case"))
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, verbose_name=_("protocol"))
    arm = models.CharField(_("arm"), max_length=60, blank=True)
    start_date = models.DateField(_("treatment start date"))
    steroid = models.CharField(_("steroid prephase"), max_length=20, choices=Steroid.choices, blank=True)
    steroid_response = models.CharField(
        _("steroid response"), max_length=10, choices=SteroidResponse.choices, blank=True
    )
    steroid_blasts_day = models.FloatField(
        _("peripheral blasts on the steroid response day (x10^9/L)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
    )
    atra = models.BooleanField(_("ATRA given"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")

    def __str__(self) -> str:
        return f"{self.case} {self.protocol}"


class ResponseAssessment(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("case"))
    assessment_date = models.DateField(_("assessment date"))
    day = models.PositiveSmallIntegerField(
        _("treatment day"),
        null=True,
        blank=True,
        help_text=_("Day of the protocol, counted from treatment start (day 1)."),
    )
    marrow = models.CharField(_("marrow status"), max_length=2, choices=Marrow.choices, blank=True)
    marrow_blasts = models.FloatField(
        _("marrow blasts (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    mrd_flow_pct = models.FloatField(
        _("flow MRD (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    mrd_pcr = models.CharField(_("PCR MRD"), max_length=10, choices=PCRResult.choices, blank=True)
    mrd_pcr_level = models.FloatField(
        _("PCR MRD level"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    extramedullary_disease = models.BooleanField(_("extramedullary disease"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment_date", "pk"]
        verbose_name = _("response assessment")
        verbose_name_plural = _("response assessments")

    def __str__(self) -> str:
        return f"{self.case} assessment {self.assessment_date}"


class Transplant(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transplants", verbose_name=_("case"))
    transplant_date = models.DateField(_("transplant date"))
    transplant_type = models.CharField(_("donor type"), max_length=20, choices=TransplantType.choices)
    remission = models.CharField(_("remission at transplant"), max_length=10, choices=RemissionStatus.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["transplant_date", "pk"]
        verbose_name = _("stem cell transplant")
        verbose_name_plural = _("stem cell transplants")

    def __str__(self) -> str:
        return f"{self.case} HSCT {self.transplant_date}"


class SupportiveCare(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supportive_care", verbose_name=_("case"))
    kind = models.CharField(_("supportive care"), max_length=20, choices=SupportiveCareKind.choices)
    phase = models.CharField(_("treatment phase"), max_length=20, choices=TreatmentPhase.choices, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("supportive care record")
        verbose_name_plural = _("supportive care")

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"
