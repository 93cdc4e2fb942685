"""Everything recorded about a case at diagnosis: diagnosis, presentation, laboratory, immunophenotype."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import FAB, CNSStatus, LabTimepoint, Lineage, MarkerResult, Subtype
from registry.labs import LAB_FIELDS
from registry.models.base import CaseRecord, NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import ImmunoMarker


class Diagnosis(CaseRecord):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="diagnosis")
    diagnosis_date = models.DateField()
    lineage = models.CharField(max_length=12, choices=Lineage.choices)
    subtype = models.CharField(max_length=12, choices=Subtype.choices, blank=True)
    fab = models.CharField("FAB", max_length=4, choices=FAB.choices, blank=True)
    weakness = models.BooleanField("weakness / lethargy", default=False)
    fever = models.BooleanField(default=False)
    poor_appetite = models.BooleanField(default=False)
    weight_loss = models.BooleanField(default=False)
    anemic_syndrome = models.BooleanField(default=False)
    intoxication_syndrome = models.BooleanField(default=False)
    lymphadenopathy = models.BooleanField(default=False)
    hepatosplenomegaly = models.BooleanField(default=False)
    hemorrhagic_syndrome = models.BooleanField(default=False)
    leukemia_cutis = models.BooleanField(default=False)
    cns_status = models.CharField("CNS status", max_length=4, choices=CNSStatus.choices, blank=True)
    testicular_involvement = models.BooleanField(default=False)
    other_extramedullary = models.CharField("other extramedullary involvement", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return f"{self.case} diagnosis {self.diagnosis_date}"


def _lab_field(spec):
    return models.FloatField(
        f"{spec.label} ({spec.unit})" if spec.unit else spec.label,
        null=True,
        blank=True,
        validators=[MinValueValidator(spec.low), MaxValueValidator(spec.high)],
        help_text=f"Plausible in an infant: {spec.low:g}-{spec.high:g} {spec.unit}".strip(),
    )


class LabPanel(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="lab_panels")
    timepoint = models.CharField(max_length=20, choices=LabTimepoint.choices)
    sample_date = models.DateField(null=True, blank=True)
    locals().update({spec.name: _lab_field(spec) for spec in LAB_FIELDS})
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "timepoint"], name="one_panel_per_timepoint")]
        ordering = ["timepoint"]

    def __str__(self) -> str:
        return f"{self.case} labs {self.timepoint}"


class MarkerFinding(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="markers")
    marker = models.ForeignKey(ImmunoMarker, on_delete=models.PROTECT)
    result = models.CharField(max_length=10, choices=MarkerResult.choices)
    percent_positive = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["marker__sort_order"]

    def __str__(self) -> str:
        return f"{self.marker} {self.result}"
