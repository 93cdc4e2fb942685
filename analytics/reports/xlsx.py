"""The report as an XLSX workbook: a contents sheet, then one sheet per table (title, header, rows, notes)."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from .cells import xlsx_cell
from .model import Report

__all__ = ["render_xlsx", "sheet_names"]

_INVALID = re.compile(r"[\[\]:*?/\\]")
_MAX = 31


def sheet_names(report: Report) -> list[str]:
    """One unique sheet name per table, in report order.

    Parameters
    ----------
    report : Report

    Returns
    -------
    list of str
        Names of at most 31 characters, without ``[]:*?/\\``, unique ignoring case (as Excel requires), none
        equal to "Contents".
    """
    names: list[str] = []
    seen: set[str] = {"contents"}
    for section in report.sections:
        for i, table in enumerate(section.tables, start=1):
            base = _INVALID.sub(" ", f"{section.number}.{i} {table.title}").strip()[:_MAX].strip()
            name, k = base, 2
            while name.lower() in seen:
                suffix = f" ({k})"
                name, k = base[: _MAX - len(suffix)].rstrip() + suffix, k + 1
            seen.add(name.lower())
            names.append(name)
    return names


def _append(ws: Worksheet, values: list[Any]) -> None:
    # Every cell of the workbook is written here, so none can hold a formula or a character XML refuses.
    ws.append([xlsx_cell(v) for v in values])


def render_xlsx(report: Report) -> bytes:
    """Write the report to an XLSX workbook.

    Parameters
    ----------
    report : Report

    Returns
    -------
    bytes
        The workbook: a "Contents" sheet (title, metadata, the list of tables and their sheets), then one sheet
        per table with its title, method, header, rows and notes.
    """
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    bold = Font(bold=True)
    _append(contents, [report.title])
    contents["A1"].font = Font(bold=True, size=13)
    for key, value in report.metadata.items():
        _append(contents, [str(key), str(value)])
    _append(contents, [])
    _append(contents, ["Section", "Table", "Sheet"])
    for cell in contents[contents.max_row]:
        cell.font = bold
    names = iter(sheet_names(report))
    for section in report.sections:
        for table in section.tables:
            name = next(names)
            _append(contents, [f"{section.number}. {section.title}", table.title, name])
            ws = wb.create_sheet(name)
            _append(ws, [table.title])
            ws["A1"].font = Font(bold=True, size=12)
            _append(ws, [f"Method: {table.method}"] if table.method else [])
            _append(ws, [])
            _append(ws, list(table.columns))
            for cell in ws[ws.max_row]:
                cell.font = bold
            for row in table.rows:
                _append(ws, list(row))
            _append(ws, [])
            for note in table.notes:
                _append(ws, [note])
            for col, header in enumerate(table.columns, start=1):
                width = max([len(str(header))] + [len(str(r[col - 1])) for r in table.rows if col - 1 < len(r)])
                ws.column_dimensions[ws.cell(4, col).column_letter].width = min(max(8, width + 2), 60)
    contents.column_dimensions["A"].width = 30
    contents.column_dimensions["B"].width = 70
    contents.column_dimensions["C"].width = 34
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
