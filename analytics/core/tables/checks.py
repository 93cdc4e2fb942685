"""Coercion and checks of the values and the tables of counts that the table statistics take."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.core.exceptions import AnalysisInputError
from analytics.core.tables.constants import BAD_TABLE, NOT_NUMERIC

__all__: list[str] = []


def _numeric(values: Any, name: str) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    coerced = pd.to_numeric(series, errors="coerce")
    if (coerced.isna() & series.notna()).any():
        raise AnalysisInputError(NOT_NUMERIC.format(name=name))
    arr = coerced.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(arr).any():
        raise AnalysisInputError(NOT_NUMERIC.format(name=name))
    return arr


def _counts(x: Any) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisInputError(BAD_TABLE.format(shape="non-numeric values")) from None
    if arr.ndim != 2 or not np.isfinite(arr).all() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise AnalysisInputError(BAD_TABLE.format(shape=getattr(arr, "shape", "?")))
    return arr.astype(np.int64)
