"""Confidence intervals for one proportion x / n: Wilson's score interval and Clopper-Pearson's exact interval."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from scipy import stats

from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result
from analytics.core.tables.constants import (
    BAD_CONF_LEVEL,
    BAD_PROPORTION_COUNTS,
    CORRECT_NEEDS_WILSON,
    NO_TRIALS,
    UNKNOWN_CI_METHOD,
)

__all__ = ["CI_METHODS", "ProportionCI", "check_proportion_counts", "proportion_ci"]

CI_METHODS = ("wilson", "clopper-pearson")


@dataclass(frozen=True)
class ProportionCI(Result):
    """A proportion ``successes / n`` with its confidence interval; ``method`` names the interval."""

    successes: int = 0
    n: int = 0
    conf_level: float = 0.95
    estimate: float = math.nan
    lower: float = math.nan
    upper: float = math.nan


def check_proportion_counts(successes: Any, n: Any) -> tuple[int, int]:
    """Whole numbers with ``0 <= successes <= n`` and ``n >= 1``; else AnalysisInputError."""
    if isinstance(successes, bool) or isinstance(n, bool):
        raise AnalysisInputError(BAD_PROPORTION_COUNTS.format(x=successes, n=n))
    for value in (successes, n):
        if not isinstance(value, numbers.Real) or not math.isfinite(value) or not float(value).is_integer():
            raise AnalysisInputError(BAD_PROPORTION_COUNTS.format(x=successes, n=n))
    x, total = int(successes), int(n)
    if total == 0:
        raise AnalysisInputError(NO_TRIALS)
    if total < 0 or not 0 <= x <= total:
        raise AnalysisInputError(BAD_PROPORTION_COUNTS.format(x=successes, n=n))
    return x, total


def _wilson(x: int, n: int, z: float, correct: bool) -> tuple[float, float]:
    # Wilson (1927): the p whose score test |p_hat - p| / sqrt(p (1 - p) / n) equals z. With the continuity
    # correction (Newcombe 1998, method 4) p_hat moves 1/(2n) away from p before the test. R's prop.test caps that
    # correction at |x - n/2| (its null value is 1/2), so at x = n/2 exactly it is the uncorrected interval.
    shift = min(0.5, abs(x - n / 2)) / n if correct else 0.0
    z2 = z * z

    def root(p_hat: float, sign: int) -> float:
        centre = p_hat + z2 / (2 * n)
        half = z * math.sqrt(p_hat * (1 - p_hat) / n + z2 / (4 * n * n))
        return (centre + sign * half) / (1 + z2 / n)

    p_hat = x / n
    lower = 0.0 if p_hat - shift <= 0 else root(p_hat - shift, -1)
    upper = 1.0 if p_hat + shift >= 1 else root(p_hat + shift, +1)
    return max(lower, 0.0), min(upper, 1.0)


def _clopper_pearson(x: int, n: int, alpha: float) -> tuple[float, float]:
    # Clopper & Pearson (1934): the p whose binomial tail P(X >= x) (lower limit) or P(X <= x) (upper limit)
    # equals alpha / 2; those are quantiles of Beta(x, n - x + 1) and Beta(x + 1, n - x).
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lower, upper


def proportion_ci(
    successes: int, n: int, *, method: str = "wilson", conf_level: float = 0.95, correct: bool = False
) -> ProportionCI:
    """A proportion with its confidence interval, as R's ``prop.test`` (Wilson) or ``binom.test`` computes it.

    Parameters
    ----------
    successes : int
        Cases with the outcome, ``0 <= successes <= n``.
    n : int
        Cases (at least 1).
    method : {"wilson", "clopper-pearson"}
        "wilson": the score interval of Wilson (1927), R's ``prop.test(x, n, correct = FALSE)$conf.int``; it
        keeps close to the nominal coverage for small n and proportions near 0 or 1. "clopper-pearson": the
        exact interval of Clopper & Pearson (1934), R's ``binom.test(x, n)$conf.int``; it never covers less
        than the nominal level, so it is wider.
    conf_level : float
        Level of the two-sided interval, strictly between 0 and 1.
    correct : bool
        Wilson only: with the continuity correction (Newcombe 1998, method 4), R's ``prop.test`` default. As
        ``prop.test`` does, the correction is capped at ``|x - n/2|``, so it vanishes at ``x = n/2``.

    Returns
    -------
    ProportionCI
        ``estimate = successes / n``, ``lower`` and ``upper`` (0 when ``successes = 0``, 1 when
        ``successes = n``), and ``method`` naming the interval.

    Raises
    ------
    AnalysisInputError
        n = 0, counts that are not whole numbers with ``0 <= successes <= n``, an unknown method, a level outside
        (0, 1), or ``correct=True`` with Clopper-Pearson.

    Examples
    --------
    >>> res = proportion_ci(5, 33)
    >>> round(res.estimate, 4), round(res.lower, 4), round(res.upper, 4)
    (0.1515, 0.0665, 0.3092)
    """
    x, total = check_proportion_counts(successes, n)
    if method not in CI_METHODS:
        raise AnalysisInputError(UNKNOWN_CI_METHOD.format(allowed=", ".join(CI_METHODS), value=method))
    if isinstance(conf_level, bool) or not isinstance(conf_level, numbers.Real) or not 0 < conf_level < 1:
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    if correct and method != "wilson":
        raise AnalysisInputError(CORRECT_NEEDS_WILSON)
    alpha = 1 - conf_level
    if method == "wilson":
        lower, upper = _wilson(x, total, float(stats.norm.ppf(1 - alpha / 2)), correct)
        name = "Wilson score" + (" with continuity correction" if correct else "")
    else:
        lower, upper = _clopper_pearson(x, total, alpha)
        name = "Clopper-Pearson exact"
    return ProportionCI(
        method=f"proportion with {name} {conf_level:.0%} CI",
        settings={"method": method, "conf_level": conf_level, "correct": correct},
        successes=x,
        n=total,
        conf_level=conf_level,
        estimate=x / total,
        lower=lower,
        upper=upper,
    )
