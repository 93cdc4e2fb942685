"""Dates in the wrong order, in the future, or far from the event they belong to."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import formats
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.choices import LabTimepoint
from registry.validation.rules import DATE_FLOOR

BASELINE_FAR_FROM_DIAGNOSIS = gettext_noop("Laboratory 'at diagnosis' is dated {days} days from the diagnosis date.")

# A baseline panel further than this from the diagnosis date is probably the wrong panel or a typo.
BASELINE_WINDOW_DAYS = 14

rule(
    "DQ-DATE-001",
    severity=Severity.ERROR,
    stage=Stage.ANY,
    description=_("No date is before the date of birth."),
    problem=_("Date before the date of birth"),
    fields=("case.birth_date", "*.dates"),
)(from_entry_rule("_dates_after_birth"))

rule(
    "DQ-DATE-002",
    severity=Severity.ERROR,
    stage=Stage.ANY,
    description=_("Treatment, assessments, transplants, events, adverse events and contacts follow the diagnosis."),
    problem=_("Date before the diagnosis"),
    fields=("diagnosis.diagnosis_date", "*.dates"),
)(from_entry_rule("_dates_after_diagnosis"))

rule(
    "DQ-DATE-003",
    severity=Severity.ERROR,
    stage=Stage.TREATMENT,
    description=_(
        "Assessments, response events, relapses, transplants and post-induction labs follow treatment start."
    ),
    problem=_("Date before the start of treatment"),
    fields=("treatment.start_date", "*.dates"),
)(from_entry_rule("_dates_after_treatment"))


rule(
    "DQ-DATE-004",
    severity=Severity.ERROR,
    stage=Stage.ANY,
    description=_("No date is in the future (the center's today, in its time zone)."),
    problem=_("Date in the future"),
    fields=("*.dates",),
    reads_today=True,
)(from_entry_rule("_dates_not_in_future"))


@rule(
    "DQ-DATE-005",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=format_lazy(
        _("Laboratory at diagnosis is sampled within {days} days of the diagnosis date."), days=BASELINE_WINDOW_DAYS
    ),
    problem=_("Laboratory at diagnosis far from the diagnosis date"),
    fields=("labpanel.sample_date",),
)
def _baseline_date(context: CheckContext) -> Iterator[Hit]:
    diagnosis = context.state.diagnosis
    if diagnosis is None:
        return
    for panel in context.state.labs:
        if panel.timepoint != LabTimepoint.BASELINE or panel.sample_date is None:
            continue
        days = abs((panel.sample_date - diagnosis.diagnosis_date).days)
        if days > BASELINE_WINDOW_DAYS:
            yield Hit(panel, "sample_date", BASELINE_FAR_FROM_DIAGNOSIS, {"days": days})


rule(
    "DQ-DATE-006",
    severity=Severity.ERROR,
    stage=Stage.ANY,
    description=format_lazy(
        _("No date is before {floor}, the earliest the registry accepts (a typo such as 0001-01-01)."),
        floor=lazy(lambda: formats.date_format(DATE_FLOOR, "SHORT_DATE_FORMAT"), str)(),
    ),
    problem=_("Date before the earliest the registry accepts"),
    fields=("*.dates",),
)(from_entry_rule("_dates_after_floor"))
