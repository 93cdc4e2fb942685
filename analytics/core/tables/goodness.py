"""Pearson's χ² goodness-of-fit test of counts against expected proportions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result
from analytics.core.tables.checks import _counts
from analytics.core.tables.constants import BAD_PROPORTIONS, NO_COUNTS

__all__ = ["GoodnessOfFit", "goodness_of_fit"]


@dataclass(frozen=True)
class GoodnessOfFit(Result):
    """χ² goodness of fit of observed counts to expected proportions."""

    counts: tuple[int, ...] = ()
    expected: tuple[float, ...] = ()
    chisq: float = math.nan
    df: int = 0
    p: float = math.nan


def goodness_of_fit(counts: Any, proportions: Any = None) -> GoodnessOfFit:
    """Pearson's χ² goodness-of-fit test (R's ``chisq.test(x, p = proportions)``).

    Parameters
    ----------
    counts : array-like
        Observed counts per category (e.g. boys, girls).
    proportions : array-like, optional
        Expected proportions (rescaled to sum to 1); equal proportions by default.

    Returns
    -------
    GoodnessOfFit
        ``chisq``, ``df = k - 1``, ``p`` and the expected counts.

    Examples
    --------
    >>> round(goodness_of_fit([20, 13]).chisq, 2)
    1.48
    """
    obs = _counts(np.atleast_2d(counts))[0]
    k = obs.size
    probs = np.full(k, 1.0 / k) if proportions is None else np.asarray(proportions, dtype=float)
    if probs.shape != (k,) or (probs <= 0).any():
        raise AnalysisInputError(BAD_PROPORTIONS.format(k=k, proportions=proportions))
    probs = probs / probs.sum()
    method = "Pearson's chi-square goodness-of-fit test"
    settings = {"proportions": probs.tolist()}
    if obs.sum() == 0:
        return GoodnessOfFit(method=method, settings=settings, message=NO_COUNTS, counts=tuple(obs.tolist()))
    expected = obs.sum() * probs
    res = stats.chisquare(obs, expected)
    return GoodnessOfFit(
        method=method,
        settings=settings,
        counts=tuple(int(c) for c in obs),
        expected=tuple(float(e) for e in expected),
        chisq=float(res.statistic),
        df=k - 1,
        p=float(res.pvalue),
    )
