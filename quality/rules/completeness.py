"""Required data missing, by the stage of the case it belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from analytics.derive import reasons
from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.choices import LabTimepoint, Lineage

NO_DIAGNOSIS = gettext_noop("No diagnosis recorded.")
NO_WBC = gettext_noop("WBC at diagnosis not recorded (needed for the risk groups).")
NO_CNS = gettext_noop("CNS status at diagnosis not recorded.")
NO_SUBTYPE = gettext_noop("Subtype not recorded.")
NO_FAB = gettext_noop("FAB type not recorded.")
NO_MARKERS = gettext_noop("Immunophenotype not recorded.")
NO_TREATMENT = gettext_noop("No treatment recorded {days} days after diagnosis.")
RISK_INPUTS_MISSING = gettext_noop("INTERFANT-06 risk group cannot be derived: {reason}.")
NO_EOI_RESPONSE = gettext_noop("Response at the end of induction (protocol day {day}) not recorded: {reason}.")
NO_POST_INDUCTION_LABS = gettext_noop("Laboratory values after induction not recorded.")

# A case gets this long after diagnosis before a missing treatment is reported.
TREATMENT_GRACE_DAYS = 30
# And this long after the protocol's end-of-induction day before a missing response is.
EOI_GRACE_DAYS = 14


def _baseline(state):
    return next((p for p in state.labs if p.timepoint == LabTimepoint.BASELINE), None)


def _eoi_due(context: CheckContext) -> int | None:
    """The protocol's end-of-induction day when it has passed (with grace) for a treated, included case."""
    treatment = context.state.treatment
    if treatment is None or context.case.excluded:
        return None
    day = treatment.protocol.induction_day
    if context.today < treatment.start_date + timedelta(days=day - 1 + EOI_GRACE_DAYS):
        return None
    return day


@rule(
    "DQ-COMP-001",
    severity=Severity.ERROR,
    stage=Stage.DIAGNOSIS,
    description=_("The diagnosis (date, lineage) is recorded."),
    problem=_("Diagnosis missing"),
    fields=("diagnosis.diagnosis_date", "diagnosis.lineage"),
)
def _diagnosis(context: CheckContext) -> Iterator[Hit]:
    if context.state.diagnosis is None:
        yield Hit(context.case, "diagnosis", NO_DIAGNOSIS)


@rule(
    "DQ-COMP-002",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("WBC at diagnosis is recorded."),
    problem=_("WBC at diagnosis missing"),
    fields=("labpanel.wbc",),
)
def _wbc(context: CheckContext) -> Iterator[Hit]:
    if context.state.diagnosis is None:
        return
    panel = _baseline(context.state)
    if panel is None or panel.wbc is None:
        yield Hit(panel or context.case, "wbc", NO_WBC)


@rule(
    "DQ-COMP-003",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("CNS status at diagnosis is recorded."),
    problem=_("CNS status at diagnosis missing"),
    fields=("diagnosis.cns_status",),
)
def _cns(context: CheckContext) -> Iterator[Hit]:
    diagnosis = context.state.diagnosis
    if diagnosis is not None and not diagnosis.cns_status:
        yield Hit(diagnosis, "cns_status", NO_CNS)


@rule(
    "DQ-COMP-004",
    severity=Severity.INFO,
    stage=Stage.DIAGNOSIS,
    description=_("ALL has a subtype, AML a FAB type."),
    problem=_("Subtype or FAB type missing"),
    fields=("diagnosis.subtype", "diagnosis.fab"),
)
def _subtype(context: CheckContext) -> Iterator[Hit]:
    diagnosis = context.state.diagnosis
    if diagnosis is None:
        return
    if diagnosis.lineage == Lineage.ALL and not diagnosis.subtype:
        yield Hit(diagnosis, "subtype", NO_SUBTYPE)
    if diagnosis.lineage == Lineage.AML and not diagnosis.fab:
        yield Hit(diagnosis, "fab", NO_FAB)


@rule(
    "DQ-COMP-005",
    severity=Severity.INFO,
    stage=Stage.DIAGNOSIS,
    description=_("The immunophenotype is recorded."),
    problem=_("Immunophenotype missing"),
    fields=("markerfinding.marker",),
)
def _markers(context: CheckContext) -> Iterator[Hit]:
    if context.state.diagnosis is not None and not context.state.markers:
        yield Hit(context.case, "markers", NO_MARKERS)


@rule(
    "DQ-COMP-010",
    severity=Severity.ERROR,
    stage=Stage.TREATMENT,
    description=format_lazy(
        _("An included case has its treatment recorded within {days} days of diagnosis."), days=TREATMENT_GRACE_DAYS
    ),
    problem=_("Treatment missing"),
    fields=("treatment.protocol", "treatment.start_date"),
    reads_today=True,
)
def _treatment(context: CheckContext) -> Iterator[Hit]:
    state = context.state
    if state.diagnosis is None or state.treatment is not None or context.case.excluded:
        return
    days = (context.today - state.diagnosis.diagnosis_date).days
    if days > TREATMENT_GRACE_DAYS:
        yield Hit(context.case, "treatment", NO_TREATMENT, {"days": days})


@rule(
    "DQ-COMP-011",
    severity=Severity.WARNING,
    stage=Stage.TREATMENT,
    description=_("The inputs of the INTERFANT-06 risk group (WBC, prednisone response) are recorded."),
    problem=_("INTERFANT-06 risk group inputs missing"),
    fields=("treatment.steroid_response", "labpanel.wbc"),
)
def _interfant_inputs(context: CheckContext) -> Iterator[Hit]:
    result = context.derived.interfant
    if result.group == "unknown" and (result.reason or "").startswith(reasons.INTERFANT_INPUTS_UNKNOWN):
        reason = result.reason.removeprefix(reasons.INTERFANT_INPUTS_UNKNOWN)
        yield Hit(context.state.treatment, "steroid_response", RISK_INPUTS_MISSING, {"reason": reason})


@rule(
    "DQ-COMP-020",
    severity=Severity.ERROR,
    stage=Stage.END_OF_INDUCTION,
    description=_("Once the protocol's end-of-induction day has passed, the response there is recorded."),
    problem=_("Response at the end of induction missing"),
    fields=("responseassessment.marrow", "outcomeevent.kind"),
    reads_today=True,
)
def _eoi_response(context: CheckContext) -> Iterator[Hit]:
    day = _eoi_due(context)
    response = context.derived.response
    if day is None or response.status != "unknown":
        return
    if response.reason in (reasons.NO_EOI_ASSESSMENT, reasons.ASSESSMENT_NOT_PLACED):
        yield Hit(context.state.treatment, "response", NO_EOI_RESPONSE, {"day": day, "reason": response.reason})


@rule(
    "DQ-COMP-021",
    severity=Severity.INFO,
    stage=Stage.END_OF_INDUCTION,
    description=_("Laboratory values after induction are recorded."),
    problem=_("Laboratory values after induction missing"),
    fields=("labpanel.post_induction",),
    reads_today=True,
)
def _post_induction_labs(context: CheckContext) -> Iterator[Hit]:
    if _eoi_due(context) is None or context.derived.response.status == "induction_death":
        return
    if not any(p.timepoint == LabTimepoint.POST_INDUCTION for p in context.state.labs):
        yield Hit(context.case, "labs_post_induction", NO_POST_INDUCTION_LABS)


rule(
    "DQ-COMP-022",
    severity=Severity.WARNING,
    stage=Stage.ANY,
    description=_("A relapse has its site and a death its cause (and nothing else has either)."),
    problem=_("Relapse site or cause of death missing or misplaced"),
    fields=("outcomeevent.relapse_site", "outcomeevent.death_cause"),
)(from_entry_rule("_event_details"))

rule(
    "DQ-COMP-023",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("An excluded case gives the reason (and only an excluded case has one)."),
    problem=_("Exclusion reason missing or misplaced"),
    fields=("case.exclusion_reason",),
)(from_entry_rule("_exclusion"))

rule(
    "DQ-COMP-024",
    severity=Severity.WARNING,
    stage=Stage.TREATMENT,
    description=_("A steroid response says which steroid it refers to."),
    problem=_("Steroid of the steroid response missing"),
    fields=("treatment.steroid",),
)(from_entry_rule("_treatment_fields"))
