"""The import workbook's files, written the same way for the template and a center's export.

XLSX: a README sheet, one sheet per ``SHEETS`` entry (row 1 the column names exactly, then the rows; each header
cell carries the column's label, unit and help as a comment; code and yes/no columns a drop-down list; date cells
formatted YYYY-MM-DD), and a Codes sheet. CSV: one file per sheet in a zip, UTF-8 with a byte-order mark (so Excel
reads the accents right), comma separated.

The bytes depend on the rows only: no timestamps inside (workbook properties and zip entries carry a fixed date),
so exporting the same records twice gives the same file. Every text cell goes through analytics.reports.cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analytics.reports.cells import csv_cell, xlsx_cell
from registry.dictionary import column_variable
from registry.transfer.sheets import BOOLEAN_FALSE, BOOLEAN_TRUE, SHEETS, Column, Kind, Sheet
from registry.transfer.units import unit_in_language

__all__ = [
    "CODES_HEADER",
    "CODES_SHEET",
    "FIXED_TIME",
    "README_SHEET",
    "Rows",
    "csv_bytes",
    "sheets_xlsx",
    "sheets_zip",
    "workbook_bytes",
    "zip_bytes",
]

# The two sheets for people, named in the reader's language (the importer skips them in every language).
README_SHEET = pgettext_lazy("sheet of the import workbook", "README")
CODES_SHEET = pgettext_lazy("sheet of the import workbook", "Codes")
CODES_HEADER = ("sheet", "column", "code", "label", "retired")
_CODES_HEADINGS = {
    "sheet": pgettext_lazy("heading of the Codes sheet", "sheet"),
    "column": pgettext_lazy("heading of the Codes sheet", "column"),
    "code": pgettext_lazy("heading of the Codes sheet", "code"),
    "label": pgettext_lazy("heading of the Codes sheet", "label"),
    "retired": pgettext_lazy("heading of the Codes sheet", "retired"),
}
DATE_FORMAT = "yyyy-mm-dd"
# Every file's timestamp: a file's bytes must not change with the moment it was written.
FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_AUTHOR = "Infant Leukemia Registry"
# How many rows a drop-down list covers below the header (the rows a clinician is likely to type).
_VALIDATED_ROWS = 2000
_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")

Rows = dict[str, list[list[Any]]]  # sheet name -> rows of cells in the sheet's column order


def _header_note(sheet: Sheet, column: Column, vocabularies: dict) -> str:
    """The header cell's comment in the reader's language: label (unit), help, whether it is required."""
    variable = column_variable(sheet, column, vocabularies=vocabularies)  # the sheets are built once, in English
    unit = unit_in_language(variable.unit)
    parts = [str(variable.label) + (f" ({unit})" if unit else "")]
    if variable.description:
        parts.append(str(variable.description))
    if column.required:
        parts.append(gettext("Required."))
    return "\n".join(parts)


def _append(ws, values: Iterable[Any]) -> None:
    ws.append([xlsx_cell(value) for value in values])


def _code_ranges(codes_rows: Sequence[Sequence[Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(sheet, column) -> the first and last row of its codes in the Codes sheet."""
    ranges: dict[tuple[str, str], tuple[int, int]] = {}
    for index, row in enumerate(codes_rows, start=2):
        key = (str(row[0]), str(row[1]))
        first, _ = ranges.get(key, (index, index))
        ranges[key] = (first, index)
    return ranges


def _data_sheet(wb: Workbook, sheet: Sheet, rows: list[list[Any]], ranges: dict, vocabularies: dict) -> None:
    ws = wb.create_sheet(sheet.name)
    codes_sheet = str(CODES_SHEET)
    _append(ws, [column.name for column in sheet.columns])
    bold = Font(bold=True)
    last = max(_VALIDATED_ROWS, len(rows) + 1)
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, index)
        cell.font = bold
        cell.comment = Comment(xlsx_cell(_header_note(sheet, column, vocabularies)), _AUTHOR, width=320, height=140)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = min(max(12, len(column.name) + 4), 40)
        formula = None
        if column.kind == Kind.CODE and (sheet.name, column.name) in ranges:
            first, end = ranges[(sheet.name, column.name)]
            formula = f"'{codes_sheet}'!$C${first}:$C${end}"
        elif column.kind == Kind.BOOLEAN:
            formula = f'"{BOOLEAN_TRUE},{BOOLEAN_FALSE}"'
        if formula:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.error = gettext("Use one of the codes of {column} (see the {sheet} sheet).").format(
                column=column.name, sheet=codes_sheet
            )
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    dates = [i for i, column in enumerate(sheet.columns, start=1) if column.kind == Kind.DATE]
    for row in rows:
        _append(ws, row)
        for index in dates:
            ws.cell(ws.max_row, index).number_format = DATE_FORMAT
    ws.freeze_panes = "A2"


def sheets_xlsx(rows: Rows, *, readme: Sequence[str], codes: Sequence[Sequence[Any]]) -> bytes:
    """The workbook: README, the SHEETS in order with their rows, and the Codes sheet (rows of CODES_HEADER).

    ``readme`` rows are lines, or tuples of cells (a code in a cell of its own). The README and Codes sheets are
    named and headed in the reader's language; the data sheets and their column names stay codes.
    """
    wb = new_workbook()
    intro = wb.active
    intro.title = str(README_SHEET)
    for line in readme:
        _append(intro, [line] if isinstance(line, str) else line)
    intro.column_dimensions["A"].width = 120
    ranges = _code_ranges(codes)
    vocabularies: dict = {}
    for sheet in SHEETS:
        _data_sheet(wb, sheet, rows.get(sheet.name, []), ranges, vocabularies)
    table = wb.create_sheet(str(CODES_SHEET))
    _append(table, [str(_CODES_HEADINGS[name]) for name in CODES_HEADER])
    for row in codes:
        _append(table, row)
    for letter, width in zip("ABCDE", (18, 26, 26, 60, 8), strict=True):
        table.column_dimensions[letter].width = width
    return workbook_bytes(wb)


def sheets_zip(rows: Rows) -> bytes:
    """One ``<sheet>.csv`` per SHEETS entry, header and rows, in a zip."""
    files = {}
    for sheet in SHEETS:
        files[f"{sheet.name}.csv"] = csv_bytes([c.name for c in sheet.columns], rows.get(sheet.name, []))
    return zip_bytes(files)


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = _AUTHOR
    wb.properties.created = FIXED_TIME
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook's bytes with no trace of when they were written (openpyxl stamps the save time)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    files["docProps/core.xml"] = _MODIFIED.sub(
        lambda match: b"<dcterms:modified" + match.group(1) + b">" + stamp + b"</dcterms:modified>",
        files["docProps/core.xml"],
    )
    return zip_bytes(files)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of these files in this order, every entry dated FIXED_TIME."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_cell(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, comma separated, CRLF line ends (RFC 4180); text cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_value(name) for name in header])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
