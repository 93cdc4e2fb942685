"""An R script (base R only) that reads the dataset's CSV files with the dictionary's types, factor levels,
value labels and variable labels. Generated from the same plan as the files, so it always fits them."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from . import words as w
from .plan import Column, Table

__all__ = ["SCRIPT_NAME", "csv_name", "r_script", "r_string"]

SCRIPT_NAME = "read_dataset.R"
_COMMENT_WIDTH = 106
_CLASSES = {"boolean": "logical", "code": "character", "integer": "integer", "number": "numeric", "text": "character"}
# Undoes analytics.reports.cells: a quote put before text a spreadsheet would run (after optional whitespace: = +
# - @ |, their full-width forms, or a tab, CR or LF).
_UNQUOTE = r"""registry_unquote <- function(x) {
  rest <- substring(x, 2)
  quoted <- !is.na(x) & startsWith(x, "'") &
    grepl("^[ \t\r\n]*[-=+@|\uff1d\uff0b\uff0d\uff20]|^ *[\t\r\n]", rest)
  x[quoted] <- rest[quoted]
  x
}"""


def csv_name(table: str) -> str:
    return f"{table}.csv"


def r_string(text: str) -> str:
    """``text`` as an R string literal, ASCII only (non-ASCII as \\u escapes), so the script reads the same in
    every locale."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x80:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _vector(values: Sequence[str]) -> str:
    return "c(" + ", ".join(r_string(v) for v in values) + ")"


def _factor_labels(column: Column) -> list[str]:
    # factor() would merge two codes with the same label: those get their code added.
    labels = [label for _, label in column.codes]
    return [f"{label} [{code}]" if labels.count(label) > 1 else label for code, label in column.codes]


def _table_lines(table: Table) -> list[str]:
    name = table.name
    classes = ", ".join(f"{r_string(c.name)} = {r_string(_CLASSES[c.kind])}" for c in table.columns)
    lines = [
        "",
        f"{name} <- read.csv(file.path(dataset_dir, {r_string(csv_name(name))}), stringsAsFactors = FALSE,",
        '  na.strings = "", check.names = FALSE, fileEncoding = "UTF-8",',
        f"  colClasses = c({classes}))",
    ]
    for c in table.columns:
        if c.kind in ("code", "text"):
            lines.append(f"{name}[[{r_string(c.name)}]] <- registry_unquote({name}[[{r_string(c.name)}]])")
        if c.kind == "code":
            codes = [code for code, _ in c.codes]
            lines.append(
                f"{name}[[{r_string(c.name)}]] <- factor({name}[[{r_string(c.name)}]], "
                f"levels = {_vector(codes)}, labels = {_vector(_factor_labels(c))})"
            )
        if c.kind == "integer" and c.codes:
            # Numbers analyses use as they are (os_event 0/1): labelled the way haven labels them.
            values = ", ".join(f"{int(code)}L" for code, _ in c.codes)
            lines.append(
                f'attr({name}[[{r_string(c.name)}]], "labels") <- '
                f"setNames(c({values}), {_vector([label for _, label in c.codes])})"
            )
        lines.append(f'attr({name}[[{r_string(c.name)}]], "label") <- {r_string(c.label)}')
    return lines


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in textwrap.wrap(text.replace("\n", " "), width=_COMMENT_WIDTH)]


def r_script(tables: Sequence[Table], about: Sequence[tuple[str, str]], translate: w.Translate = w.english) -> str:
    """The script's text. Run it with the CSV files in the working directory (or set ``dataset_dir`` first);
    it leaves one data frame per table (``cases``, ``findings``, ``adverse_events``,
    ``assessments``). Its comments are in ``translate``'s words (the code and its string literals stay ASCII)."""
    header = [f"# {key}: {value}".replace("\n", " ") for key, value in about]
    introduction, conventions = (translate(comment) for comment in w.SCRIPT_COMMENTS)
    lines = [
        *_comment(introduction),
        *header,
        *_comment(conventions),
        "",
        'if (!exists("dataset_dir")) dataset_dir <- "."',
        _UNQUOTE,
    ]
    for table in tables:
        lines += _table_lines(table)
    return "\n".join(lines) + "\n"
