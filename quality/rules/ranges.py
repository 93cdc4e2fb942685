"""Values outside what is plausible in an infant, or outside what the entry form accepts."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError

from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.labs import LAB_FIELDS
from registry.validation.rules import TEXT_LIMIT

LAB_OUT_OF_RANGE = "{label} {value:g} {unit} is outside the range plausible in an infant ({low:g}-{high:g})."
NOT_ACCEPTED = "{label}: {error}"
NOT_AN_INFANT = "Age at diagnosis is {days} days: the registry takes children diagnosed before their first birthday."

_LAB_NAMES = {spec.name for spec in LAB_FIELDS}
_RECORD_ATTRS = ("diagnosis", "treatment", "labs", "markers", "findings", "assessments", "transplants")
_RECORD_ATTRS += ("supportive_care", "events", "adverse_events", "follow_ups")


def _records(state):
    yield state.case
    for attr in _RECORD_ATTRS:
        value = getattr(state, attr)
        if value is None:
            continue
        yield from (value if isinstance(value, tuple) else (value,))


@rule(
    "DQ-RANGE-001",
    severity=Severity.ERROR,
    stage=Stage.DIAGNOSIS,
    description="Laboratory values lie in the range plausible in an infant (registry/labs.py).",
    fields=tuple(f"labpanel.{spec.name}" for spec in LAB_FIELDS),
)
def _labs(context: CheckContext) -> Iterator[Hit]:
    for panel in context.state.labs:
        for spec in LAB_FIELDS:
            value = getattr(panel, spec.name)
            if value is not None and not spec.low <= value <= spec.high:
                yield Hit(
                    panel,
                    spec.name,
                    LAB_OUT_OF_RANGE.format(
                        label=spec.label, value=value, unit=spec.unit, low=spec.low, high=spec.high
                    ),
                )


@rule(
    "DQ-RANGE-002",
    severity=Severity.WARNING,
    stage=Stage.ANY,
    description="Every other value is one the entry form accepts (ranges such as birth weight, grade, %; codes).",
    fields=("*.*",),
)
def _field_validators(context: CheckContext) -> Iterator[Hit]:
    for record in _records(context.state):
        model = type(record)
        # Relations are checked by the database; lab values by DQ-RANGE-001, with the range in the message.
        skip = [f.name for f in model._meta.fields if f.is_relation or f.name in _LAB_NAMES]
        try:
            record.clean_fields(exclude=skip)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = model._meta.get_field(name).verbose_name
                yield Hit(record, name, NOT_ACCEPTED.format(label=label, error=" ".join(messages)))


@rule(
    "DQ-RANGE-003",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description="The child was diagnosed before the first birthday (the registry's population).",
    fields=("case.birth_date", "diagnosis.diagnosis_date"),
)
def _infant(context: CheckContext) -> Iterator[Hit]:
    days = context.derived.age.days
    if days is not None and days >= 365:
        yield Hit(context.state.diagnosis, "diagnosis_date", NOT_AN_INFANT.format(days=days))


rule(
    "DQ-RANGE-004",
    severity=Severity.WARNING,
    stage=Stage.END_OF_INDUCTION,
    description="Marrow class agrees with the blast percentage; a PCR MRD level goes with the 'level' result.",
    fields=("responseassessment.marrow", "responseassessment.marrow_blasts", "responseassessment.mrd_pcr_level"),
)(from_entry_rule("_assessment_fields"))


rule(
    "DQ-RANGE-005",
    severity=Severity.WARNING,
    stage=Stage.ANY,
    description=f"Free text is within its length limit ({TEXT_LIMIT} characters unless set otherwise).",
    fields=("*.text",),
)(from_entry_rule("_text_lengths"))
