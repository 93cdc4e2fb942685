"""Files to upload in tests: XLSX workbooks, CSV files and zips built in memory."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook

from analytics.reports.cells import csv_cell, xlsx_cell
from registry.transfer.sheets import SHEETS

# The smallest rows each sheet accepts (its required columns), for tests that vary one thing.
CASE_HEADER = ["case_number", "sex", "birth_date"]
CASE_ROW = ["2019-07", "M", "2019-03-02"]


def xlsx(sheets: dict[str, list[list[Any]]], *, raw: bool = False) -> bytes:
    """A workbook with one sheet per entry. Cells go through `xlsx_cell` as an export's would, unless ``raw``
    (then a string starting with ``=`` becomes a formula, as openpyxl writes it)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row if raw else [xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list[Any]], *, delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows([[csv_cell(v) for v in row] for row in rows])
    return out.getvalue()


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    return csv_text(rows, delimiter=delimiter).encode(encoding)


def zip_of(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def big_workbook(n_cases: int) -> bytes:
    """About 12 rows per case over the cases, laboratory, adverse events and follow-up sheets, as the
    benchmark's file: real date and number cells, a write-only workbook (fast to make)."""
    import datetime as dt

    book = Workbook(write_only=True)
    sheets = {s.name: s for s in SHEETS}
    cases = book.create_sheet("cases")
    cases.append(["center", "case_number", "sex", "birth_date", "gestational_age_weeks", "down_syndrome"])
    lab = book.create_sheet("laboratory")
    decimals = [c for c in sheets["laboratory"].field_columns if c.kind == "decimal"]
    lab.append(["case_number", "timepoint", "sample_date", *[c.name for c in decimals]])
    lab_values = [round((c.minimum + c.maximum) / 3, 1) for c in decimals]
    events = book.create_sheet("adverse_events")
    events.append(["case_number", "event_type", "grade", "onset_date", "phase"])
    follow = book.create_sheet("follow_up")
    follow.append(["case_number", "contact_date", "vital_status", "note"])
    born = dt.datetime(2019, 3, 2)
    for i in range(n_cases):
        number = f"C{i:06d}"
        cases.append(["ALA", number, "MF"[i % 2], born, 38, "no"])
        for timepoint in ("baseline", "post_induction"):
            lab.append([number, timepoint, born, *lab_values])
        for grade in range(1, 6):
            events.append([number, "febrile_neutropenia", grade, born, "induction"])
        for k in range(4):
            follow.append([number, born + dt.timedelta(days=30 * k), "alive", "seen in clinic"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the zip (or workbook) ``data`` with member ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


_INLINE = re.compile(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
_SHARED_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def with_shared_strings(data: bytes) -> bytes:
    """The openpyxl workbook ``data`` with its text in a shared string table, as Excel writes it (openpyxl writes
    inline strings)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    strings: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        strings.append(match.group(2))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), len(strings) - 1)

    sheets = {
        name: _INLINE.sub(shared, archive.read(name))
        for name in archive.namelist()
        if name.startswith("xl/worksheets/")
    }
    table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>' % table
    types = archive.read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % _SHARED_TYPE
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in archive.namelist():
            content = sheets.get(name) or (types if name == "[Content_Types].xml" else archive.read(name))
            target.writestr(name, content)
        target.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def with_prefixed_tags(data: bytes, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The workbook with a sheet's tags written with a namespace prefix (<x:row>), as some generators do."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read(member)
    xml = re.sub(rb"<(/?)([A-Za-z]+)", rb"<\1x:\2", xml).replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")
    return replace_member(data, member, xml)
