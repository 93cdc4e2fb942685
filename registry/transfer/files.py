"""An uploaded file as typed rows, with every problem listed. No database; never raises for any bytes.

`read_upload` takes an XLSX workbook (one sheet per `sheets.SHEETS` entry, named by its name or title), one CSV
file named after a sheet (``cases.csv``), or a zip of such CSV files. Problems are collected, not raised: a
file-level one (encoding, bomb, not a workbook, limits) ends the reading of that file; a header or cell problem
is listed and reading goes on. A refused cell is left out of its row's ``values``, so the engine sees it neither
as a value nor as empty; the import must not be committed while ``problems`` is not empty.

Text cells lose the quote `analytics.reports.cells.csv_cell` puts before formula-like text (`cells.unquote`),
so an export re-imports unchanged. Row numbers are the spreadsheet's (header row 1, first data row 2, blank rows
counted). The header is a sheet's first non-blank row; fully blank rows are skipped.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from registry.transfer import problems as p
from registry.transfer import xlsx
from registry.transfer.cells import BadCell, Implausible, reader
from registry.transfer.problems import Problem, shown
from registry.transfer.sheets import SHEETS, Role, Sheet
from registry.transfer.workbook import CODES_SHEET, README_SHEET

__all__ = [
    "IGNORED_SHEETS",
    "MAX_BYTES",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNPACKED",
    "ReadResult",
    "Row",
    "read_upload",
]

MAX_BYTES = 50 * 2**20
MAX_ROWS = 200_000  # data rows, all sheets together
MAX_UNPACKED = 400 * 2**20  # a zip's or workbook's members, unpacked, all together
MAX_MEMBERS = 500
MAX_RATIO = 100  # unpacked : packed, for a member over RATIO_FLOOR
RATIO_FLOOR = 2**20
# Sheets (or CSV files in a zip) that are notes for people, not data: never read, never a problem.
# Sheets for people, not data: the template's and the export's own README and Codes sheets among them.
IGNORED_SHEETS = frozenset(
    {"readme", "read me", "instructions", "codes", "dictionary", "data dictionary", "data_dictionary"}
)


@functools.cache
def _ignored_sheets() -> frozenset[str]:
    """IGNORED_SHEETS and the names the registry's own README and Codes sheets have in each of its languages (a
    template downloaded in Russian is uploaded with them)."""
    names = set(IGNORED_SHEETS)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update(str(sheet).lower() for sheet in (README_SHEET, CODES_SHEET))
    return frozenset(names)


_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOWNLOAD_COPY = re.compile(r"\s*\(\d+\)$")  # "cases (1)", as browsers name a second download
_NESTED = (".zip", ".xlsx", ".xlsm", ".xls", ".7z", ".rar", ".gz", ".tar")


@dataclass
class Row:
    sheet: str
    number: int  # the spreadsheet's row number (header = 1)
    values: dict[str, Any]  # column name -> typed value (None when empty); refused cells left out
    present: frozenset[str]  # the sheet's columns found in its header
    # Field values outside their plausible range (kept in values): a problem only if the row is new or changed.
    deferred: dict[str, str] = field(default_factory=dict)


@dataclass
class ReadResult:
    rows: dict[str, list[Row]]  # sheet name -> rows, in SHEETS order; absent sheets absent
    problems: list[Problem]
    n_rows: int


class _Stop(Exception):
    """A file-level problem: reading this file ends here (and the whole upload when ``final``)."""

    def __init__(self, problem: Problem, *, final: bool = False):
        super().__init__(problem.message)
        self.problem = problem
        self.final = final


def _stop(message: str, sheet: str = "", row: int | None = None, value: str = "", final: bool = False) -> _Stop:
    return _Stop(Problem(sheet, row, "", value, message), final=final)


def read_upload(name: str, data: bytes, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> ReadResult:
    """Read an uploaded file (its name as uploaded, its bytes) into rows and problems."""
    collector = _Collector(max_rows)
    try:
        _read(name, data, collector, max_bytes)
    except _Stop as stop:
        collector.stop(stop.problem)
    return collector.result()


def _read(name: str, data: bytes, collector: _Collector, max_bytes: int) -> None:
    stem, extension = _split(name)
    if extension == ".xls":
        raise _stop(gettext(p.OLD_EXCEL))
    if extension not in (".xlsx", ".csv", ".zip"):
        raise _stop(gettext(p.UNKNOWN_EXTENSION), value=shown(name))
    if not data:
        raise _stop(gettext(p.EMPTY_FILE))
    if len(data) > max_bytes:
        raise _stop(gettext(p.TOO_LARGE).format(limit_mb=f"{max_bytes / 2**20:g}"))
    content = _content(data)
    if extension == ".csv":
        if content in ("zip", "ole2", "pdf"):
            raise _stop(gettext(p.NOT_WHAT_EXTENSION_SAYS).format(extension=extension, content=_CONTENT[content]))
        _read_csv(stem, data, collector)
        return
    if content == "ole2":
        raise _stop(gettext(p.OLD_EXCEL))
    if content != "zip":
        raise _stop(gettext(p.NOT_WHAT_EXTENSION_SAYS).format(extension=extension, content=_CONTENT[content]))
    archive = _open_zip(data, gettext(p.BROKEN_ZIP) if extension == ".zip" else gettext(p.NOT_A_WORKBOOK))
    is_workbook = "[Content_Types].xml" in archive.namelist()
    if extension == ".xlsx" and not is_workbook:
        raise _stop(gettext(p.NOT_WHAT_EXTENSION_SAYS).format(extension=extension, content=_CONTENT["zip"]))
    if extension == ".zip" and is_workbook:
        raise _stop(gettext(p.NOT_WHAT_EXTENSION_SAYS).format(extension=extension, content=_CONTENT["xlsx"]))
    if is_workbook:
        _read_xlsx(data, collector)
    else:
        _read_zip(archive, collector, max_bytes)


def _split(name: str) -> tuple[str, str]:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, extension = base.rpartition(".")
    return (stem, "." + extension.lower()) if dot else (base, "")


_CONTENT = {
    "zip": "a zip archive (not an Excel workbook)",
    "xlsx": "an Excel workbook",
    "ole2": "an old-format Excel file (.xls)",
    "pdf": "a PDF document",
    "binary": "binary data, not text",
    "text": "plain text (such as CSV)",
}


def _content(data: bytes) -> str:
    if data.startswith((_ZIP, _EMPTY_ZIP)):
        return "zip"
    if data.startswith(_OLE2):
        return "ole2"
    if data.startswith(b"%PDF"):
        return "pdf"
    return "binary" if b"\x00" in data[:4096] else "text"


# ---- the collector: rows and problems of every sheet -------------------------------------------------------------


@dataclass
class _Collector:
    max_rows: int
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    n_rows: int = 0
    n_lines: int = 0  # blank rows too: a sheet of a million empty rows is refused, not read for minutes
    stopped: bool = False  # a file-level problem was found

    def stop(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.stopped = True

    def result(self) -> ReadResult:
        if not self.stopped and self.n_rows == 0:
            self.problems.append(Problem("", None, "", "", gettext(p.EMPTY_FILE)))
        ordered = {sheet.name: self.rows[sheet.name] for sheet in SHEETS if sheet.name in self.rows}
        return ReadResult(rows=ordered, problems=self.problems, n_rows=self.n_rows)

    def unknown_sheet(self, name: str, lines: Iterable[tuple[int, dict[int, Any]]]) -> None:
        """A sheet or CSV file the registry does not know: a problem unless it is blank or a note for people."""
        if _DOWNLOAD_COPY.sub("", _split(name)[0]).lower() in _ignored_sheets():
            return
        if all(_blank_row(values) for _number, values in lines):
            return
        close = difflib.get_close_matches(_sheet_key(name), list(_SHEETS_BY_KEY), n=1, cutoff=0.6)
        suggestion = f' (did you mean "{_SHEETS_BY_KEY[close[0]].name}"?)' if close else ""
        names = ", ".join(sheet.name for sheet in SHEETS)
        message = gettext(p.UNKNOWN_SHEET).format(suggestion=suggestion, names=names)
        self.problems.append(Problem(name, None, "", shown(name), message))

    def read_sheet(self, sheet: Sheet, lines: Iterator[tuple[int, dict[int, Any]]], *, csv_text: bool = False) -> None:
        if sheet.name in self.rows:
            self.problems.append(Problem(sheet.name, None, "", "", gettext(p.DUPLICATE_SHEET)))
            return
        rows = self.rows[sheet.name] = []
        first = next(((n, values) for n, values in lines if not _blank_row(values)), None)
        if first is None:
            return
        number, header = first
        if csv_text:
            _check_delimiter(sheet, number, header)
        layout = _Layout(sheet, number, header, self.problems)
        for number, values in lines:
            self.n_lines += 1
            if self.n_lines > 2 * self.max_rows + 1000:
                raise _stop(
                    gettext(p.TOO_MANY_ROWS).format(limit=self.max_rows), sheet=sheet.name, row=number, final=True
                )
            if _blank_row(values):
                continue
            self.n_rows += 1
            if self.n_rows > self.max_rows:
                raise _stop(
                    gettext(p.TOO_MANY_ROWS).format(limit=self.max_rows), sheet=sheet.name, row=number, final=True
                )
            rows.append(layout.row(number, values))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(cells: dict[int, Any]) -> bool:
    return all(_blank(value) for value in cells.values())


def _header_key(value: Any) -> str:
    return "" if value is None else str(value).strip().lower()


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", _DOWNLOAD_COPY.sub("", name.strip().lower()))


_SHEETS_BY_KEY: dict[str, Sheet] = {}
for _sheet in SHEETS:
    _SHEETS_BY_KEY[_sheet_key(_sheet.title)] = _sheet
    _SHEETS_BY_KEY[_sheet_key(_sheet.name)] = _sheet


def _check_delimiter(sheet: Sheet, number: int, header: dict[int, Any]) -> None:
    known = {column.name for column in sheet.columns}
    if any(_header_key(name) in known for name in header.values()):
        return
    text = ",".join(str(name) for name in header.values())
    for separator, words in ((";", "semicolons"), ("\t", "tabs")):
        if separator in text:
            raise _stop(gettext(p.WRONG_DELIMITER).format(separator=words), sheet=sheet.name, row=number)


class _Layout:
    """A sheet's header: which position holds which column; its problems listed once."""

    def __init__(self, sheet: Sheet, number: int, header: dict[int, Any], problems: list[Problem]):
        self.sheet = sheet
        self.problems = problems
        self.readers: list[tuple[int, str, Any]] = []
        self.named = {index for index, raw in header.items() if _header_key(raw)}
        known = {column.name: column for column in sheet.columns}
        seen: set[str] = set()
        for index in sorted(self.named):
            raw = header[index]
            key = _header_key(raw)
            if key in seen:
                self._problem(number, key, raw, gettext(p.DUPLICATE_COLUMN))
            elif key in known:
                seen.add(key)
                self.readers.append((index, key, reader(known[key])))
            elif key in _HOSPITAL_NUMBER_COLUMNS:
                self._problem(number, key, raw, gettext(p.HOSPITAL_NUMBER_ELSEWHERE))
            else:
                close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
                suggestion = f' (did you mean "{close[0]}"?)' if close else ""
                self._problem(number, str(raw).strip(), raw, gettext(p.UNKNOWN_COLUMN).format(suggestion=suggestion))
        for column in sheet.columns:
            if column.required and column.role in (Role.KEY, Role.FIELD) and column.name not in seen:
                message = gettext(p.MISSING_COLUMN).format(name=column.name, label=column.label)
                self._problem(number, column.name, "", message)
        self.present = frozenset(seen)
        self.fields = {column.name for column in sheet.field_columns}

    def _problem(self, number: int, column: str, value: Any, message: str) -> None:
        self.problems.append(Problem(self.sheet.name, number, column, shown(value), message))

    def row(self, number: int, cells: dict[int, Any]) -> Row:
        values: dict[str, Any] = {}
        deferred: dict[str, str] = {}
        for index, name, read in self.readers:
            raw = cells.get(index)
            if isinstance(raw, xlsx.Formula):
                self._problem(number, name, raw.text, gettext(p.FORMULA_CELL).format(coordinate=raw.coordinate))
            elif isinstance(raw, xlsx.CellError):
                self._problem(number, name, raw.text, gettext(p.CELL_ERROR).format(error=raw.text))
            else:
                try:
                    values[name] = read(raw)
                except Implausible as bad:
                    if name in self.fields:
                        values[name], deferred[name] = bad.value, bad.message
                    else:
                        self._problem(number, name, raw, bad.message)
                except BadCell as bad:
                    self._problem(number, name, raw, bad.message)
        if len(cells) > len(self.named):
            self._unnamed(number, cells)
        return Row(self.sheet.name, number, values, self.present, deferred)

    def _unnamed(self, number: int, cells: dict[int, Any]) -> None:
        for index, value in cells.items():
            if index not in self.named and not _blank(value):
                self.named.add(index)  # reported once per column
                self._problem(number, "", value, gettext(p.UNNAMED_COLUMN))


_HOSPITAL_NUMBER_COLUMNS = {c.name for s in SHEETS for c in s.columns if c.role == Role.HOSPITAL_NUMBER}


# ---- CSV -----------------------------------------------------------------------------------------------------------


def _read_csv(stem: str, data: bytes, collector: _Collector) -> None:
    sheet = _SHEETS_BY_KEY.get(_sheet_key(stem))
    text = _decode(data, sheet.name if sheet else stem)
    lines = _csv_lines(text, sheet.name if sheet else stem)
    if sheet is None:
        collector.unknown_sheet(stem, lines)
    else:
        collector.read_sheet(sheet, lines, csv_text=True)


def _csv_lines(text: str, sheet: str) -> Iterator[tuple[int, dict[int, Any]]]:
    records = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except csv.Error as error:
            raise _stop(gettext(p.BROKEN_CSV).format(reason=error), sheet=sheet, row=number + 1) from None
        number += 1
        yield number, dict(enumerate(record))


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes, sheet: str) -> str:
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data):
        raise _stop(gettext(p.WRONG_ENCODING).format(encoding='UTF-16 ("Unicode Text")'), sheet=sheet)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise _stop(
            gettext(p.NOT_WHAT_EXTENSION_SAYS).format(extension=".csv", content=_CONTENT["binary"]), sheet=sheet
        )
    raise _stop(gettext(p.WRONG_ENCODING).format(encoding=_likely_encoding(data)), sheet=sheet)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: its ASCII letters put a zero byte in every other place, and only there."""
    head = data[:400]
    half = len(head) // 2
    zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
    return half >= 2 and zeros[0] <= 0.02 * half and zeros[1] >= 0.3 * half


# (codec, name for the message, is a character of that script), tried in this order: Chinese GBK text also
# decodes as Windows-1251 Cyrillic, while Russian text rarely decodes as GBK (a lone letter before a space breaks it).
_ENCODINGS = (
    ("gb18030", "GBK / GB18030 (Chinese)", lambda ch: "\u4e00" <= ch <= "\u9fff"),
    ("cp1251", "Windows-1251 (Cyrillic)", lambda ch: "\u0400" <= ch <= "\u04ff"),
    ("cp1252", "Windows-1252 (Western European)", str.isalpha),
)


def _likely_encoding(data: bytes) -> str:
    sample = data[:65536]
    if len(data) > len(sample):
        sample = sample.rpartition(b"\n")[0] or sample
    for codec, label, fits in _ENCODINGS:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        wide = [i for i, ch in enumerate(text) if ord(ch) > 127]
        if not wide or sum(fits(text[i]) for i in wide) < 0.8 * len(wide):
            continue
        # Chinese and Russian words run their letters together; a Western text's accents stand alone among ASCII.
        together = sum(1 for i in wide if ord(text[i - 1]) > 127 or (i + 1 < len(text) and ord(text[i + 1]) > 127))
        if codec != "cp1252" and together < 0.5 * len(wide):
            continue
        return label
    return "an older, non-Unicode encoding"


# ---- zip archives and workbooks ------------------------------------------------------------------------------------


def _open_zip(data: bytes, broken: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception:  # zipfile raises many kinds on crafted bytes
        raise _stop(broken) from None
    if len(members) > MAX_MEMBERS:
        raise _stop(gettext(p.ZIP_BOMB).format(reason=f"{len(members)} files inside"))
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED:
        raise _stop(gettext(p.ZIP_BOMB).format(reason=f"{unpacked // 2**20} MB unpacked"))
    for member in members:
        # zipfile never unpacks more than a member's declared size, so the declared sizes bound the work.
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise _stop(gettext(p.ZIP_BOMB).format(reason=f"packed {ratio} to 1"))
    return archive


def _read_zip(archive: zipfile.ZipFile, collector: _Collector, max_bytes: int) -> None:
    members = [m for m in archive.infolist() if not m.is_dir() and not _is_clutter(m.filename)]
    if any(m.filename.lower().endswith(_NESTED) for m in members):
        raise _stop(gettext(p.NESTED_ARCHIVE))
    for member in members:
        stem, extension = _split(member.filename)
        if extension != ".csv":
            collector.unknown_sheet(member.filename, [(1, {0: member.filename})])
            continue
        if member.file_size > max_bytes:
            collector.stop(Problem(stem, None, "", "", gettext(p.TOO_LARGE).format(limit_mb=f"{max_bytes / 2**20:g}")))
            continue
        try:
            data = archive.read(member)
        except Exception:  # a damaged or encrypted member
            raise _stop(gettext(p.BROKEN_ZIP)) from None
        if data.startswith((_ZIP, _EMPTY_ZIP)):
            raise _stop(gettext(p.NESTED_ARCHIVE))
        try:
            _read_csv(stem, data, collector)
        except _Stop as stop:  # this file ends; the others are still read
            if stop.final:
                raise
            collector.stop(stop.problem)


def _is_clutter(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith(".") or base.lower() in ("thumbs.db", "desktop.ini")


def _read_xlsx(data: bytes, collector: _Collector) -> None:
    try:
        book = xlsx.open_book(data)
    except xlsx.XmlRefused:
        raise _stop(gettext(p.XML_BOMB)) from None
    except xlsx.WorkbookBroken:
        raise _stop(gettext(p.NOT_A_WORKBOOK)) from None
    try:
        for title, path in book.sheets:
            sheet = _SHEETS_BY_KEY.get(_sheet_key(title))
            if sheet is None:
                collector.unknown_sheet(title, book.rows(path))
            else:
                collector.read_sheet(sheet, book.rows(path))
    except xlsx.XmlRefused:
        raise _stop(gettext(p.XML_BOMB)) from None
    except xlsx.WorkbookBroken:
        raise _stop(gettext(p.NOT_A_WORKBOOK)) from None
    finally:
        book.close()
