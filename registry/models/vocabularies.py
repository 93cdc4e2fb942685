"""Controlled vocabularies: tables seeded by migrations and edited by the data manager in the admin.

Each entry has an English label and a Russian one (`label_ru`, blank when the English one serves, e.g. a gene
symbol). People see an entry through `display_label` (or `str(entry)`): the label in the active language."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import Lineage


def _in_russian() -> bool:
    return (get_language() or "").split("-")[0] == "ru"


class Vocabulary(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    label = models.CharField(_("label (English)"), max_length=200)
    label_ru = models.CharField(
        _("label (Russian)"), max_length=200, blank=True, help_text=_("Leave empty when the English label serves.")
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label in the active language; the English one when there is no translation."""
        return self.label_ru if self.label_ru and _in_russian() else self.label


class Gene(Vocabulary):
    """Fusion partner genes; the code OTHER asks for the gene in free text."""

    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = _("gene")
        verbose_name_plural = _("genes")


class Abnormality(Vocabulary):
    # True for 11q23/KMT2A rearrangements, False for a test showing KMT2A not rearranged, None otherwise.
    kmt2a_rearranged = models.BooleanField(_("KMT2A rearranged"), null=True, blank=True)
    expected_fusion = models.CharField(
        _("expected fusion"),
        max_length=60,
        blank=True,
        help_text=_("Fusion this abnormality implies, e.g. KMT2A::AFF1 for t(4;11)."),
    )
    lineage_only = models.CharField(
        _("only in lineage"),
        max_length=12,
        blank=True,
        choices=Lineage.choices,
        help_text=_("Only plausible in this lineage, if set."),
    )
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = _("abnormality")
        verbose_name_plural = _("abnormalities")


class ImmunoMarker(Vocabulary):
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = _("immunophenotype marker")
        verbose_name_plural = _("immunophenotype markers")


class AdverseEventType(Vocabulary):
    history = HistoricalRecords()

    class Meta(Vocabulary.Meta):
        verbose_name = _("adverse event type")
        verbose_name_plural = _("adverse event types")


class Protocol(models.Model):
    name = models.CharField(_("name"), max_length=60)
    version = models.CharField(_("version"), max_length=30, blank=True)
    label_ru = models.CharField(
        _("name (Russian)"),
        max_length=100,
        blank=True,
        help_text=_("Only for a name that is a description (e.g. 'Institutional / other'); a trial's name stays."),
    )
    lineage = models.CharField(_("lineage"), max_length=12, choices=[*Lineage.choices, ("any", _("Any"))])
    induction_day = models.PositiveSmallIntegerField(
        _("end-of-induction day"), help_text=_("Day of the end-of-induction assessment.")
    )
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("protocol")
        verbose_name_plural = _("protocols")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_protocol_version")]

    def __str__(self) -> str:
        return self.display_label

    @property
    def code(self) -> str:
        """How files and the API name a protocol (it has no code column): "name version", never translated."""
        return f"{self.name} {self.version}".strip()

    @property
    def display_label(self) -> str:
        """The protocol's name (and version) in the active language; a trial's name is the same in both."""
        if self.label_ru and _in_russian():
            return self.label_ru
        return f"{self.name} {self.version}".strip()

    @property
    def display_description(self) -> str:
        return self.description_ru if self.description_ru and _in_russian() else self.description


class RiskRuleSet(models.Model):
    """A versioned cytogenetic risk classification. Analyses record the version they used."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version"]
        verbose_name = _("risk rule set")
        verbose_name_plural = _("risk rule sets")

    def __str__(self) -> str:
        return self.version


class RiskRule(models.Model):
    class RiskClass(models.TextChoices):
        FAVORABLE = "favorable", _("Favorable")
        UNFAVORABLE = "unfavorable", _("Unfavorable")

    ruleset = models.ForeignKey(
        RiskRuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("risk rule set")
    )
    abnormality = models.ForeignKey(
        Abnormality, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("abnormality")
    )
    fusion = models.CharField(_("fusion"), max_length=60, blank=True)
    kmt2a_rearranged = models.BooleanField(
        _("any KMT2A rearrangement"), null=True, blank=True, help_text=_("Matches any KMT2A rearrangement.")
    )
    risk_class = models.CharField(_("risk class"), max_length=20, choices=RiskClass.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self) -> str:
        what = self.abnormality or self.fusion or (_("any KMT2A rearrangement") if self.kmt2a_rearranged else "?")
        return f"{self.ruleset}: {what} → {self.get_risk_class_display()}"
