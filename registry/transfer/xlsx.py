"""The rows of an XLSX workbook's sheets, read fast and without trusting the XML. No Django.

openpyxl reads the workbook's small parts (sheet names, styles, shared strings), through defusedxml. The sheets'
cells, nearly all of a file, are parsed here with expat directly: openpyxl's read-only reader parses them with
defusedxml's pure-Python ElementTree, about ten times slower, and parses a sheet twice when it has no
``<dimension>`` (openpyxl's own write-only files). Like defusedxml, this parser refuses a DTD or an entity
declaration, where the "billion laughs" and external-entity attacks live.

A row is ``(row number, {column index from 0: value})``; values are what openpyxl would give (str, int, float,
bool, datetime, time, timedelta), except a formula (`Formula`) and an error cell such as #N/A (`CellError`).
This module only reads; what the registry writes goes through `analytics.reports.cells.xlsx_cell`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pyexpat import ParserCreate
from typing import Any

__all__ = ["Book", "CellError", "Formula", "WorkbookBroken", "XmlRefused", "open_book"]

_MAX_COLUMN = 16384  # Excel's last column, XFD
_CHUNK = 2**16


class XmlRefused(Exception):
    """The workbook holds a DTD or an entity declaration."""


class WorkbookBroken(Exception):
    """The file is not a workbook openpyxl or this reader can make sense of."""


@dataclass(frozen=True)
class Formula:
    text: str
    coordinate: str  # "C5"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CellError:
    text: str  # "#N/A"

    def __str__(self) -> str:
        return self.text


@dataclass
class Book:
    archive: Any  # zipfile.ZipFile
    strings: list[str]
    dates: frozenset[str]  # the style indexes (as written in a cell's s="...") that show a number as a date
    durations: frozenset[str]  # ... as a duration
    epoch: dt.datetime
    sheets: list[tuple[str, str]]  # (title, path in the archive), in the workbook's order

    def rows(self, path: str) -> Iterator[tuple[int, dict[int, Any]]]:
        parser = _SheetParser(self)
        try:
            with self.archive.open(path) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.feed(chunk, final=False)
                    yield from parser.take()
            parser.feed(b"", final=True)
        except XmlRefused:
            raise
        except Exception as error:  # expat, zlib and bad numbers or indexes, all from a damaged file
            raise WorkbookBroken(str(error)) from None
        yield from parser.take()

    def close(self) -> None:
        self.archive.close()


def open_book(data: bytes) -> Book:
    """The workbook's sheet list and shared parts; raises `XmlRefused` or `WorkbookBroken`."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        ]
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        if _is_defusedxml_refusal(error):
            raise XmlRefused(str(error)) from None
        raise WorkbookBroken(str(error)) from None
    wb = reader.wb
    return Book(
        archive=reader.archive,
        strings=list(reader.shared_strings),
        dates=frozenset(str(i) for i in wb._date_formats),
        durations=frozenset(str(i) for i in wb._timedelta_formats),
        epoch=wb.epoch,
        sheets=sheets,
    )


def _is_defusedxml_refusal(error: BaseException | None) -> bool:
    while error is not None:  # openpyxl wraps some errors in a ValueError
        if type(error).__module__.startswith("defusedxml"):
            return True
        error = error.__cause__ or error.__context__
    return False


class _Columns(dict):
    """Column letters ("AB") -> 0-based index, computed once per letters."""

    def __missing__(self, letters: str) -> int:
        index = 0
        for ch in letters:
            if not "A" <= ch <= "Z":
                raise ValueError(f"bad cell reference {letters!r}")
            index = index * 26 + ord(ch) - 64
        if not 1 <= index <= _MAX_COLUMN:
            raise ValueError(f"bad cell reference {letters!r}")
        self[letters] = index - 1
        return index - 1


class _LocalNames(dict):
    """A tag as written ("c", or "x:c" with a prefix) -> its local name ("c")."""

    def __missing__(self, name: str) -> str:
        self[name] = local = name.rpartition(":")[2]
        return local


def _letters(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _refuse(*_args) -> None:
    raise XmlRefused("DTD or entity declaration")


class _SheetParser:
    """expat's callbacks for one sheet's XML, kept lean (they run for every cell): rows collect until `take`."""

    def __init__(self, book: Book):
        self.book = book
        self.done: list[tuple[int, dict[int, Any]]] = []
        self.local = _LocalNames()
        self.columns = _Columns()
        self.row = 0
        self.cells: dict[int, Any] = {}
        self.column = -1
        self.kind = "n"
        self.style: str | None = None
        self.value: str | None = None
        self.formula: str | None = None
        self.inline: str | None = None
        self.text = ""
        self.collect = False
        self.phonetic = False
        parser = ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse  # a sheet never has a DTD
        parser.EntityDeclHandler = _refuse
        parser.ExternalEntityRefHandler = _refuse
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        self.parser = parser

    def feed(self, chunk: bytes, *, final: bool) -> None:
        self.parser.Parse(chunk, final)

    def take(self) -> list[tuple[int, dict[int, Any]]]:
        done, self.done = self.done, []
        return done

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self.local[name]
        if tag == "c":
            reference = attrs.get("r")
            self.column = self.columns[reference.rstrip("0123456789")] if reference else self.column + 1
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value = self.formula = self.inline = None
        elif tag == "v" or tag == "f" or (tag == "t" and not self.phonetic):
            self.text = ""
            self.collect = True
        elif tag == "row":
            number = attrs.get("r")
            self.row = int(number) if number else self.row + 1
            self.cells = {}
            self.column = -1
        elif tag == "rPh":
            self.phonetic = True

    def _characters(self, data: str) -> None:
        if self.collect:
            self.text += data

    def _end(self, name: str) -> None:
        tag = self.local[name]
        if tag == "v":
            self.value = self.text
        elif tag == "c":
            if self.column >= _MAX_COLUMN:
                raise ValueError("too many columns")
            self.cells[self.column] = self._cell()
        elif tag == "row":
            self.done.append((self.row, self.cells))
        elif tag == "f":
            self.formula = self.text
        elif tag == "t" and self.collect:
            self.inline = (self.inline or "") + self.text
        elif tag == "rPh":
            self.phonetic = False
        self.collect = False

    def _cell(self) -> Any:
        kind, value = self.kind, self.value
        if self.formula is not None:
            text = self.formula or "\u2026"  # a shared formula's other cells hold no text
            return Formula("=" + text, f"{_letters(self.column)}{self.row}")
        if kind == "n":
            return None if value is None else self._number(value)
        if kind == "s":
            return None if value is None else self.book.strings[int(value)]
        if kind == "inlineStr":
            return self.inline
        if value is None:
            return None
        if kind == "b":
            return value.strip() in ("1", "true")
        if kind == "e":
            return CellError(value)
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(value)
            except ValueError:
                return value
        return value  # "str": a formula's cached text

    def _number(self, text: str) -> Any:
        # int() refuses what is not a whole number (and more than 4300 digits): a damaged file, as float() "abc"
        number = float(text) if "." in text or "e" in text or "E" in text else int(text)
        if self.style in self.book.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.book.epoch, timedelta=self.style in self.book.durations)
            except (ValueError, OverflowError, TypeError):
                return number  # not a date Excel could show; a date column refuses it
        return number
