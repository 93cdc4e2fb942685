"""The odds ratio of a 2x2 table with Woolf's (logit) confidence interval."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result
from analytics.core.tables.checks import _counts
from analytics.core.tables.constants import NOT_2X2

__all__ = ["OddsRatio", "odds_ratio"]


@dataclass(frozen=True)
class OddsRatio(Result):
    """Odds ratio of a 2x2 table, ``(a/b) / (c/d)`` for ``[[a, b], [c, d]]``, with Woolf's CI."""

    table: np.ndarray = field(default_factory=lambda: np.zeros((2, 2)))
    corrected: bool = False
    odds_ratio: float = math.nan
    log_odds_ratio: float = math.nan
    se: float = math.nan
    lower: float = math.nan
    upper: float = math.nan


def odds_ratio(table: Any, *, conf_level: float = 0.95) -> OddsRatio:
    """Odds ratio with Woolf's (logit) confidence interval; Haldane-Anscombe correction for zero cells.

    Parameters
    ----------
    table : array-like
        ``[[a, b], [c, d]]``: rows are the exposure (exposed, unexposed), columns the outcome (yes, no);
        the odds ratio is ``a d / (b c)``.
    conf_level : float
        Level of the interval.

    Returns
    -------
    OddsRatio
        ``odds_ratio``, ``log_odds_ratio``, ``se = sqrt(1/a + 1/b + 1/c + 1/d)`` and ``exp(log OR -+ z se)``.
        When any cell is 0, 0.5 is added to every cell first (``corrected`` is True and ``table`` holds the
        corrected counts).

    Examples
    --------
    >>> res = odds_ratio([[4, 10], [1, 18]])
    >>> round(res.odds_ratio, 2), round(res.lower, 2), round(res.upper, 2)
    (7.2, 0.7, 73.53)
    """
    counts = _counts(table)
    if counts.shape != (2, 2):
        raise AnalysisInputError(NOT_2X2.format(shape=counts.shape))
    corrected = bool((counts == 0).any())
    cells = counts.astype(float) + (0.5 if corrected else 0.0)
    (a, b), (c, d) = cells
    log_or = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    z = float(stats.norm.ppf(1 - (1 - conf_level) / 2))
    return OddsRatio(
        method="odds ratio with Woolf (logit) CI" + ("; Haldane-Anscombe +0.5 in every cell" if corrected else ""),
        settings={"conf_level": conf_level, "haldane_if_zero_cell": True},
        table=cells,
        corrected=corrected,
        odds_ratio=math.exp(log_or),
        log_odds_ratio=log_or,
        se=se,
        lower=math.exp(log_or - z * se),
        upper=math.exp(log_or + z * se),
    )
