"""The report as an XLSX workbook: a contents sheet, then one sheet per table (title, header, rows, notes)."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from .cells import xlsx_cell
from .i18n import gettext as _
from .i18n import metadata_items
from .model import Report

__all__ = ["render_xlsx", "sheet_names", "shorten"]

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
        equal to the contents sheet's name. A longer title is shortened at a word boundary (never mid-word), in
        whatever language the report is in.
    """
    names: list[str] = []
    seen: set[str] = {_contents_name().lower()}
    for section in report.sections:
        for i, table in enumerate(section.tables, start=1):
            prefix = f"{section.number}.{i} "
            title = " ".join(_INVALID.sub(" ", table.title).split())
            base = prefix + shorten(title, _MAX - len(prefix))
            name, k = base, 2
            while name.lower() in seen:
                suffix = f" ({k})"
                name, k = prefix + shorten(title, _MAX - len(prefix) - len(suffix)) + suffix, k + 1
            seen.add(name.lower())
            names.append(name.strip())
    return names


_TRAILING = " ,;:.-\u2013(&"
# Words a shortened name must not end on (English and Russian conjunctions and prepositions).
_WEAK_ENDS = {"and", "or", "by", "of", "vs", "at", "in", "the", "a", "to", "with"}
_WEAK_ENDS |= {"и", "или", "по", "в", "на", "с", "от", "до", "за", "при", "для", "без", "к", "о", "из"}  # noqa: RUF001 (Russian)
_WEAK_ENDS |= {"со", "во", "об", "над", "под"}  # noqa: RUF001 (Russian)
_WEAK_ENDS |= {"<", ">", "<=", ">=", "=", "≤", "≥", "/"}  # a comparison with no right side


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary (never mid-word), without a dangling
    "and", "by" or punctuation at the end; a single word longer than the limit is the only thing ever cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    words = text.split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    while kept and (kept[-1].lower().strip(_TRAILING) in _WEAK_ENDS or not kept[-1].strip(_TRAILING)):
        kept.pop()
    if not kept:
        return words[0][:limit]
    return " ".join(kept).rstrip(_TRAILING)


def _contents_name() -> str:
    return shorten(_INVALID.sub(" ", _("Contents")), _MAX)


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
    contents.title = _contents_name()
    bold = Font(bold=True)
    _append(contents, [report.title])
    contents["A1"].font = Font(bold=True, size=13)
    for name, value in metadata_items(report.metadata):
        _append(contents, [name, value])
    _append(contents, [])
    _append(contents, [_("Section"), _("Table"), _("Sheet")])
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
            _append(ws, [_("Method: {method}").format(method=table.method)] if table.method else [])
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
