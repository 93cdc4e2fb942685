"""The import template: the workbook's sheets with one example row each, and the same as CSV files in a zip.

The example rows describe one made-up case together (the same case number, dates in order), so the template as
downloaded imports as it is. Examples come from the sheet's columns (``Column.example``); a required column with
none takes its first code, the first active entry of its vocabulary (one that fits the example's lineage), or
its minimum.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext, pgettext

from registry import models as m
from registry.dictionary import entered_variables
from registry.transfer import sheets
from registry.transfer.sheets import SHEETS, Column, Kind, Role, Sheet, vocabulary_code
from registry.transfer.workbook import Rows, sheets_xlsx, sheets_zip

__all__ = [
    "EXAMPLE_CASE_NUMBER",
    "EXAMPLE_HOSPITAL_NUMBER",
    "codes_rows",
    "example_rows",
    "readme_lines",
    "template_xlsx",
    "template_zip",
]

EXAMPLE_CASE_NUMBER = "2019-07"
EXAMPLE_HOSPITAL_NUMBER = "123456"
_KEY_EXAMPLES = {"case_number": EXAMPLE_CASE_NUMBER, "hospital_number": EXAMPLE_HOSPITAL_NUMBER}


def _lineage() -> str:
    return str(sheets.sheet_for(m.Diagnosis).column("lineage").example)


def _first_active(model) -> Any:
    entries = model.objects.filter(active=True)
    if model is m.Abnormality:
        entries = entries.filter(lineage_only__in=("", _lineage()), expected_fusion="")
    elif model is m.Protocol:
        entries = entries.filter(lineage__in=(_lineage(), "any"))
    return vocabulary_code(entries.first())


def _example(column: Column) -> Any:
    if column.role != Role.FIELD:
        return _KEY_EXAMPLES.get(column.name)
    if column.example is not None:
        return column.example
    if not column.required:
        return None
    if column.kind == Kind.VOCABULARY:
        return _first_active(column.vocabulary) or None
    if column.choices:
        return column.choices[0][0]
    if column.kind in (Kind.INTEGER, Kind.DECIMAL):
        return column.minimum if column.minimum is not None else 1
    return None


def _cell(column: Column, value: Any) -> Any:
    if column.kind == Kind.DATE and isinstance(value, str):
        return date.fromisoformat(value)  # a real date cell, as the exports write it
    return str(value) if isinstance(value, str) else value  # a choices member as its plain code


def example_row(sheet: Sheet) -> list[Any]:
    return [_cell(column, _example(column)) for column in sheet.columns]


def example_rows() -> Rows:
    """One example row per sheet, all of one made-up case."""
    return {sheet.name: [example_row(sheet)] for sheet in SHEETS}


def readme_lines() -> list[str]:
    """The README sheet, in the reader's language: the conventions, then the sheets and what they hold.

    Column names, sheet names and codes stay as they are (a program reads them); the sentences are translated.
    """
    stages = {
        "registration": pgettext("stage of data entry", "registration"),
        "diagnosis": pgettext("stage of data entry", "diagnosis"),
        "treatment": pgettext("stage of data entry", "treatment"),
        "follow-up": pgettext("stage of data entry", "follow-up"),
    }
    lines = [gettext("Infant Leukemia Registry: import workbook"), ""]
    lines += [
        gettext("One sheet per kind of record; its columns are generated from the registry's models."),
        gettext(
            "A column is a key (the case, the record, its version), a field of a record (its type, unit, codes "
            "and range come from the registry), or the hospital number (written, never read back: only its keyed "
            "hash is stored)."
        ),
        gettext(
            "Cells, the same in XLSX and CSV: dates as %(date_format)s (real date cells in XLSX); %(yes)s or "
            "%(no)s for yes/no questions; codes, not labels, for coded columns; a protocol as its name and "
            "version; numbers as numbers. An empty cell means the value was not recorded."
        )
        % {"date_format": "YYYY-MM-DD", "yes": sheets.BOOLEAN_TRUE, "no": sheets.BOOLEAN_FALSE},
        "",
        gettext(
            "Row 1 of every sheet holds the column names: keep them as they are. The comment of each header cell "
            "gives the column's label, unit and help; the Codes sheet lists the codes each coded column accepts."
        ),
        gettext(
            "Row 2 is an example: replace it with your cases. The rows of every sheet are joined to a case by "
            "its %(column)s column."
        )
        % {"column": "case_number"},
        "",
        gettext("Sheets:"),
    ]
    lines += [
        gettext("%(sheet)s: %(title)s (entered at %(stage)s)")
        % {"sheet": sheet.name, "title": gettext(sheet.title), "stage": stages.get(sheet.stage, sheet.stage)}
        for sheet in SHEETS
    ]
    return lines


def codes_rows() -> list[list[Any]]:
    """The Codes sheet: sheet, column, code, label, retired ("yes" in the reader's language, or empty), for every
    coded column."""
    rows = []
    mark = pgettext("a yes/no value", "yes")
    for variable in entered_variables():
        retired = set(variable.retired)
        for code, label in variable.codes:
            rows.append([variable.table, variable.name, code, label, mark if code in retired else ""])
    return rows


def template_xlsx() -> bytes:
    return sheets_xlsx(example_rows(), readme=readme_lines(), codes=codes_rows())


def template_zip() -> bytes:
    return sheets_zip(example_rows())
