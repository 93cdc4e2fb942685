"""Differences with normal-approximation intervals: of two proportions (as R's ``prop.test(correct = FALSE)``)
and of two independent estimates with their standard errors (e.g. Kaplan-Meier estimates at one time, each with
its Greenwood SE)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["difference_of_estimates", "difference_of_proportions"]


def _z(conf_level: float) -> float:
    return float(stats.norm.ppf(1 - (1 - conf_level) / 2))


def difference_of_proportions(x1: int, n1: int, x2: int, n2: int, *, conf_level: float = 0.95) -> tuple:
    """p1 - p2 with the Wald interval, clipped to [-1, 1], as ``prop.test(c(x1, x2), c(n1, n2), correct =
    FALSE)$conf.int`` gives it.

    Returns
    -------
    tuple
        (difference, lower, upper).
    """
    p1, p2 = x1 / n1, x2 / n2
    half = _z(conf_level) * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    d = p1 - p2
    return d, max(d - half, -1.0), min(d + half, 1.0)


def difference_of_estimates(e1: float, se1: float, e2: float, se2: float, conf_level: float = 0.95) -> tuple:
    """(difference, lower, upper, p) of two independent estimates: ``e1 - e2 -+ z sqrt(se1² + se2²)`` and the
    two-sided normal p; NaN where an estimate or standard error is missing."""
    se = math.sqrt(se1 * se1 + se2 * se2) if np.isfinite(se1) and np.isfinite(se2) else math.nan
    d = e1 - e2
    if not (np.isfinite(d) and np.isfinite(se)):
        return d, math.nan, math.nan, math.nan
    z = _z(conf_level)
    p = float(2 * stats.norm.sf(abs(d) / se)) if se > 0 else math.nan
    return d, d - z * se, d + z * se, p
