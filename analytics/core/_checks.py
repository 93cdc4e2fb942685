"""Named input checks shared by the statistics core.

Each ``check_*`` helper validates one thing early and raises
:class:`analytics.core.exceptions.AnalysisInputError` with one clear, single-line message, so that the
command line can print it as is and the web layer can show it to a coordinator. The message texts are module
constants that tests can assert on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.exceptions import AnalysisInputError

__all__ = [
    "EMPTY_INPUT",
    "EVENT_CODES_NOT_ALLOWED",
    "LENGTH_MISMATCH",
    "MISSING_COLUMNS",
    "MISSING_VALUES",
    "NEGATIVE_VALUES",
    "NON_FINITE_VALUES",
    "NON_NUMERIC_VALUES",
    "NOT_POSITIVE",
    "check_columns",
    "check_durations",
    "check_event_codes",
    "check_group_codes",
    "check_labels",
    "check_positive",
    "check_same_length",
    "check_times",
]

MISSING_COLUMNS = "column(s) not found in the table: {missing} (available: {available})"
NON_NUMERIC_VALUES = "{name} must be numeric; found {example!r}"
NON_FINITE_VALUES = "{name} has {count} missing or non-finite value(s)"
NEGATIVE_VALUES = "{name} must be >= 0; found {count} negative value(s), e.g. {example}"
EVENT_CODES_NOT_ALLOWED = "{name} has code(s) {bad} outside the allowed set {allowed}"
EMPTY_INPUT = "{name} is empty: there is nothing to analyse"
LENGTH_MISMATCH = "{names} must have the same length; got {lengths}"
MISSING_VALUES = "{name} has {count} missing value(s)"
NOT_POSITIVE = "{name} must be > 0; got {value}"


def _short(values: Iterable[Any], limit: int = 5) -> str:
    items = [str(v) for v in values]
    text = ", ".join(items[:limit])
    return text + (", ..." if len(items) > limit else "")


def check_columns(df: pd.DataFrame, columns: Sequence[str | None]) -> None:
    """Check that every named column exists in ``df`` (``None`` entries are ignored).

    Parameters
    ----------
    df : pandas.DataFrame
        The analysis table.
    columns : sequence of str or None
        Column names the analysis needs; optional arguments left as ``None`` are skipped.

    Raises
    ------
    AnalysisInputError
        Naming every missing column and the columns that are there.
    """
    wanted = [c for c in columns if c is not None]
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise AnalysisInputError(
            MISSING_COLUMNS.format(missing=_short(missing, 10), available=_short(map(str, df.columns), 20))
        )


def _as_numeric(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        series = pd.Series(values)
        if series.dtype == bool:
            return series.to_numpy(dtype=float)
        if not (pd.api.types.is_numeric_dtype(series.dtype)):
            coerced = pd.to_numeric(series, errors="coerce")
            bad = coerced.isna() & series.notna()
            if bad.any():
                raise AnalysisInputError(NON_NUMERIC_VALUES.format(name=name, example=series[bad].iloc[0]))
            return coerced.to_numpy(dtype=float)
        return series.to_numpy(dtype=float, na_value=np.nan)
    arr = np.asarray(values)
    if arr.dtype == object or arr.dtype.kind in "USO":
        return _as_numeric(pd.Series(arr.ravel()), name)
    if arr.dtype.kind not in "biuf":
        raise AnalysisInputError(NON_NUMERIC_VALUES.format(name=name, example=arr.ravel()[0] if arr.size else ""))
    return arr.astype(float, copy=False).ravel()


def check_durations(values: Any, name: str = "time") -> np.ndarray:
    """Check follow-up times: numeric, finite, non-negative, not empty.

    Parameters
    ----------
    values : array-like
        Durations (days, months...); a pandas Series, numpy array or list.
    name : str
        How the message names them (usually the column name).

    Returns
    -------
    numpy.ndarray
        A 1-d float array of the same length.

    Raises
    ------
    AnalysisInputError
        If a value is not a number, is missing or infinite, or is negative, or if there are none.
    """
    arr = _as_numeric(values, name)
    if arr.size == 0:
        raise AnalysisInputError(EMPTY_INPUT.format(name=name))
    finite = np.isfinite(arr)
    if not finite.all():
        raise AnalysisInputError(NON_FINITE_VALUES.format(name=name, count=int((~finite).sum())))
    negative = arr < 0
    if negative.any():
        raise AnalysisInputError(
            NEGATIVE_VALUES.format(name=name, count=int(negative.sum()), example=f"{arr[negative][0]:g}")
        )
    return arr


def check_times(values: Any, name: str = "times") -> np.ndarray:
    """Check requested time points (for estimates at chosen times): like :func:`check_durations`, may be empty.

    Parameters
    ----------
    values : array-like
        The time points.
    name : str
        How the message names them.

    Returns
    -------
    numpy.ndarray
        A 1-d float array, in the order given.
    """
    arr = _as_numeric(values, name)
    if arr.size == 0:
        return arr
    return check_durations(arr, name)


def check_event_codes(values: Any, allowed: Iterable[int] = (0, 1), name: str = "event") -> np.ndarray:
    """Check event indicators against the allowed codes (e.g. 0/1, or 0/1/2 for competing risks).

    Booleans are accepted as 0/1. Floats are accepted when they are whole numbers (``1.0``).

    Parameters
    ----------
    values : array-like
        The event column.
    allowed : iterable of int
        The codes that may occur.
    name : str
        How the message names the column.

    Returns
    -------
    numpy.ndarray
        A 1-d int64 array.

    Raises
    ------
    AnalysisInputError
        If a value is missing, not numeric, not whole, or not one of ``allowed``.
    """
    allowed_set = sorted({int(a) for a in allowed})
    arr = _as_numeric(values, name)
    if arr.size == 0:
        raise AnalysisInputError(EMPTY_INPUT.format(name=name))
    finite = np.isfinite(arr)
    if not finite.all():
        raise AnalysisInputError(NON_FINITE_VALUES.format(name=name, count=int((~finite).sum())))
    codes = arr.astype(np.int64)
    bad_mask = (codes != arr) | ~np.isin(codes, allowed_set)
    if bad_mask.any():
        bad = np.unique(arr[bad_mask])
        raise AnalysisInputError(
            EVENT_CODES_NOT_ALLOWED.format(name=name, bad=_short(f"{b:g}" for b in bad), allowed=allowed_set)
        )
    return codes


def check_labels(values: Any, name: str = "group") -> np.ndarray:
    """Check a grouping column (group, stratum, center): no missing values.

    Parameters
    ----------
    values : array-like
        The labels, of any type that sorts (numbers or strings).
    name : str
        How the message names the column.

    Returns
    -------
    numpy.ndarray
        The labels as a 1-d array (object dtype for strings).
    """
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    missing = series.isna()
    if missing.any():
        raise AnalysisInputError(MISSING_VALUES.format(name=name, count=int(missing.sum())))
    return series.to_numpy()


def check_group_codes(values: Any, name: str = "group") -> tuple[np.ndarray, list[Any]]:
    """Check a grouping column and code it: integer codes 0..k-1 in sorted order of the labels.

    The order is that of R's factor levels for numbers and for plain ASCII strings, so results line up with
    R's output. Faster than :func:`check_labels` followed by a factorization on large tables: missing values
    are found from the factorization itself.

    Parameters
    ----------
    values : array-like
        The labels (numbers or strings).
    name : str
        How the message names the column.

    Returns
    -------
    codes : numpy.ndarray
        int64 codes, one per row.
    labels : list
        The distinct labels, sorted, as plain Python values.

    Raises
    ------
    AnalysisInputError
        If a label is missing.
    """
    if not isinstance(values, (pd.Series, pd.Index, np.ndarray, pd.api.extensions.ExtensionArray)):
        values = pd.Series(list(values))
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # labels of mixed types do not sort: sort their text instead
        codes, uniques = pd.factorize(pd.Series(values).astype(str), sort=True)
    missing = codes < 0
    if missing.any():
        raise AnalysisInputError(MISSING_VALUES.format(name=name, count=int(missing.sum())))
    labels = [u.item() if isinstance(u, np.generic) else u for u in np.asarray(uniques, dtype=object)]
    return codes.astype(np.int64, copy=False), labels


def check_same_length(**arrays: Any) -> None:
    """Check that the given arrays (by keyword name) all have the same length.

    Parameters
    ----------
    **arrays : array-like
        Name = values.
    """
    lengths = {k: len(v) for k, v in arrays.items() if v is not None}
    if len(set(lengths.values())) > 1:
        raise AnalysisInputError(
            LENGTH_MISMATCH.format(names=", ".join(lengths), lengths=", ".join(map(str, lengths.values())))
        )


def check_positive(value: float, name: str) -> float:
    """Check that a scalar setting (a horizon, a level) is a finite number > 0.

    Parameters
    ----------
    value : float
        The setting as given (a number or numeric text).
    name : str
        How the message names it.

    Returns
    -------
    float
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnalysisInputError(NON_NUMERIC_VALUES.format(name=name, example=value)) from None
    if not np.isfinite(number) or number <= 0:
        raise AnalysisInputError(NOT_POSITIVE.format(name=name, value=value))
    return number
