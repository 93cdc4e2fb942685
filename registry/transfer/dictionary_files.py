"""The data dictionary as a page's groups, a CSV and an XLSX: one row per variable, the same text everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from analytics.reports.cells import xlsx_cell
from analytics.variables import dataset_variables
from registry.dictionary import ENTERED, Variable, entered_variables
from registry.transfer.sheets import SHEETS
from registry.transfer.units import unit_in_language
from registry.transfer.workbook import csv_bytes, new_workbook, workbook_bytes

__all__ = [
    "CODES_HEADER",
    "CODES_SHEET",
    "HEADER",
    "HEADINGS",
    "VARIABLES_SHEET",
    "Group",
    "codes_text",
    "dictionary_csv",
    "dictionary_groups",
    "dictionary_rows",
    "dictionary_xlsx",
    "variable_row",
]

HEADER = (
    "variable",
    "label",
    "table",
    "type",
    "unit",
    "codes",
    "range",
    "required",
    "source",
    "derived_from",
    "description",
)
CODES_HEADER = ("table", "variable", "code", "label", "retired")
RETIRED = "retired"
# The XLSX's sheet names and headings in the reader's language (in English the CSV's words); the CSV keeps codes.
VARIABLES_SHEET = pgettext_lazy("sheet of the data dictionary", "Variables")
CODES_SHEET = pgettext_lazy("sheet of the data dictionary", "Codes")
HEADINGS = {
    "variable": pgettext_lazy("heading of the data dictionary", "variable"),
    "label": pgettext_lazy("heading of the data dictionary", "label"),
    "table": pgettext_lazy("heading of the data dictionary", "table"),
    "type": pgettext_lazy("heading of the data dictionary", "type"),
    "unit": pgettext_lazy("heading of the data dictionary", "unit"),
    "codes": pgettext_lazy("heading of the data dictionary", "codes"),
    "range": pgettext_lazy("heading of the data dictionary", "range"),
    "required": pgettext_lazy("heading of the data dictionary", "required"),
    "source": pgettext_lazy("heading of the data dictionary", "source"),
    "derived_from": pgettext_lazy("heading of the data dictionary", "derived_from"),
    "description": pgettext_lazy("heading of the data dictionary", "description"),
    "code": pgettext_lazy("heading of the data dictionary", "code"),
    "retired": pgettext_lazy("heading of the data dictionary", "retired"),
}
_DATASET_TITLES = {
    "cases": _("Analysis dataset: cases (one row per case)"),
    "findings": _("Analysis dataset: findings (one row per cytogenetic finding)"),
    "adverse_events": _("Analysis dataset: adverse events (one row per event)"),
    "assessments": _("Analysis dataset: response assessments (one row per assessment)"),
}


@dataclass(frozen=True)
class Group:
    table: str
    title: str
    variables: tuple[Variable, ...]
    sheet_title: str = ""  # an import sheet's title (its name is ``table``); "" for a dataset table


def dictionary_groups(*, marked: bool = False) -> list[Group]:
    """Variables grouped by import sheet (in workbook order), then by table of the analysis dataset (``marked``:
    the descriptions' codes marked, for a page: ``analytics.variables.variables_by_table``)."""
    entered, dataset = entered_variables(), dataset_variables(marked=marked)
    groups = [
        Group(
            sheet.name,
            _("Import sheet %(name)s: %(title)s") % {"name": sheet.name, "title": gettext(sheet.title)},
            tuple(v for v in entered if v.table == sheet.name),
            gettext(sheet.title),
        )
        for sheet in SHEETS
    ]
    groups += [
        Group(table, str(title), tuple(v for v in dataset if v.table == table))
        for table, title in _DATASET_TITLES.items()
    ]
    return groups


def codes_text(variable: Variable, *, translated: bool = False) -> str:
    """ "code = label; ..." with retired entries marked (in the reader's language when ``translated``)."""
    retired = set(variable.retired)
    mark = gettext(RETIRED) if translated else RETIRED
    return "; ".join(f"{code} = {label}" + (f" ({mark})" if code in retired else "") for code, label in variable.codes)


def _limits(variable: Variable, *, translated: bool = False) -> str:
    if variable.max_length:
        if translated:
            return ngettext("at most %(count)d character", "at most %(count)d characters", variable.max_length) % {
                "count": variable.max_length
            }
        return f"at most {variable.max_length} characters"
    return variable.range_text()


def variable_row(variable: Variable, *, translated: bool = False) -> list[str]:
    """A variable as the cells of HEADER (the CSV keeps English; ``translated`` for the page and the XLSX)."""
    return [
        variable.name,
        variable.label,
        variable.table,
        variable.kind,
        unit_in_language(variable.unit) if translated else variable.unit,
        codes_text(variable, translated=translated),
        _limits(variable, translated=translated),
        variable.required,
        variable.source,
        variable.derived_from if variable.source != ENTERED else "",
        variable.description,
    ]


def dictionary_rows(groups: list[Group], *, translated: bool = False) -> list[list[str]]:
    return [variable_row(v, translated=translated) for group in groups for v in group.variables]


def dictionary_csv(groups: list[Group]) -> bytes:
    return csv_bytes(HEADER, dictionary_rows(groups))


def _append(ws, values: list[Any]) -> None:
    ws.append([xlsx_cell(value) for value in values])


def dictionary_xlsx(groups: list[Group], *, cell_words=None) -> bytes:
    """Two sheets: Variables (HEADER) and Codes (table, variable, code, label, retired).

    The column names and codes stay codes; ``cell_words(row)`` turns a row's words (type, stage, source) into
    the reader's language, and the limits are written in it too.
    """
    wb = new_workbook()
    variables = wb.active
    variables.title = str(VARIABLES_SHEET)
    _append(variables, [str(HEADINGS[name]) for name in HEADER])
    for row in dictionary_rows(groups, translated=True):
        _append(variables, cell_words(row) if cell_words else row)
    codes = wb.create_sheet(str(CODES_SHEET))
    _append(codes, [str(HEADINGS[name]) for name in CODES_HEADER])
    retired_mark = pgettext("a yes/no value", "yes")
    for group in groups:
        for variable in group.variables:
            retired = set(variable.retired)
            for code, label in variable.codes:
                _append(codes, [variable.table, variable.name, code, label, retired_mark if code in retired else ""])
    for ws in (variables, codes):
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)
