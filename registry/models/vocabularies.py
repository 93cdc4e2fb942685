"""Controlled vocabularies: tables seeded by migrations and edited by the data manager in the admin."""

from django.db import models
from simple_history.models import HistoricalRecords

from registry.choices import Lineage


class Vocabulary(models.Model):
    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label


class Gene(Vocabulary):
    """Fusion partner genes; the code OTHER asks for the gene in free text."""

    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        pass


class Abnormality(Vocabulary):
    # True for 11q23/KMT2A rearrangements, False for a test showing KMT2A not rearranged, None otherwise.
    kmt2a_rearranged = models.BooleanField(null=True, blank=True)
    expected_fusion = models.CharField(
        max_length=60, blank=True, help_text="Fusion this abnormality implies, e.g. KMT2A::AFF1 for t(4;11)."
    )
    lineage_only = models.CharField(
        max_length=12, blank=True, choices=Lineage.choices, help_text="Only plausible in this lineage, if set."
    )
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name_plural = "abnormalities"


class ImmunoMarker(Vocabulary):
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        pass


class AdverseEventType(Vocabulary):
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        pass


class Protocol(models.Model):
    name = models.CharField(max_length=60)
    version = models.CharField(max_length=30, blank=True)
    lineage = models.CharField(max_length=12, choices=[*Lineage.choices, ("any", "Any")])
    induction_day = models.PositiveSmallIntegerField(help_text="Day of the end-of-induction assessment.")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_protocol_version")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class RiskRuleSet(models.Model):
    """A versioned cytogenetic risk classification. Analyses record the version they used."""

    version = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version"]

    def __str__(self) -> str:
        return self.version


class RiskRule(models.Model):
    class RiskClass(models.TextChoices):
        FAVORABLE = "favorable", "Favorable"
        UNFAVORABLE = "unfavorable", "Unfavorable"

    ruleset = models.ForeignKey(RiskRuleSet, on_delete=models.CASCADE, related_name="rules")
    abnormality = models.ForeignKey(Abnormality, null=True, blank=True, on_delete=models.PROTECT)
    fusion = models.CharField(max_length=60, blank=True)
    kmt2a_rearranged = models.BooleanField(null=True, blank=True, help_text="Matches any KMT2A rearrangement.")
    risk_class = models.CharField(max_length=20, choices=RiskClass.choices)
    history = HistoricalRecords()

    def __str__(self) -> str:
        what = self.abnormality or self.fusion or ("KMT2A-r" if self.kmt2a_rearranged else "?")
        return f"{self.ruleset}: {what} -> {self.risk_class}"
