"""Every cell the registry writes to a CSV or XLSX file, and every data label it draws, made inert. No Django.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (OWASP "CSV injection"),
and some also act on ``|`` (DDE), a leading tab, carriage return or line feed, or the full-width forms of those
signs; leading spaces do not stop any of them. A text cell that starts that way, after any leading whitespace, is
written with a single quote in front (``'=1+2``), the same in CSV and XLSX, so a reader sees what was typed and
nothing runs. Numbers are never touched (``-1.5`` stored as a number stays a number), and neither is text that
is a plain number (``"-0.52"``), which a spreadsheet reads as that number and nothing else.

Every writer goes through this module: ``csv_cell``/``csv_frame`` for CSV, ``xlsx_cell`` for XLSX (which also
drops the characters XML cannot carry, so a stray control character cannot break the workbook), and
``label_text`` for text drawn in a figure or printed in a PDF.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = [
    "DANGEROUS_LEADS",
    "XLSX_MAX_CHARS",
    "csv_cell",
    "csv_frame",
    "is_formula_like",
    "label_text",
    "xlsx_cell",
]

# = + - @ | tab CR LF, and the full-width = + - @ that some spreadsheets read as their ASCII forms.
DANGEROUS_LEADS = frozenset("=+-@|\t\r\n\uff1d\uff0b\uff0d\uff20")
XLSX_MAX_CHARS = 32767  # Excel refuses a workbook with a longer cell
_QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# What XML 1.0 cannot carry (openpyxl refuses the control characters; U+FFFE/U+FFFF make a corrupt file).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REPLACEMENT = "\ufffd"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could take ``text`` for a formula.

    That is when its leading whitespace or its first other character is one of ``DANGEROUS_LEADS``, unless the
    whole text is a plain number.
    """
    rest = text.lstrip()
    head = text[: len(text) - len(rest) + 1]
    return any(ch in DANGEROUS_LEADS for ch in head) and _PLAIN_NUMBER.fullmatch(text) is None


def csv_cell(value: Any) -> Any:
    """A CSV cell: text a spreadsheet could run gets a leading ``'``; anything that is not text is unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return _QUOTE + value
    return value


def csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with ``csv_cell`` applied to every column that can hold text (numeric columns as is)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not (
            pd.api.types.is_numeric_dtype(column)
            or pd.api.types.is_bool_dtype(column)
            or pd.api.types.is_datetime64_any_dtype(column)
        ):
            # Each distinct text is checked once (a column holds few: codes, labels), not every cell.
            risky = {v: _QUOTE + v for v in pd.unique(column) if isinstance(v, str) and is_formula_like(v)}
            out[name] = (column.map(lambda v, risky=risky: risky.get(v, v)) if risky else column).astype(object)
    return out


def xlsx_cell(value: Any) -> Any:
    """An XLSX cell: as ``csv_cell``, without the characters XML cannot carry, and cut to Excel's cell limit.

    A string is always stored as text: openpyxl would store a string starting with ``=`` as a formula, and
    ``csv_cell`` has already put a quote before it.
    """
    if not isinstance(value, str):
        return value
    text = csv_cell(_XML_ILLEGAL.sub(_REPLACEMENT, value))
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - 1] + "\u2026"
    return text


def _plain(ch: str) -> str:
    if unicodedata.category(ch) not in ("Cc", "Cs"):
        return ch
    return " " if ch.isspace() else _REPLACEMENT


def label_text(value: Any, limit: int | None = None) -> str:
    """Text from the records as a figure or PDF shows it: line breaks and tabs as spaces, other control
    characters as U+FFFD, cut to ``limit`` characters.

    Renderers get it as plain text only (the figures turn mathtext off, the PDF escapes markup); this keeps a
    stray control character or an endless label from breaking the layout.
    """
    text = "" if value is None else str(value)
    text = "".join(_plain(ch) for ch in text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return text
