"""Cytogenetics missing (an exclusion criterion) or inconsistent with lineage or fusion."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.choices import Exclusion, Lineage
from registry.models import CytogeneticFinding

NO_CYTOGENETICS = gettext_noop(
    "No cytogenetic or molecular finding recorded: without one the case is excluded from outcome analyses. "
    "Record the finding, or exclude the case with that reason."
)
EXCLUDED_BUT_TESTED = gettext_noop(
    "Excluded for 'no cytogenetic or molecular data', but findings are recorded (number of findings: {n})."
)
KMT2A_NOT_SCREENED = gettext_noop(
    "KMT2A not examined: no karyotype, KMT2A FISH or PCR, multiplex RT-PCR panel or RNA-seq "
    "(a single-target RT-PCR or FISH for another gene cannot exclude a rearrangement)."
)


@rule(
    "DQ-CYTO-001",
    severity=Severity.ERROR,
    stage=Stage.CYTOGENETICS,
    description=_("An included case has a cytogenetic or molecular finding at diagnosis."),
    problem=_("Cytogenetics missing"),
    fields=("cytogeneticfinding.abnormality",),
)
def _missing(context: CheckContext) -> Iterator[Hit]:
    state = context.state
    if state.diagnosis is not None and not state.findings and not context.case.excluded:
        yield Hit(context.case, "findings", NO_CYTOGENETICS)


@rule(
    "DQ-CYTO-002",
    severity=Severity.WARNING,
    stage=Stage.CYTOGENETICS,
    description=_("A case excluded for missing cytogenetics has none recorded."),
    problem=_("Excluded for missing cytogenetics, but findings recorded"),
    fields=("case.exclusion_reason", "cytogeneticfinding.abnormality"),
)
def _excluded_but_tested(context: CheckContext) -> Iterator[Hit]:
    case, findings = context.case, context.state.findings
    if case.excluded and case.exclusion_reason == Exclusion.NO_CYTOGENETICS and findings:
        yield Hit(case, "exclusion_reason", EXCLUDED_BUT_TESTED, {"n": len(findings)})


rule(
    "DQ-CYTO-003",
    severity=Severity.ERROR,
    stage=Stage.CYTOGENETICS,
    description=_("Each abnormality is one seen in the case's lineage (e.g. no t(15;17) in an ALL)."),
    problem=_("Abnormality does not fit the lineage"),
    fields=("cytogeneticfinding.abnormality", "diagnosis.lineage"),
)(from_entry_rule("_lineage_fits", on=lambda record: isinstance(record, CytogeneticFinding)))

rule(
    "DQ-CYTO-004",
    severity=Severity.ERROR,
    stage=Stage.CYTOGENETICS,
    description=_("The fusion agrees with the abnormality (t(4;11) is KMT2A::AFF1, t(12;21) ETV6::RUNX1 and so on)."),
    problem=_("Fusion does not agree with the abnormality"),
    fields=("cytogeneticfinding.gene_5p", "cytogeneticfinding.gene_3p", "cytogeneticfinding.gene_other"),
)(from_entry_rule("_fusions"))


@rule(
    "DQ-CYTO-005",
    severity=Severity.INFO,
    stage=Stage.CYTOGENETICS,
    description=_("An infant ALL has KMT2A examined by a test that can exclude a rearrangement."),
    problem=_("KMT2A not examined"),
    fields=("cytogeneticfinding.method",),
)
def _kmt2a_screened(context: CheckContext) -> Iterator[Hit]:
    diagnosis = context.state.diagnosis
    if diagnosis is not None and diagnosis.lineage == Lineage.ALL and context.derived.kmt2a.status == "not_tested":
        yield Hit(context.case, "findings", KMT2A_NOT_SCREENED)
