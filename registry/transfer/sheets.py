"""The import/export workbook: one sheet per kind of record, its columns generated from the models.

A column is either a key (which case, which record, which version), a field of the model (type, unit, codes and
range read from the model field), or the hospital number (written, never read back: only its keyed hash is
stored). The data dictionary, the template, the center export and the import all read this one list, so a field
added to a model appears everywhere without being typed twice.

Cell conventions, the same in XLSX and CSV: dates ISO (YYYY-MM-DD; real date cells in XLSX), yes/no for
booleans, codes (not labels) for choices, a vocabulary entry's code (a protocol's "name version"), numbers as
numbers. An empty cell is "not recorded".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core import validators as dj_validators
from django.db import models
from django.utils.translation import gettext_lazy, gettext_noop

from registry import models as m
from registry.choices import LabTimepoint
from registry.validation.rules import text_limit

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "SHEETS",
    "Column",
    "Kind",
    "Sheet",
    "format_cell",
    "sheet_for",
]

BOOLEAN_TRUE = "yes"
BOOLEAN_FALSE = "no"


class Kind:
    """A column's type: how its cells are read and written."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CODE = "code"  # one of the field's fixed choices
    VOCABULARY = "vocabulary"  # an entry of a vocabulary table, by its code


class Role:
    KEY = "key"  # identifies the case or record; not a field of it
    FIELD = "field"  # a field of the record
    HOSPITAL_NUMBER = "hospital_number"  # given to register a case, hashed, never exported


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str
    role: str = Role.FIELD
    required: bool = False  # a row of this sheet must give it
    help: str = ""
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()  # CODE: (code, label)
    vocabulary: type | None = None  # VOCABULARY: the model whose entries are allowed
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    nullable_boolean: bool = True  # BOOLEAN: may the cell be empty (unknown)?
    example: Any = None

    @property
    def attname(self) -> str:
        """The model attribute this column sets (a foreign key's id for a vocabulary)."""
        return f"{self.name}_id" if self.kind == Kind.VOCABULARY else self.name


@dataclass(frozen=True)
class Sheet:
    name: str  # the sheet's name in the workbook, and the CSV file's stem
    title: str
    model: type
    # "case": the cases sheet; "one": one record per case (per `one_per` value); "many": numbered records.
    shape: str
    stage: str  # when the data are entered: registration, diagnosis, treatment, follow-up
    # Columns that, with the case, identify a record of a "many" sheet when the row has no record number.
    natural_key: tuple[str, ...] = ()
    one_per: str = ""  # "one" sheets: the field a case has one record per value of (the lab time point)
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @cached_property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == Role.KEY)

    @cached_property
    def field_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == Role.FIELD)


# ---- generation from the models -------------------------------------------------------------------------------

_UNIT_IN_LABEL = re.compile(r"\s*\(([^)]*)\)\s*$")
# Units of the fields whose verbose name does not end in one.
_UNITS = {"day": gettext_lazy("day of protocol")}
# Fields a user never types (bookkeeping), and the case key, which every sheet has as its own column.
_NOT_COLUMNS = {"id", "case", "version", "archived_at", "archived_by", "created_at", "updated_at", "number"}

_EXAMPLES: dict[str, Any] = {
    "center_case_number": "2019-07",
    "sex": "M",
    "birth_date": "2019-03-02",
    "diagnosis_date": "2019-05-14",
    "lineage": "ALL",
    "start_date": "2019-05-16",
    "timepoint": LabTimepoint.BASELINE,
    "sample_date": "2019-05-14",
    "assessment_date": "2019-06-18",
    "event_date": "2019-06-18",
    "onset_date": "2019-05-30",
    "contact_date": "2020-05-20",
    "transplant_date": "2019-11-04",
    "wbc": 310.5,
    "kind": None,
}


def _range(model_field) -> tuple[float | None, float | None]:
    low = high = None
    for validator in model_field._validators:  # the model's own, not the database's integer range
        if isinstance(validator, dj_validators.MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, dj_validators.MaxValueValidator):
            high = validator.limit_value
    return low, high


def label_and_unit(model_field) -> tuple[str, str]:
    """The field's label without its unit, and the unit: "Gestational age (weeks)" gives ("Gestational age",
    "weeks"). Read in the active language."""
    label = str(model_field.verbose_name)
    unit = str(_UNITS.get(model_field.name, ""))
    match = _UNIT_IN_LABEL.search(label)
    if match:
        unit = unit or match.group(1)
        label = label[: match.start()]
    return label[:1].upper() + label[1:], unit


def _field_column(model_field) -> Column:
    label, unit = label_and_unit(model_field)
    common: dict[str, Any] = {
        "name": model_field.name,
        "label": label,
        "unit": unit,
        "help": str(model_field.help_text),
    }
    required = not model_field.blank
    if model_field.many_to_one:
        return Column(kind=Kind.VOCABULARY, vocabulary=model_field.related_model, required=required, **common)
    if model_field.choices:
        choices = tuple((str(code), str(text)) for code, text in model_field.flatchoices)
        return Column(kind=Kind.CODE, choices=choices, required=required, **common)
    if isinstance(model_field, models.BooleanField):
        # A plain BooleanField is "no" when empty, as the form's unticked box; a nullable one may be unknown.
        return Column(kind=Kind.BOOLEAN, nullable_boolean=model_field.null, **common)
    if isinstance(model_field, models.DateField):
        return Column(kind=Kind.DATE, required=required, **common)
    low, high = _range(model_field)
    if isinstance(model_field, models.IntegerField):
        return Column(kind=Kind.INTEGER, required=required, minimum=low, maximum=high, **common)
    if isinstance(model_field, models.FloatField | models.DecimalField):
        return Column(kind=Kind.DECIMAL, required=required, minimum=low, maximum=high, **common)
    if isinstance(model_field, models.CharField | models.TextField):
        limit = model_field.max_length or text_limit(model_field.model, model_field.name)
        return Column(kind=Kind.TEXT, required=required, max_length=limit, **common)
    raise TypeError(f"No column type for {model_field!r}")


def _key_columns(shape: str) -> list[Column]:
    keys = [
        Column(
            "center",
            gettext_noop("Center code"),
            Kind.TEXT,
            Role.KEY,
            help=gettext_noop("The center's code, e.g. ALA. May be left empty."),
        ),
        Column(
            "case_number",
            gettext_noop("Center's case number"),
            Kind.TEXT,
            Role.KEY,
            required=True,
            max_length=40,
            help=gettext_noop(
                "Your center's own number for the child: the rows of every sheet are joined to a case by it."
            ),
        ),
        Column(
            "registry_id",
            gettext_noop("Registry ID"),
            Kind.TEXT,
            Role.KEY,
            max_length=20,
            help=gettext_noop("The registry's ID (ILR-...), once the case is registered. Empty for a new case."),
        ),
    ]
    if shape == "many":
        keys.append(
            Column(
                "record",
                gettext_noop("Record number"),
                Kind.INTEGER,
                Role.KEY,
                minimum=1,
                help=gettext_noop("The record's number within the case, as exported. Empty for a new record."),
            )
        )
    keys.append(
        Column(
            "version",
            gettext_noop("Version"),
            Kind.INTEGER,
            Role.KEY,
            minimum=1,
            help=gettext_noop(
                "The version the row was exported at. Needed to change an existing record; empty for a new one."
            ),
        )
    )
    return keys


_HOSPITAL_NUMBER_COLUMNS = (
    Column(
        "hospital_number",
        gettext_noop("Hospital number"),
        Kind.TEXT,
        Role.HOSPITAL_NUMBER,
        max_length=60,
        help=gettext_noop(
            "The hospital's own number, needed to register a new case. Only its keyed hash is stored; "
            "exports never contain it."
        ),
    ),
    Column(
        "hospital_number_key",
        gettext_noop("Hospital number key"),
        Kind.TEXT,
        Role.HOSPITAL_NUMBER,
        max_length=64,
        help=gettext_noop(
            "The keyed hash the registry stores instead of the hospital number (exports give it, so that an "
            "exported case can be imported again). Give the hospital number or this key for a new case."
        ),
    ),
)


def _columns(model, shape: str, *, exclude: tuple[str, ...] = ()) -> tuple[Column, ...]:
    columns = _key_columns(shape)
    if model is m.Case:
        columns += list(_HOSPITAL_NUMBER_COLUMNS)
    for model_field in model._meta.concrete_fields:
        if model_field.name in _NOT_COLUMNS or model_field.name in exclude or not model_field.editable:
            continue
        column = _field_column(model_field)
        columns.append(_with_example(column))
    return tuple(columns)


def _with_example(column: Column) -> Column:
    from dataclasses import replace

    example = _EXAMPLES.get(column.name)
    if example is None and column.required and column.choices:
        example = column.choices[0][0]
    return replace(column, example=example) if example is not None else column


def _sheet(name, title, model, shape, stage, **kwargs) -> Sheet:
    exclude = ("center", "center_case_number") if model is m.Case else ()  # the key columns give them
    return Sheet(name, title, model, shape, stage, columns=_columns(model, shape, exclude=exclude), **kwargs)


SHEETS: tuple[Sheet, ...] = (
    _sheet("cases", gettext_noop("Cases"), m.Case, "case", "registration"),
    _sheet("diagnosis", gettext_noop("Diagnosis and presentation"), m.Diagnosis, "one", "diagnosis"),
    _sheet("laboratory", gettext_noop("Laboratory"), m.LabPanel, "one", "diagnosis", one_per="timepoint"),
    _sheet(
        "immunophenotype",
        gettext_noop("Immunophenotype"),
        m.MarkerFinding,
        "many",
        "diagnosis",
        natural_key=("marker",),
    ),
    _sheet(
        "cytogenetics",
        gettext_noop("Cytogenetic and molecular findings"),
        m.CytogeneticFinding,
        "many",
        "diagnosis",
        natural_key=("method", "abnormality", "gene_5p", "gene_3p", "gene_other", "sample_date"),
    ),
    _sheet("treatment", gettext_noop("Treatment"), m.Treatment, "one", "treatment"),
    _sheet(
        "response",
        gettext_noop("Response assessments"),
        m.ResponseAssessment,
        "many",
        "treatment",
        natural_key=("assessment_date",),
    ),
    _sheet(
        "transplants",
        gettext_noop("Stem cell transplants"),
        m.Transplant,
        "many",
        "treatment",
        natural_key=("transplant_date",),
    ),
    _sheet(
        "supportive_care",
        gettext_noop("Supportive care"),
        m.SupportiveCare,
        "many",
        "treatment",
        natural_key=("kind", "phase", "start_date"),
    ),
    _sheet(
        "outcome_events",
        gettext_noop("Outcome events"),
        m.OutcomeEvent,
        "many",
        "follow-up",
        natural_key=("kind", "event_date"),
    ),
    _sheet(
        "adverse_events",
        gettext_noop("Adverse events (CTCAE)"),
        m.AdverseEvent,
        "many",
        "treatment",
        natural_key=("event_type", "onset_date"),
    ),
    _sheet(
        "follow_up", gettext_noop("Follow-up contacts"), m.FollowUp, "many", "follow-up", natural_key=("contact_date",)
    ),
)

_BY_MODEL = {sheet.model: sheet for sheet in SHEETS}


def sheet_for(model) -> Sheet:
    return _BY_MODEL[model]


def vocabulary_code(entry) -> str:
    """How a file names a vocabulary entry: its code (a protocol, which has none, by "name version")."""
    if entry is None:
        return ""
    return entry.code


def format_cell(column: Column, value: Any) -> Any:
    """A stored value as a cell: numbers stay numbers, dates stay dates (the writer formats them), the rest text.

    Empty (None or "") is None. A boolean is yes/no; a vocabulary entry (an instance) its code.
    """
    if value is None or value == "":
        return None
    if column.kind == Kind.BOOLEAN:
        return BOOLEAN_TRUE if value else BOOLEAN_FALSE
    if column.kind == Kind.VOCABULARY:
        return vocabulary_code(value)
    if column.kind == Kind.DECIMAL:
        number = float(value)
        return int(number) if number.is_integer() else number
    return value
