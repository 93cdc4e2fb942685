"""Shapiro-Wilk within R's limits: it chooses between the normal-theory and the rank-based statistics."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__: list[str] = []


_SHAPIRO_MIN, _SHAPIRO_MAX = 3, 5000  # the range R's shapiro.test accepts


def _shapiro(x: np.ndarray) -> tuple[float, float, str | None]:
    """Shapiro-Wilk W and p, or NaN and the reason it was not computed (R's limits: 3 to 5000 values)."""
    if x.size < _SHAPIRO_MIN:
        return math.nan, math.nan, f"Shapiro-Wilk not computed: {x.size} value(s), it needs at least 3"
    if x.size > _SHAPIRO_MAX:
        return math.nan, math.nan, f"Shapiro-Wilk not computed: {x.size} values, R's limit is 5000"
    if np.ptp(x) == 0:
        return math.nan, math.nan, "Shapiro-Wilk not computed: all values are equal"
    res = stats.shapiro(x)
    return float(res.statistic), float(res.pvalue), None
