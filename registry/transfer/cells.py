"""One cell of an uploaded file as a typed value, or the reason it is refused. No database.

A cell is a CSV string or an openpyxl value (str, int, float, bool, datetime, time). `reader(column)` returns a
function that converts a cell of that column, raising `BadCell` with a message of `problems`. Nothing is guessed:

- empty (or only spaces) is None, "not recorded"; a plain boolean column's empty cell is False, an unticked box;
- dates: ISO text (YYYY-MM-DD, optionally with a midnight time) or a real date cell; no other order of day and
  month, however obvious, and no partial dates;
- numbers: number cells or text with a decimal point; a comma is refused (12,5 or 1,234?);
- booleans: yes/no, true/false, 1/0 in any case, or a boolean cell; nothing else;
- codes: the code, in any case, or a choice's label typed in full (any case) when no two choices share it;
- vocabulary entries: the code as text, resolved against the database by the import engine;
- text: stripped; NUL characters refused everywhere.

A text cell our exports wrote with a leading ``'`` (``analytics.reports.cells``) loses it again, so an export
re-imports unchanged. (Text that truly starts with ``'`` followed by ``=``, ``+``, ``-`` or ``@`` therefore loses
its quote: a spreadsheet hides such a quote anyway.)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext, pgettext

from analytics.reports.cells import is_formula_like
from registry.transfer import problems as p
from registry.transfer.sheets import Column, Kind

__all__ = ["BadCell", "reader", "unquote"]

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_WITH_TIME = re.compile(r"\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_YEAR_FIRST = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
_DAY_OR_MONTH_FIRST = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[-./]\d{1,2}[-./]\d{2}")
_PARTIAL_DATE = re.compile(r"\d{4}|\d{4}[-./]\d{1,2}|\d{1,2}[-./]\d{4}")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d{1,18}")
_COMMA_NUMBER = re.compile(r"[+-]?[\d\s.,]*\d[\d\s.,]*")
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})


class BadCell(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Implausible(BadCell):
    """A number outside its column's plausible range. The value is kept: a row equal to its stored record (a
    value entered before the range was set, say) imports as unchanged; a new or changed row is refused with it."""

    def __init__(self, message: str, value: float | int):
        super().__init__(message)
        self.value = value


def unquote(text: str) -> str:
    """Text without the ``'`` that `analytics.reports.cells` puts before what a spreadsheet would run."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def reader(column: Column) -> Callable[[Any], Any]:
    """The converter of the cells of ``column``: cell -> typed value or None; raises `BadCell`."""
    convert = _KINDS[column.kind](column)
    empty = False if column.kind == Kind.BOOLEAN and not column.nullable_boolean else None

    def read(value: Any) -> Any:
        if isinstance(value, str):
            if "\x00" in value:
                raise BadCell(gettext(p.NUL_CHARACTER))
            value = unquote(value).strip()
            if not value:
                return empty
        elif value is None:
            return empty
        return convert(value)

    return read


# ---- one function per kind, each made once per column ------------------------------------------------------------


def _as_text(value: Any) -> str:
    """A non-text cell of a text column as the spreadsheet shows it (2019, not 2019.0)."""
    if isinstance(value, dt.date | dt.datetime):
        raise BadCell(gettext(p.DATE_IN_TEXT_COLUMN))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(column: Column) -> Callable[[Any], Any]:
    limit = column.max_length

    def read(value: Any) -> str:
        text = value if isinstance(value, str) else _as_text(value)
        if limit is not None and len(text) > limit:
            raise BadCell(gettext(p.TOO_LONG).format(limit=limit, length=len(text)))
        return text

    return read


def _vocabulary(column: Column) -> Callable[[Any], Any]:
    return lambda value: value if isinstance(value, str) else _as_text(value)


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadCell(gettext(p.NOT_A_NUMBER))
    if isinstance(value, str):
        if _INTEGER.fullmatch(value):
            return int(value)
        if _NUMBER.fullmatch(value):
            value = float(value)
        elif "," in value and _COMMA_NUMBER.fullmatch(value):
            raise BadCell(gettext(p.DECIMAL_COMMA))
        else:
            raise BadCell(gettext(p.NOT_A_NUMBER))
    if isinstance(value, float) and not math.isfinite(value):
        raise BadCell(gettext(p.NOT_A_NUMBER))
    return value


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _range_text(column: Column) -> str:
    low, high, unit = column.minimum, column.maximum, f" {column.unit}" if column.unit else ""
    if low is not None and high is not None:
        return gettext("from {low} to {high}{unit}").format(low=_plain(low), high=_plain(high), unit=unit)
    if low is not None:
        return gettext("of at least {low}{unit}").format(low=_plain(low), unit=unit)
    return gettext("of at most {high}{unit}").format(high=_plain(high), unit=unit)


def _numeric(column: Column) -> Callable[[Any], Any]:
    whole = column.kind == Kind.INTEGER
    low, high = column.minimum, column.maximum
    out_of_range = gettext(p.OUT_OF_RANGE).format(range=_range_text(column)) if (low, high) != (None, None) else ""

    def read(value: Any) -> float | int:
        number = _number(value)
        if whole:
            if isinstance(number, float):
                if not number.is_integer():
                    raise BadCell(gettext(p.NOT_AN_INTEGER))
                number = int(number)
        else:
            number = float(number)
        if (low is not None and number < low) or (high is not None and number > high):
            raise Implausible(out_of_range, number)
        return number

    return read


def _iso(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_text(text: str) -> dt.date:
    if match := _ISO_DATE.fullmatch(text):
        if day := _iso(*map(int, match.groups())):
            return day
        raise BadCell(gettext(p.NOT_A_DATE))
    if _WITH_TIME.fullmatch(text):
        raise BadCell(gettext(p.DATE_WITH_TIME))
    if match := _YEAR_FIRST.fullmatch(text):
        if day := _iso(*map(int, match.groups())):
            raise BadCell(gettext(p.NOT_ISO_DATE).format(iso=day.isoformat()))
        raise BadCell(gettext(p.NOT_A_DATE))
    if match := _DAY_OR_MONTH_FIRST.fullmatch(text):
        a, b, year = map(int, match.groups())
        readings = [d for d in (_iso(year, b, a), _iso(year, a, b)) if d is not None]
        if len(readings) == 2 and readings[0] != readings[1]:
            first, second = (d.isoformat() for d in readings)
            raise BadCell(gettext(p.AMBIGUOUS_DATE).format(first=first, second=second))
        if readings:
            raise BadCell(gettext(p.NOT_ISO_DATE).format(iso=readings[0].isoformat()))
        raise BadCell(gettext(p.NOT_A_DATE))
    if _TWO_DIGIT_YEAR.fullmatch(text):
        raise BadCell(gettext(p.TWO_DIGIT_YEAR))
    if _PARTIAL_DATE.fullmatch(text):
        raise BadCell(gettext(p.PARTIAL_DATE))
    raise BadCell(gettext(p.NOT_A_DATE))


def _date(column: Column) -> Callable[[Any], Any]:
    def read(value: Any) -> dt.date:
        if isinstance(value, str):
            return _date_text(value)
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise BadCell(gettext(p.DATE_WITH_TIME))
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise BadCell(gettext(p.NOT_A_DATE))  # a plain number (a date cell formatted as General), a time, a boolean

    return read


def _boolean(column: Column) -> Callable[[Any], Any]:
    refused = gettext(p.NOT_YES_NO).format(
        empty=pgettext("an empty cell means", "not known")
        if column.nullable_boolean
        else pgettext("an empty cell means", "no")
    )

    def read(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        key = value.lower() if isinstance(value, str) else _as_text(value) if isinstance(value, int | float) else ""
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise BadCell(refused)

    return read


def _code(column: Column) -> Callable[[Any], Any]:
    known: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for code, label in column.choices:
        labels.setdefault(label.strip().lower(), []).append(code)
    for label, codes in labels.items():
        if len(codes) == 1:
            known[label] = codes[0]
    for code, _label in column.choices:
        known[code.lower()] = code  # a code wins over another choice's label
    exact = {code for code, _label in column.choices}
    refused = gettext(p.NOT_A_CODE).format(codes=", ".join(code for code, _label in column.choices))

    def read(value: Any) -> str:
        text = value if isinstance(value, str) else _as_text(value)
        if text in exact:
            return text
        try:
            return known[text.lower()]
        except KeyError:
            raise BadCell(refused) from None

    return read


_KINDS: dict[str, Callable[[Column], Callable[[Any], Any]]] = {
    Kind.TEXT: _text,
    Kind.VOCABULARY: _vocabulary,
    Kind.INTEGER: _numeric,
    Kind.DECIMAL: _numeric,
    Kind.DATE: _date,
    Kind.BOOLEAN: _boolean,
    Kind.CODE: _code,
}
