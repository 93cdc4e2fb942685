"""Two independent groups: Welch's t-test and Mann-Whitney U, the one reported chosen by Shapiro-Wilk."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import check_labels, check_same_length
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result
from analytics.core.tables.checks import _numeric
from analytics.core.tables.constants import (
    _TESTS,
    ALPHA,
    BAD_ALTERNATIVE,
    EXACT_LIMIT,
    NO_VARIANCE,
    NOT_TWO_GROUPS,
    ONE_GROUP,
    TOO_FEW,
)
from analytics.core.tables.normality import _shapiro

__all__ = ["TwoGroupComparison", "compare_two_groups"]


@dataclass(frozen=True)
class TwoGroupComparison(Result):
    """Welch's t-test and Mann-Whitney U for two groups; ``test``/``p`` are the chosen one's."""

    groups: tuple = ()
    n: tuple[int, ...] = ()
    test: str = ""
    p: float = math.nan
    shapiro_p: tuple[float, ...] = ()
    t_statistic: float = math.nan
    t_df: float = math.nan
    t_p: float = math.nan
    mean_difference: float = math.nan
    u_statistic: float = math.nan
    u_p: float = math.nan
    u_method: str = ""


def _mann_whitney(x: np.ndarray, y: np.ndarray) -> tuple[float, float, str]:
    ties = np.unique(np.r_[x, y]).size < x.size + y.size
    if x.size < EXACT_LIMIT and y.size < EXACT_LIMIT and not ties:
        res = stats.mannwhitneyu(x, y, method="exact")
        return float(res.statistic), float(res.pvalue), "exact"
    res = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    return float(res.statistic), float(res.pvalue), "normal approximation with continuity correction"


def compare_two_groups(values: Any, group: Any, *, test: str = "auto", alpha: float = ALPHA) -> TwoGroupComparison:
    """Compare a continuous variable between two groups: Welch's t-test or Mann-Whitney U.

    Parameters
    ----------
    values : array-like
        Numeric values; rows with a missing value are left out.
    group : array-like
        Exactly two distinct labels; the first in sorted order is group 1 (R's first factor level).
    test : {"auto", "parametric", "rank"}
        ``"auto"`` chooses Welch's t-test when Shapiro-Wilk p >= ``alpha`` in both groups (3 to 5000
        values each), else Mann-Whitney U. The other values force a choice. Both are always computed.
    alpha : float
        Shapiro-Wilk level.

    Returns
    -------
    TwoGroupComparison
        Welch t (``t_statistic``, Welch-Satterthwaite ``t_df``, ``t_p``, ``mean_difference`` = group 1 minus
        group 2), Mann-Whitney (``u_statistic`` = R's W for group 1, ``u_p``, ``u_method`` exact or normal
        approximation with continuity correction, as R's ``wilcox.test`` chooses), and the chosen ``test``
        and ``p``.
    """
    if test not in _TESTS:
        raise AnalysisInputError(BAD_ALTERNATIVE.format(allowed=list(_TESTS), value=test))
    check_same_length(values=values, group=group)
    x_all = _numeric(values, "values")
    labels_all = check_labels(group, "group")
    keep = ~np.isnan(x_all)
    codes, uniques = pd.factorize(labels_all[keep], sort=True)
    labels = [u.item() if isinstance(u, np.generic) else u for u in uniques]
    if len(labels) > 2:
        raise AnalysisInputError(NOT_TWO_GROUPS.format(count=len(labels), labels=labels))
    method = (
        f"Welch's t-test if Shapiro-Wilk p >= {alpha:g} in both groups, else Mann-Whitney U "
        "(exact below 50 per group without ties, else normal approximation with continuity correction)"
    )
    settings = {"alpha": alpha, "test": test, "t_test": "Welch"}
    if len(labels) < 2:
        return TwoGroupComparison(
            method=method, settings=settings, message=ONE_GROUP.format(labels=labels), groups=tuple(labels)
        )
    x, y = x_all[keep][codes == 0], x_all[keep][codes == 1]
    base = {"method": method, "settings": settings, "groups": tuple(labels), "n": (int(x.size), int(y.size))}
    for label, arr in zip(labels, (x, y), strict=True):
        if arr.size < 2:
            return TwoGroupComparison(**base, message=TOO_FEW.format(group=label, n=arr.size))
    if np.ptp(np.r_[x, y]) == 0:
        return TwoGroupComparison(**base, message=NO_VARIANCE)
    shapiro = (_shapiro(x)[1], _shapiro(y)[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # zero variance in one group: scipy still answers
        tt = stats.ttest_ind(x, y, equal_var=False)
    u, up, umethod = _mann_whitney(x, y)
    normal = all(not math.isnan(p) and p >= alpha for p in shapiro)
    parametric = test == "parametric" or (test == "auto" and normal)
    return TwoGroupComparison(
        **base,
        test="Welch's t-test" if parametric else "Mann-Whitney U test",
        p=float(tt.pvalue) if parametric else up,
        shapiro_p=shapiro,
        t_statistic=float(tt.statistic),
        t_df=float(tt.df),
        t_p=float(tt.pvalue),
        mean_difference=float(np.mean(x) - np.mean(y)),
        u_statistic=u,
        u_p=up,
        u_method=umethod,
    )
