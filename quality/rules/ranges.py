"""Values outside what is plausible in an infant, or outside what the entry form accepts."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from quality.rules import wording
from quality.rules.base import CheckContext, Hit, Severity, Stage
from quality.rules.entry import from_entry_rule
from quality.rules.registry import rule
from registry.labs import LAB_FIELDS
from registry.validation.rules import TEXT_LIMIT

LAB_OUT_OF_RANGE = gettext_noop(
    "{label} {value:g} {unit} is outside the range plausible in an infant ({low:g}-{high:g})."
)
# Translators: a field's name, then why the value is not accepted.
NOT_ACCEPTED = gettext_noop("{label}: {error}")
NOT_AN_INFANT = gettext_noop(
    "Age at diagnosis is {days} days: the registry takes children diagnosed before their first birthday."
)
# Translators: one laboratory value's plausible range, e.g. "Hemoglobin 20-250 g/L".
LAB_RANGE = gettext_noop("{label} {low:g}-{high:g} {unit}")

# The laboratory values' names (registry.labs), marked here so the findings and the description that quote them
# read in the reader's language; a test holds this list equal to registry.labs.LAB_FIELDS.
LAB_LABELS = (
    gettext_noop("WBC"),
    gettext_noop("Hemoglobin"),
    gettext_noop("Platelets"),
    gettext_noop("Peripheral blasts"),
    gettext_noop("LDH"),
    gettext_noop("ALT"),
    gettext_noop("AST"),
    gettext_noop("Creatinine"),
    gettext_noop("Total protein"),
    gettext_noop("Albumin"),
    gettext_noop("Prothrombin index"),
    gettext_noop("INR"),
    gettext_noop("Fibrinogen"),
    gettext_noop("D-dimer"),
    gettext_noop("Marrow blasts"),
    gettext_noop("Mature neutrophils in myelogram"),
    gettext_noop("CSF cells"),
    gettext_noop("CSF protein"),
    gettext_noop("CSF glucose"),
)


def _lab_ranges() -> str:
    """The plausible ranges in words, in the active language ("WBC 0-2000 x10^9/L, Hemoglobin 20-250 g/L, ...")."""
    return ", ".join(
        wording.render([wording.part(LAB_RANGE, label=s.label, low=s.low, high=s.high, unit=s.unit)]).strip()
        for s in LAB_FIELDS
    )


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


def _error_part(errors) -> wording.Part:
    """Django's validation messages as template and parameters, so the page shows them in the reader's language
    (Django's catalog has them)."""
    parts = []
    for error in errors:
        with translation.override("en"):
            template = str(error.message)
        params = {key: wording.plain(value) for key, value in (error.params or {}).items()}
        parts.append({"t": template, "p": params, "pct": True})
    if len(parts) == 1:
        return parts[0]
    return {"t": " ".join(f"{{e{i}}}" for i in range(len(parts))), "p": {f"e{i}": p for i, p in enumerate(parts)}}


@rule(
    "DQ-RANGE-001",
    severity=Severity.ERROR,
    stage=Stage.DIAGNOSIS,
    description=format_lazy(
        _("Laboratory values lie in the range plausible in an infant ({ranges})."), ranges=lazy(_lab_ranges, str)()
    ),
    problem=_("Laboratory value outside the plausible range"),
    fields=tuple(f"labpanel.{spec.name}" for spec in LAB_FIELDS),
)
def _labs(context: CheckContext) -> Iterator[Hit]:
    for panel in context.state.labs:
        for spec in LAB_FIELDS:
            value = getattr(panel, spec.name)
            if value is not None and not spec.low <= value <= spec.high:
                params = {"label": spec.label, "value": value, "unit": spec.unit, "low": spec.low, "high": spec.high}
                yield Hit(panel, spec.name, LAB_OUT_OF_RANGE, params)


@rule(
    "DQ-RANGE-002",
    severity=Severity.WARNING,
    stage=Stage.ANY,
    description=_(
        "Every other value is one the entry form accepts (such as the range of birth weight, the grade of an adverse "
        "event, a percentage, a choice from a list)."
    ),
    problem=_("Value the entry form does not accept"),
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
            for name, errors in exc.error_dict.items():
                with translation.override("en"):  # the stored message is English; the page translates it
                    label = str(model._meta.get_field(name).verbose_name)
                yield Hit(record, name, NOT_ACCEPTED, {"label": label, "error": _error_part(errors)})


@rule(
    "DQ-RANGE-003",
    severity=Severity.WARNING,
    stage=Stage.DIAGNOSIS,
    description=_("The child was diagnosed before the first birthday (the registry's population)."),
    problem=_("Not an infant at diagnosis"),
    fields=("case.birth_date", "diagnosis.diagnosis_date"),
)
def _infant(context: CheckContext) -> Iterator[Hit]:
    days = context.derived.age.days
    if days is not None and days >= 365:
        yield Hit(context.state.diagnosis, "diagnosis_date", NOT_AN_INFANT, {"days": days})


rule(
    "DQ-RANGE-004",
    severity=Severity.WARNING,
    stage=Stage.END_OF_INDUCTION,
    description=_(
        "Marrow class agrees with the blast percentage; a PCR MRD level goes with the result 'Positive, level given'."
    ),
    problem=_("Response assessment values disagree"),
    fields=("responseassessment.marrow", "responseassessment.marrow_blasts", "responseassessment.mrd_pcr_level"),
)(from_entry_rule("_assessment_fields"))


rule(
    "DQ-RANGE-005",
    severity=Severity.WARNING,
    stage=Stage.ANY,
    description=format_lazy(
        _("Free text is within its length limit ({limit} characters unless set otherwise)."), limit=TEXT_LIMIT
    ),
    problem=_("Text too long"),
    fields=("*.text",),
)(from_entry_rule("_text_lengths"))
