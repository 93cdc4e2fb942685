"""The data dictionary as a page's groups, a CSV and an XLSX: one row per variable, the same text everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from analytics.reports.cells import xlsx_cell
from analytics.variables import dataset_variables
from registry.dictionary import ENTERED, Variable, entered_variables
from registry.transfer.sheets import BOOLEAN_TRUE, SHEETS
from registry.transfer.workbook import csv_bytes, new_workbook, workbook_bytes

__all__ = [
    "CODES_HEADER",
    "HEADER",
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


def codes_text(variable: Variable) -> str:
    """ "code = label; ..." with retired entries marked."""
    retired = set(variable.retired)
    return "; ".join(
        f"{code} = {label}" + (f" ({RETIRED})" if code in retired else "") for code, label in variable.codes
    )


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
        variable.unit,
        codes_text(variable),
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
    variables.title = "Variables"
    _append(variables, list(HEADER))
    for row in dictionary_rows(groups, translated=True):
        _append(variables, cell_words(row) if cell_words else row)
    codes = wb.create_sheet("Codes")
    _append(codes, list(CODES_HEADER))
    for group in groups:
        for variable in group.variables:
            retired = set(variable.retired)
            for code, label in variable.codes:
                _append(codes, [variable.table, variable.name, code, label, BOOLEAN_TRUE if code in retired else ""])
    for ws in (variables, codes):
        ws.freeze_panes = "A2"
    return workbook_bytes(wb)
