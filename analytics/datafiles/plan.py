"""How each column of the dataset is written to a file: its label, its type and, for a coded column, the codes
in the data dictionary's order. No Django: the variables come in as objects with ``name``, ``label``, ``table``,
``kind`` and ``codes`` (``registry.dictionary.Variable``, as ``analytics.variables.dataset_variables`` gives them).

Coded columns (``kind`` "code" or "vocabulary" with codes) become integers 1..n in the dictionary's order in
SPSS and Stata (value labels attach to numbers only), and factors with those levels in R. A value the dictionary
does not list (a vocabulary entry added after the dictionary was read) is added after the listed codes, labelled
with itself, so no value is ever lost.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from analytics.schema import TABLES as SCHEMA_TABLES

__all__ = ["BOOLEAN_LABELS", "TABLES", "Column", "Table", "plan_table"]

TABLES = tuple(SCHEMA_TABLES)
BOOLEAN_LABELS = ((0, "No"), (1, "Yes"))

Kind = Literal["boolean", "code", "integer", "number", "text"]
_NUMBER_KINDS = {"integer": "integer", "decimal": "number"}
_CODE_KINDS = {"code", "vocabulary"}


@dataclass(frozen=True)
class Column:
    """One column as the files write it. ``codes`` are (code, label) pairs for a coded column, else empty."""

    name: str
    label: str
    kind: Kind
    codes: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    description: str = ""
    described: bool = True  # False when the dictionary had no variable for it (label = name, kind guessed)

    @property
    def value_labels(self) -> dict[int, str]:
        """The numbers SPSS and Stata store, with their labels: booleans 0 No / 1 Yes; a coded column's codes
        1..n in the dictionary's order; an integer column with codes (os_event: 0, 1) its own values."""
        if self.kind == "boolean":
            return dict(BOOLEAN_LABELS)
        if self.kind == "integer":
            return {int(code): label for code, label in self.codes}
        return {i: label for i, (_, label) in enumerate(self.codes, start=1)}

    def number_of(self, value: Any) -> float | None:
        """A value as the number SPSS and Stata store (None: missing)."""
        if _missing(value):
            return None
        if self.kind == "boolean":
            return float(bool(value))
        if self.kind == "code":
            return float([c for c, _ in self.codes].index(str(value)) + 1)
        return float(value)


@dataclass(frozen=True)
class Table:
    """One table of the dataset with its columns' plans, values normalised (None for missing)."""

    name: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _guess(values: list[Any]) -> Kind:
    present = [v for v in values if not _missing(v)]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


def _kind(variable: Any, values: list[Any]) -> Kind:
    kind = getattr(variable, "kind", "")
    if kind in _CODE_KINDS and variable.codes:
        return "code"
    if kind == "boolean":
        return "boolean"
    if kind in _NUMBER_KINDS:
        return _NUMBER_KINDS[kind]  # type: ignore[return-value]
    if kind == "text" or kind in _CODE_KINDS:
        return "text"
    return _guess(values)


def _integer_codes(variable: Any) -> tuple[tuple[str, str], ...]:
    codes = tuple((str(code), str(label)) for code, label in getattr(variable, "codes", ()) or ())
    try:
        [int(code) for code, _ in codes]
    except ValueError:
        return ()
    return codes


def _codes(variable: Any, values: list[Any]) -> tuple[tuple[str, str], ...]:
    listed = tuple((str(code), str(label)) for code, label in variable.codes)
    known = {code for code, _ in listed}
    extra = sorted({str(v) for v in values if not _missing(v)} - known)
    return listed + tuple((code, code) for code in extra)


def _normalised(values: list[Any], kind: Kind) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if _missing(v):
            out.append(None)
        elif kind == "boolean":
            out.append(bool(v))
        elif kind in ("code", "text"):
            out.append(str(v))
        else:
            v = v.item() if hasattr(v, "item") else v  # numpy scalars as Python numbers
            # 12.0 is written 12: a column with a missing value is float in pandas, its counts are not.
            out.append(int(v) if isinstance(v, float) and v.is_integer() else v)
    return out


def plan_table(name: str, frame: pd.DataFrame, variables: Iterable[Any]) -> Table:
    """The plan of one dataset table: each column's label, kind and codes from its variable.

    Parameters
    ----------
    name : one of ``TABLES``.
    frame : the table (``Dataset.cases``, ``.findings``, ``.adverse_events`` or ``.assessments``), its columns in
        schema order.
    variables : the dictionary's variables; those of table ``name`` are used, by column name.
    """
    by_name = {v.name: v for v in variables if v.table == name}
    columns, data = [], {}
    for column in frame.columns:
        values = [None if _missing(v) else v for v in frame[column].tolist()]
        variable = by_name.get(column)
        kind = _kind(variable, values)
        if kind == "code":  # an empty code is no code (exclusion_reason of a case not excluded)
            values = [None if v == "" else v for v in values]
        codes = _codes(variable, values) if kind == "code" else ()
        if kind == "integer":
            codes = _integer_codes(variable)
        label = str(variable.label) if variable is not None and variable.label else column
        columns.append(
            Column(
                name=column,
                label=label,
                kind=kind,
                codes=codes,
                unit=str(getattr(variable, "unit", "") or ""),
                description=str(getattr(variable, "description", "") or getattr(variable, "derived_from", "") or ""),
                described=variable is not None,
            )
        )
        data[column] = pd.Series(_normalised(values, kind), index=frame.index, dtype=object)
    return Table(name=name, frame=pd.DataFrame(data, columns=list(frame.columns)), columns=tuple(columns))
