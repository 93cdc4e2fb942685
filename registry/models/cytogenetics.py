from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import GeneticMethod
from registry.models.base import NumberedRecord
from registry.models.cases import Case
from registry.models.vocabularies import Abnormality, Gene

OTHER_GENE = "OTHER"


class CytogeneticFinding(NumberedRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="findings", verbose_name=_("case"))
    method = models.CharField(_("method"), max_length=20, choices=GeneticMethod.choices)
    sample_date = models.DateField(_("sample date"), null=True, blank=True)
    iscn = models.CharField(
        _("karyotype (ISCN)"), max_length=300, blank=True, help_text=_("e.g. 46,XY,t(4;11)(q21;q23)")
    )
    abnormality = models.ForeignKey(Abnormality, on_delete=models.PROTECT, verbose_name=_("abnormality"))
    gene_5p = models.ForeignKey(
        Gene, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("5' gene")
    )
    gene_3p = models.ForeignKey(
        Gene, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("3' gene")
    )
    gene_other = models.CharField(
        _("other gene"), max_length=40, blank=True, help_text=_("Gene symbol when a partner is 'Other'.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["sample_date", "pk"]
        # Whether a case has live cytogenetics (the dashboard's "needs attention"), read from the index alone.
        indexes = [
            models.Index(fields=["case"], condition=models.Q(archived_at__isnull=True), name="cytogenetics_live_case")
        ]
        verbose_name = _("cytogenetic finding")
        verbose_name_plural = _("cytogenetic findings")

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.abnormality.code} {self.fusion}".strip()

    def _gene(self, gene) -> str:
        if gene is None:
            return ""
        return self.gene_other.upper() if gene.code == OTHER_GENE else gene.code

    @property
    def fusion(self) -> str:
        """The fusion written as KMT2A::AFF1, or empty when no fusion was recorded."""
        five, three = self._gene(self.gene_5p), self._gene(self.gene_3p)
        return f"{five}::{three}" if five and three else ""
