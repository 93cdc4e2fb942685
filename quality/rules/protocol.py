"""Treatment that does not fit the protocol: a protocol for another lineage, an end-of-induction assessment
far from the protocol's day, a recorded day that disagrees with its date."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from analytics.derive import reasons
from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.models import Treatment

EOI_OFF_DAY = gettext_noop("End-of-induction assessment on protocol day {day}; {protocol} assesses on day {target}.")
EOI_OUTSIDE_WINDOW = gettext_noop(
    "The assessment nearest the end of induction is on day {day}, more than {window} days from {protocol}'s "
    "day {target}: response at the end of induction cannot be derived."
)
DAY_DISAGREES = gettext_noop("Recorded as day {day}, but its date is day {computed} of treatment (start = day 1).")

# Within the derivation's window, an assessment this far from the protocol's day is still worth a look.
EOI_TOLERANCE_DAYS = 7
# Assessments later than this after the induction day belong to later phases, not to a late induction.
_LATEST_INDUCTION_EXTRA_DAYS = 60
# Tolerated gap between a recorded day and the day its date gives (weekends, counting from day 0).
DAY_TOLERANCE = 2


def _day(assessment, start) -> int | None:
    if assessment.day is not None:
        return assessment.day
    return (assessment.assessment_date - start).days + 1


def _informative(assessment) -> bool:
    return bool(assessment.marrow) or assessment.extramedullary_disease is True


rule(
    "DQ-PROT-001",
    severity=Severity.ERROR,
    stage=Stage.TREATMENT,
    description=_("The protocol is one for the case's lineage (no AML-BFM for an ALL)."),
    problem=_("Protocol does not fit the lineage"),
    fields=("treatment.protocol", "diagnosis.lineage"),
)(from_entry_rule("_lineage_fits", on=lambda record: isinstance(record, Treatment)))


@rule(
    "DQ-PROT-002",
    severity=Severity.WARNING,
    stage=Stage.END_OF_INDUCTION,
    description=format_lazy(
        _("The end-of-induction assessment is within {days} days of the protocol's day."), days=EOI_TOLERANCE_DAYS
    ),
    problem=_("End-of-induction assessment far from the protocol's day"),
    fields=("responseassessment.day", "responseassessment.assessment_date", "protocol.induction_day"),
)
def _eoi_day(context: CheckContext) -> Iterator[Hit]:
    treatment, response = context.state.treatment, context.derived.response
    if treatment is None:
        return
    target, start = treatment.protocol.induction_day, treatment.start_date
    placed = [(a, _day(a, start)) for a in context.state.assessments if _informative(a)]
    placed = [(a, day) for a, day in placed if day is not None and day <= target + _LATEST_INDUCTION_EXTRA_DAYS]
    if response.assessment_day is not None:
        if abs(response.assessment_day - target) > EOI_TOLERANCE_DAYS:
            record = next(a for a, day in placed if day == response.assessment_day)
            params = {"day": response.assessment_day, "protocol": str(treatment.protocol), "target": target}
            yield Hit(record, "assessment_date", EOI_OFF_DAY, params)
    elif response.status == "unknown" and response.reason == reasons.NO_EOI_ASSESSMENT and placed:
        record, day = min(placed, key=lambda item: abs(item[1] - target))
        window = context.derived.settings.induction_window_days
        params = {"day": day, "window": window, "protocol": str(treatment.protocol), "target": target}
        yield Hit(record, "assessment_date", EOI_OUTSIDE_WINDOW, params)


@rule(
    "DQ-PROT-003",
    severity=Severity.WARNING,
    stage=Stage.END_OF_INDUCTION,
    description=format_lazy(
        _("An assessment's recorded day agrees with its date (within {days} days)."), days=DAY_TOLERANCE
    ),
    problem=_("Assessment day disagrees with its date"),
    fields=("responseassessment.day", "responseassessment.assessment_date"),
)
def _day_vs_date(context: CheckContext) -> Iterator[Hit]:
    treatment = context.state.treatment
    if treatment is None:
        return
    for assessment in context.state.assessments:
        if assessment.day is None:
            continue
        computed = (assessment.assessment_date - treatment.start_date).days + 1
        if abs(assessment.day - computed) > DAY_TOLERANCE:
            yield Hit(assessment, "day", DAY_DISAGREES, {"day": assessment.day, "computed": computed})
