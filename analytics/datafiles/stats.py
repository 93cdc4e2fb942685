"""A dataset table as an SPSS ``.sav`` or Stata ``.dta`` file (pyreadstat), with variable and value labels.

Coded columns and booleans are stored as numbers with value labels (codes 1..n in the dictionary's order; booleans
0 No / 1 Yes): Stata labels numbers only, and SPSS tools handle labelled numbers best. Missing values are
system-missing (numbers) or empty (text). Text cells go through ``analytics.reports.cells`` like every other
file's, so a value reads the same in every format.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Literal

import pandas as pd
import pyreadstat

from analytics.reports.cells import csv_cell

from . import words as w
from .plan import Table

__all__ = ["LIMITS", "legal_names", "stats_file"]

# Per format: variable name length, variable label length, value label length, text value length (SPSS: in
# UTF-8 bytes, Stata: in characters).
LIMITS = {
    "sav": {"name": 64, "label": 256, "value_label": 120, "text": 32767},
    "dta": {"name": 32, "label": 80, "value_label": 32000, "text": 2045},
}
_ILLEGAL = re.compile(r"[^A-Za-z0-9_]")


def _cut(text: str, limit: int, fmt: str = "dta") -> str:
    """``text`` within ``limit``: characters for Stata, UTF-8 bytes for SPSS (a Russian letter is two), never
    splitting a letter."""
    if fmt != "sav":
        return text if len(text) <= limit else text[: limit - 1] + "\u2026"
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len("\u2026".encode())
    return text.encode("utf-8")[:room].decode("utf-8", errors="ignore") + "\u2026"


def legal_names(names: list[str], fmt: Literal["sav", "dta"]) -> list[str]:
    """Variable names both programs accept: letters, digits and ``_``, starting with a letter, within the format's
    length, unique ignoring case. The dataset's own names already are; this keeps a later column from breaking
    the file."""
    limit, seen, out = LIMITS[fmt]["name"], set(), []
    for name in names:
        base = _ILLEGAL.sub("_", name) or "v"
        if not base[0].isalpha():
            base = "v" + base
        base, candidate, k = base[:limit], base[:limit], 2
        while candidate.lower() in seen:
            suffix = f"_{k}"
            candidate, k = base[: limit - len(suffix)] + suffix, k + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _frame(table: Table, fmt: str) -> pd.DataFrame:
    data = {}
    for column in table.columns:
        values = table.frame[column.name].tolist()
        if column.kind == "text":
            cut = LIMITS[fmt]["text"]
            data[column.name] = ["" if v is None else _cut(str(csv_cell(v)), cut, fmt) for v in values]
        else:
            data[column.name] = pd.Series([column.number_of(v) for v in values], dtype="float64")
    return pd.DataFrame(data, columns=[c.name for c in table.columns])


def stats_file(
    table: Table, fmt: Literal["sav", "dta"], *, file_label: str = "", translate: w.Translate = w.english
) -> bytes:
    """One table as a ``.sav`` or ``.dta`` file's bytes (the booleans' value labels in ``translate``'s words)."""
    limits = LIMITS[fmt]
    frame = _frame(table, fmt)
    names = legal_names(list(frame.columns), fmt)
    frame.columns = names
    labels = [_cut(c.label, limits["label"], fmt) for c in table.columns]
    value_labels = {
        name: {
            k: _cut(translate(v) if c.kind == "boolean" else v, limits["value_label"], fmt)
            for k, v in c.value_labels.items()
        }
        for name, c in zip(names, table.columns, strict=True)
        if c.value_labels
    }
    # Whole numbers are stored as such: SPSS shows "12", not "12.00".
    formats = {
        name: "F8.0"
        for name, c in zip(names, table.columns, strict=True)
        if c.kind != "text" and frame[name].dropna().map(float.is_integer).all()
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data.{fmt}"
        if fmt == "sav":
            pyreadstat.write_sav(
                frame,
                str(path),
                file_label=_cut(file_label, 64, fmt),
                column_labels=labels,
                variable_value_labels=value_labels,
                variable_format=formats,
            )
        else:
            pyreadstat.write_dta(
                frame,
                str(path),
                file_label=_cut(file_label, 80),
                column_labels=labels,
                variable_value_labels=value_labels,
                version=15,
            )
        return path.read_bytes()
