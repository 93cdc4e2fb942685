"""Everything recorded about a case at diagnosis: diagnosis, presentation, laboratory, immunophenotype."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import FAB, CNSStatus, LabTimepoint, Lineage, MarkerResult, Subtype
from registry.labs import LAB_FIELDS
from registry.models.base import CaseRecord, NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import ImmunoMarker


class Diagnosis(CaseRecord):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="diagnosis", verbose_name=_("case"))
    diagnosis_date = models.DateField(_("diagnosis date"))
    lineage = models.CharField(_("lineage"), max_length=12, choices=Lineage.choices)
    subtype = models.CharField(_("subtype"), max_length=12, choices=Subtype.choices, blank=True)
    fab = models.CharField(_("FAB type"), max_length=4, choices=FAB.choices, blank=True)
    weakness = models.BooleanField(_("weakness / lethargy"), default=False)
    fever = models.BooleanField(_("fever"), default=False)
    poor_appetite = models.BooleanField(_("poor appetite"), default=False)
    weight_loss = models.BooleanField(_("weight loss"), default=False)
    anemic_syndrome = models.BooleanField(_("anemic syndrome"), default=False)
    intoxication_syndrome = models.BooleanField(_("intoxication syndrome"), default=False)
    lymphadenopathy = models.BooleanField(_("lymphadenopathy"), default=False)
    hepatosplenomegaly = models.BooleanField(_("hepatosplenomegaly"), default=False)
    hemorrhagic_syndrome = models.BooleanField(_("hemorrhagic syndrome"), default=False)
    leukemia_cutis = models.BooleanField(_("leukemia cutis"), default=False)
    cns_status = models.CharField(_("CNS status"), max_length=4, choices=CNSStatus.choices, blank=True)
    testicular_involvement = models.BooleanField(_("testicular involvement"), default=False)
    other_extramedullary = models.CharField(_("other extramedullary involvement"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")

    def __str__(self) -> str:
        return f"{self.case} diagnosis {self.diagnosis_date}"


def _lab_field(spec):
    return models.FloatField(
        format_lazy("{label} ({unit})", label=spec.label, unit=spec.unit) if spec.unit else spec.label,
        null=True,
        blank=True,
        validators=[MinValueValidator(spec.low), MaxValueValidator(spec.high)],
        help_text=format_lazy(
            _("Plausible in an infant: {low}-{high} {unit}"), low=f"{spec.low:g}", high=f"{spec.high:g}", unit=spec.unit
        ),
    )


class LabPanel(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lab_panels", verbose_name=_("case"))
    timepoint = models.CharField(_("time point"), max_length=20, choices=LabTimepoint.choices)
    sample_date = models.DateField(_("sample date"), null=True, blank=True)
    locals().update({spec.name: _lab_field(spec) for spec in LAB_FIELDS})
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "timepoint"], name="one_panel_per_timepoint")]
        ordering = ["timepoint"]
        verbose_name = _("laboratory panel")
        verbose_name_plural = _("laboratory panels")

    def __str__(self) -> str:
        return f"{self.case} labs {self.timepoint}"


class MarkerFinding(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="markers", verbose_name=_("case"))
    marker = models.ForeignKey(ImmunoMarker, on_delete=models.PROTECT, verbose_name=_("marker"))
    result = models.CharField(_("result"), max_length=10, choices=MarkerResult.choices)
    percent_positive = models.FloatField(
        _("positive cells (%)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["marker__sort_order"]
        verbose_name = _("marker finding")
        verbose_name_plural = _("marker findings")

    def __str__(self) -> str:
        return f"{self.marker} {self.result}"
