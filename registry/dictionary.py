"""The data dictionary: every variable a file or a dataset carries, generated, never typed twice.

Entered variables come from the import workbook's columns (``registry.transfer.sheets.SHEETS``), which come from
the models: their labels, units, codes and ranges are the models'. A vocabulary column's codes are read from its
table when asked (active and retired entries; a retired code is still valid in old records). The analysis
dataset's variables are described on the analytics side (``analytics.variables``) with this same type.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext

from registry.transfer.sheets import SHEETS, Column, Role, Sheet, label_and_unit, vocabulary_code

__all__ = [
    "DERIVED",
    "ENTERED",
    "EVERY_ROW",
    "Variable",
    "column_variable",
    "entered_variables",
    "vocabulary_codes",
]

ENTERED = "entered"
DERIVED = "derived"
EVERY_ROW = "every row"  # what `required` says of a key column every row must give


@dataclass(frozen=True)
class Variable:
    """One variable: a column of an import sheet or of the analysis dataset.

    ``kind`` is one of ``registry.transfer.sheets.Kind``. ``codes`` are (code, label) pairs; ``retired`` the codes
    among them that are no longer offered for new entries. ``required`` names the stage at which the variable is
    required ("registration", "diagnosis", ...), ``EVERY_ROW`` for a key every row must give, "" when optional.
    ``derived_from`` says, in words, which records and which rule a derived variable comes from.
    """

    name: str
    label: str
    table: str
    kind: str
    unit: str = ""
    codes: tuple[tuple[str, str], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    required: str = ""
    source: str = ENTERED
    derived_from: str = ""
    description: str = ""
    retired: tuple[str, ...] = ()

    @property
    def code_map(self) -> dict[str, str]:
        return dict(self.codes)

    def range_text(self) -> str:
        """The allowed range as a reader writes it: "1-5", ">= 0", "<= 100", or "" when unbounded."""
        low, high = _number(self.minimum), _number(self.maximum)
        if low and high:
            return f"{low}-{high}"
        if low:
            return f">= {low}"
        if high:
            return f"<= {high}"
        return ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def vocabulary_codes(model) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """A vocabulary table's entries as (code, label) pairs in its own order, and the codes of retired entries."""
    entries = list(model.objects.all())
    codes = tuple((vocabulary_code(entry), _entry_label(entry)) for entry in entries)
    retired = tuple(vocabulary_code(entry) for entry in entries if not entry.active)
    return codes, retired


def _entry_label(entry) -> str:
    return entry.display_label  # in the reader's language


def _required(sheet: Sheet, column: Column) -> str:
    if not column.required:
        return ""
    return EVERY_ROW if column.role == Role.KEY else sheet.stage


def column_variable(sheet: Sheet, column: Column, *, vocabularies: dict | None = None) -> Variable:
    """The variable of one column of an import sheet.

    ``vocabularies`` caches the codes of each vocabulary model across columns (one query per table).
    """
    codes: tuple[tuple[str, str], ...] = column.choices
    retired: tuple[str, ...] = ()
    if column.vocabulary is not None:
        cache = vocabularies if vocabularies is not None else {}
        if column.vocabulary not in cache:
            cache[column.vocabulary] = vocabulary_codes(column.vocabulary)
        codes, retired = cache[column.vocabulary]
    label, unit, description = gettext(column.label), column.unit, gettext(column.help) if column.help else ""
    model_field = _model_field(sheet, column)
    if model_field is not None:
        # The sheets are built once, in English; a reader gets the labels in the active language.
        label, unit = label_and_unit(model_field)
        description = str(model_field.help_text)
        if column.choices:
            codes = tuple((str(code), str(text)) for code, text in model_field.flatchoices)
    return Variable(
        name=column.name,
        label=label,
        table=sheet.name,
        kind=column.kind,
        unit=unit,
        codes=codes,
        minimum=column.minimum,
        maximum=column.maximum,
        max_length=column.max_length,
        required=_required(sheet, column),
        source=ENTERED,
        description=description,
        retired=retired,
    )


def _model_field(sheet: Sheet, column: Column):
    if column.role != Role.FIELD:
        return None
    try:
        return sheet.model._meta.get_field(column.name)
    except FieldDoesNotExist:
        return None


def entered_variables() -> list[Variable]:
    """Every column of every import sheet, in workbook order: keys, hospital number columns, fields."""
    vocabularies: dict = {}
    return [column_variable(sheet, column, vocabularies=vocabularies) for sheet in SHEETS for column in sheet.columns]
