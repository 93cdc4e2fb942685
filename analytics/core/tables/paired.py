"""Paired values (baseline vs post-induction): paired t-test and Wilcoxon signed-rank, one chosen."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result
from analytics.core.tables.checks import _numeric
from analytics.core.tables.constants import (
    _TESTS,
    ALPHA,
    BAD_ALTERNATIVE,
    EXACT_LIMIT,
    NO_VARIANCE,
    PAIRED_LENGTHS,
    TOO_FEW_PAIRS,
)
from analytics.core.tables.normality import _shapiro

__all__ = ["PairedComparison", "compare_paired"]


@dataclass(frozen=True)
class PairedComparison(Result):
    """Paired t-test and Wilcoxon signed-rank test; ``test``/``p`` are the chosen one's."""

    n_pairs: int = 0
    dropped: int = 0
    test: str = ""
    p: float = math.nan
    shapiro_p: float = math.nan
    mean_difference: float = math.nan
    t_statistic: float = math.nan
    t_df: float = math.nan
    t_p: float = math.nan
    v_statistic: float = math.nan
    w_p: float = math.nan
    w_method: str = ""
    zero_differences: int = 0


def compare_paired(before: Any, after: Any, *, test: str = "auto", alpha: float = ALPHA) -> PairedComparison:
    """Compare paired values (e.g. baseline vs post-induction): paired t-test or Wilcoxon signed-rank.

    Parameters
    ----------
    before, after : array-like
        Values of the same cases, in the same order; pairs with a missing value are dropped (``dropped``).
    test : {"auto", "parametric", "rank"}
        ``"auto"`` chooses the paired t-test when Shapiro-Wilk on the differences gives p >= ``alpha``,
        else the signed-rank test. Both are always computed.
    alpha : float
        Shapiro-Wilk level.

    Returns
    -------
    PairedComparison
        Differences are ``before - after``. ``v_statistic`` is R's V (sum of the ranks of positive
        differences); zero differences are dropped as R does, and the p is exact when fewer than 50 non-zero
        differences have no ties and there were no zeros, else the normal approximation with continuity
        correction (R's ``wilcox.test(paired = TRUE)``).
    """
    if test not in _TESTS:
        raise AnalysisInputError(BAD_ALTERNATIVE.format(allowed=list(_TESTS), value=test))
    b, a = _numeric(before, "before"), _numeric(after, "after")
    if b.size != a.size:
        raise AnalysisInputError(PAIRED_LENGTHS.format(n1=b.size, n2=a.size))
    keep = ~(np.isnan(b) | np.isnan(a))
    d = b[keep] - a[keep]
    method = (
        f"paired t-test if Shapiro-Wilk p >= {alpha:g} on the differences, else Wilcoxon signed-rank "
        "(exact below 50 pairs without ties or zeros, else normal approximation with continuity correction)"
    )
    settings = {"alpha": alpha, "test": test, "difference": "before - after"}
    base = {"method": method, "settings": settings, "n_pairs": int(d.size), "dropped": int((~keep).sum())}
    if d.size < 2:
        return PairedComparison(**base, message=TOO_FEW_PAIRS.format(n=d.size))
    if np.ptp(d) == 0:
        return PairedComparison(**base, message=NO_VARIANCE, mean_difference=float(d.mean()))
    shapiro_p = _shapiro(d)[1]
    tt = stats.ttest_rel(b[keep], a[keep])
    nonzero = d[d != 0]
    zeros = int(d.size - nonzero.size)
    ranks = stats.rankdata(np.abs(nonzero))
    v = float(ranks[nonzero > 0].sum())
    ties = np.unique(np.abs(nonzero)).size < nonzero.size
    if nonzero.size == 0:
        wp, wmethod = math.nan, "not defined: every difference is 0"
    elif nonzero.size < EXACT_LIMIT and not ties and zeros == 0:
        wp, wmethod = float(stats.wilcoxon(nonzero, method="exact").pvalue), "exact"
    else:
        res = stats.wilcoxon(nonzero, zero_method="wilcox", correction=True, method="asymptotic")
        wp, wmethod = float(res.pvalue), "normal approximation with continuity correction"
    normal = not math.isnan(shapiro_p) and shapiro_p >= alpha
    parametric = test == "parametric" or (test == "auto" and normal)
    return PairedComparison(
        **base,
        test="paired t-test" if parametric else "Wilcoxon signed-rank test",
        p=float(tt.pvalue) if parametric else wp,
        shapiro_p=shapiro_p,
        mean_difference=float(d.mean()),
        t_statistic=float(tt.statistic),
        t_df=float(tt.df),
        t_p=float(tt.pvalue),
        v_statistic=v,
        w_p=wp,
        w_method=wmethod,
        zero_differences=zeros,
    )
