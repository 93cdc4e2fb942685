"""The statistics of a descriptive "Table 1" and of simple comparisons, named and reproducible.

Every function returns a result that names the test it used and the rule that chose it:

- :func:`summarize_categorical`: n (%) per level, percentages of the non-missing values.
- :func:`summarize_continuous`: mean ± SD when a Shapiro-Wilk test does not reject normality at alpha 0.05,
  else median [Q1; Q3]; quartiles are R's default ``quantile(type = 7)``.
- :func:`compare_two_groups`: Welch's t-test (R's ``t.test`` default; no equal-variance assumption) when both
  groups pass Shapiro-Wilk, else Mann-Whitney U as R's ``wilcox.test`` computes it: exact when both groups
  have fewer than 50 values and there are no ties, otherwise the normal approximation with tie and continuity
  correction. Both tests are always reported; the chosen one is named.
- :func:`compare_paired`: paired t-test or Wilcoxon signed-rank (same rules on the differences; zero
  differences dropped, exact when fewer than 50 non-zero differences without ties or zeros, as R).
- :func:`compare_categorical`: Pearson's χ² (without and, for 2x2, with Yates' correction) and Fisher's exact
  test, both reported; Fisher is the chosen one when any expected count is below 5, else uncorrected χ².
- :func:`odds_ratio`: odds ratio of a 2x2 table with Woolf's (logit) CI; Haldane-Anscombe +0.5 in every cell
  when a cell is zero.
- :func:`goodness_of_fit`: χ² goodness of fit against given proportions (1:1 by default).

The p-values come from ``scipy.stats``. Fisher's test on tables larger than 2x2 enumerates every table with
the observed margins (R's ``fisher.test`` criterion: tables no more probable than the observed one, relative
tolerance 1e-7); when there are too many tables it falls back to a seeded Monte Carlo p and says so.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import gammaln

from analytics.core._checks import check_labels, check_same_length
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result

__all__ = [
    "CategoricalSummary",
    "ContingencyTest",
    "ContinuousSummary",
    "GoodnessOfFit",
    "OddsRatio",
    "PairedComparison",
    "TwoGroupComparison",
    "compare_categorical",
    "compare_paired",
    "compare_two_groups",
    "goodness_of_fit",
    "odds_ratio",
    "summarize_categorical",
    "summarize_continuous",
]

ALPHA = 0.05
EXACT_LIMIT = 50  # R's wilcox.test: exact p only below 50 observations per sample
FISHER_MAX_TABLES = 2_000_000
FISHER_MONTE_CARLO = 200_000
FISHER_SEED = 20261121

NOT_NUMERIC = "{name} must be numeric and finite (missing values are allowed)"
BAD_ALTERNATIVE = "test must be one of {allowed}; got {value!r}"
BAD_TABLE = "a contingency table must be a 2-d array of non-negative whole counts; got {shape}"
NOT_2X2 = "the odds ratio needs a 2x2 table; got {shape}"
NOT_TWO_GROUPS = "a two-group comparison needs exactly two groups; found {count}: {labels}"
PAIRED_LENGTHS = "before and after must have the same length; got {n1} and {n2}"
BAD_PROPORTIONS = "proportions must be positive and as many as the counts ({k}); got {proportions}"

NO_VALUES = "no non-missing values"
ONE_GROUP = "only one group has values ({labels}); there is nothing to compare"
TOO_FEW = "group {group} has {n} value(s); a comparison needs at least 2 per group"
TOO_FEW_PAIRS = "{n} complete pair(s); a paired comparison needs at least 2"
NO_VARIANCE = "no variance: every value is the same, so the test is not defined"
TABLE_TOO_SMALL = "after dropping empty rows and columns the table is {shape}; a test needs at least 2x2"
NO_COUNTS = "the counts sum to 0; there is nothing to test"

_SHAPIRO_MIN, _SHAPIRO_MAX = 3, 5000  # the range R's shapiro.test accepts


def _numeric(values: Any, name: str) -> np.ndarray:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    coerced = pd.to_numeric(series, errors="coerce")
    if (coerced.isna() & series.notna()).any():
        raise AnalysisInputError(NOT_NUMERIC.format(name=name))
    arr = coerced.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(arr).any():
        raise AnalysisInputError(NOT_NUMERIC.format(name=name))
    return arr


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


# ---------------------------------------------------------------------------------------------------------
# Descriptive summaries
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoricalSummary(Result):
    """n (%) per level; ``percent`` is of the non-missing values."""

    levels: tuple = ()
    counts: tuple[int, ...] = ()
    percents: tuple[float, ...] = ()
    n: int = 0
    missing: int = 0
    text: dict[str, str] = field(default_factory=dict)


def summarize_categorical(values: Any, *, levels: list[Any] | None = None, decimals: int = 1) -> CategoricalSummary:
    """Counts and percentages, ``n (%)``, of a categorical variable.

    Parameters
    ----------
    values : array-like
        The variable; missing values (None/NaN) are counted apart and excluded from the denominator.
    levels : list, optional
        Levels to report, in this order (levels with no cases get 0); default: the sorted observed levels.
    decimals : int
        Decimals of the percentages in ``text``.

    Returns
    -------
    CategoricalSummary
        ``levels``, ``counts``, ``percents``, ``n`` (non-missing), ``missing`` and ``text`` ({level: "n (p%)"}).
    """
    series = pd.Series(values)
    missing = int(series.isna().sum())
    present = series.dropna()
    counts = present.value_counts()
    order = list(levels) if levels is not None else sorted(counts.index.tolist())
    n = int(present.size)
    cnt = tuple(int(counts.get(level, 0)) for level in order)
    pct = tuple(100.0 * c / n if n else math.nan for c in cnt)
    text = {str(level): f"{c} ({p:.{decimals}f}%)" for level, c, p in zip(order, cnt, pct, strict=True)}
    return CategoricalSummary(
        method="n (%) of non-missing values",
        settings={"decimals": decimals},
        message=None if n else NO_VALUES,
        levels=tuple(order),
        counts=cnt,
        percents=pct,
        n=n,
        missing=missing,
        text=text,
    )


@dataclass(frozen=True)
class ContinuousSummary(Result):
    """Mean, SD, median and quartiles (type 7), with the presentation Shapiro-Wilk chose and its text."""

    n: int = 0
    missing: int = 0
    mean: float = math.nan
    sd: float = math.nan
    median: float = math.nan
    q1: float = math.nan
    q3: float = math.nan
    minimum: float = math.nan
    maximum: float = math.nan
    shapiro_w: float = math.nan
    shapiro_p: float = math.nan
    presentation: str = "median [Q1; Q3]"
    text: str = ""
    note: str | None = None


def summarize_continuous(values: Any, *, alpha: float = ALPHA, decimals: int = 1) -> ContinuousSummary:
    """Summarize a continuous variable as mean ± SD or median [Q1; Q3], chosen by Shapiro-Wilk.

    Parameters
    ----------
    values : array-like
        Numeric values; missing ones are counted and left out.
    alpha : float
        Shapiro-Wilk level: p >= alpha gives mean ± SD, p < alpha gives median [Q1; Q3]. When the test
        cannot be run (fewer than 3 or more than 5000 values, or all equal) the median [Q1; Q3] is used and
        ``note`` says why.
    decimals : int
        Decimals in ``text``.

    Returns
    -------
    ContinuousSummary
        Every statistic (SD with n - 1; quartiles as R's ``quantile(type = 7)``), the Shapiro-Wilk W and p,
        the chosen ``presentation`` and its ``text``.
    """
    x = _numeric(values, "values")
    missing = int(np.isnan(x).sum())
    x = x[~np.isnan(x)]
    method = f"mean ± SD if Shapiro-Wilk p >= {alpha:g}, else median [Q1; Q3] (quartiles: R type 7)"
    settings = {"alpha": alpha, "quantile_type": 7, "sd_ddof": 1, "decimals": decimals}
    if x.size == 0:
        return ContinuousSummary(method=method, settings=settings, message=NO_VALUES, missing=missing)
    w, p, note = _shapiro(x)
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])  # numpy's default "linear" is R's type 7
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    normal = not math.isnan(p) and p >= alpha
    if normal:
        presentation, text = "mean ± SD", f"{mean:.{decimals}f} ± {sd:.{decimals}f}"
    else:
        presentation, text = "median [Q1; Q3]", f"{median:.{decimals}f} [{q1:.{decimals}f}; {q3:.{decimals}f}]"
    return ContinuousSummary(
        method=method,
        settings=settings,
        n=int(x.size),
        missing=missing,
        mean=mean,
        sd=sd,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        minimum=float(x.min()),
        maximum=float(x.max()),
        shapiro_w=w,
        shapiro_p=p,
        presentation=presentation,
        text=text,
        note=note,
    )


# ---------------------------------------------------------------------------------------------------------
# Two independent groups
# ---------------------------------------------------------------------------------------------------------


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


_TESTS = ("auto", "parametric", "rank")


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


# ---------------------------------------------------------------------------------------------------------
# Paired values (baseline vs post-induction)
# ---------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------
# Contingency tables
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContingencyTest(Result):
    """χ² and Fisher's exact test of a contingency table; ``test``/``p`` are the chosen one's."""

    table: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    row_labels: tuple = ()
    col_labels: tuple = ()
    expected: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    min_expected: float = math.nan
    test: str = ""
    p: float = math.nan
    chisq: float = math.nan
    df: int = 0
    chisq_p: float = math.nan
    yates_chisq: float = math.nan
    yates_p: float = math.nan
    fisher_p: float = math.nan
    fisher_method: str = ""
    note: str | None = None


def _as_table(x: Any, y: Any) -> tuple[np.ndarray, tuple, tuple]:
    if y is not None:
        check_same_length(rows=x, columns=y)
        xs, ys = pd.Series(check_labels(x, "rows")), pd.Series(check_labels(y, "columns"))
        tab = pd.crosstab(xs.to_numpy(), ys.to_numpy())
        return tab.to_numpy(dtype=np.int64), tuple(tab.index.tolist()), tuple(tab.columns.tolist())
    if isinstance(x, pd.DataFrame):
        return _counts(x.to_numpy()), tuple(x.index.tolist()), tuple(x.columns.tolist())
    table = _counts(x)
    return table, tuple(range(table.shape[0])), tuple(range(table.shape[1]))


def _counts(x: Any) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise AnalysisInputError(BAD_TABLE.format(shape="non-numeric values")) from None
    if arr.ndim != 2 or not np.isfinite(arr).all() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise AnalysisInputError(BAD_TABLE.format(shape=getattr(arr, "shape", "?")))
    return arr.astype(np.int64)


def _fisher_rxc(table: np.ndarray) -> tuple[float, str]:
    """Fisher's exact p for an r x c table by enumerating every table with its margins (vectorized).

    Tables are built one cell at a time as arrays of partial tables, so the loop is over cells, not tables.
    The p sums the probabilities of the tables no more probable than the observed one, with R's relative
    tolerance 1e-7. Beyond ``FISHER_MAX_TABLES`` partial tables a seeded Monte Carlo p is returned instead.
    """
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())
    nr, nc = table.shape
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(n + 1)
    observed = const - gammaln(table + 1).sum()
    remaining = rows[None, :].astype(np.int64)  # (tables, rows): row totals still to fill
    logp = np.zeros(1)
    for j in range(nc - 1):
        left = np.full(remaining.shape[0], int(cols[j]), dtype=np.int64)
        for i in range(nr):
            capacity_after = remaining[:, i + 1 :].sum(axis=1)
            if i == nr - 1:
                value = left
            else:
                lo = np.maximum(0, left - capacity_after)
                hi = np.minimum(remaining[:, i], left)
                count = hi - lo + 1
                total = int(count.sum())
                if total > FISHER_MAX_TABLES:
                    return _fisher_monte_carlo(table), (
                        f"Monte Carlo ({FISHER_MONTE_CARLO} tables, seed {FISHER_SEED})"
                    )
                parent = np.repeat(np.arange(count.size), count)
                offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
                value = lo[parent] + offset
                remaining, left, logp = remaining[parent], left[parent], logp[parent]
            remaining = remaining.copy()
            remaining[:, i] -= value
            left = left - value
            logp = logp - gammaln(value + 1)
    logp = logp - gammaln(remaining + 1).sum(axis=1) + const  # the last column is what is left
    keep = logp <= observed + math.log1p(1e-7)
    return float(min(1.0, np.exp(logp[keep]).sum())), "exact (all tables with the observed margins)"


def _fisher_monte_carlo(table: np.ndarray) -> float:
    rng = np.random.default_rng(FISHER_SEED)
    res = stats.fisher_exact(table, method=stats.MonteCarloMethod(n_resamples=FISHER_MONTE_CARLO, rng=rng))
    return float(res.pvalue)


def compare_categorical(x: Any, y: Any = None) -> ContingencyTest:
    """χ² and Fisher's exact test of independence; Fisher is chosen when any expected count is below 5.

    Parameters
    ----------
    x : array-like
        Either a 2-d table of counts (list of lists, numpy array or DataFrame with labelled rows and
        columns), or, with ``y``, the row variable of each case.
    y : array-like, optional
        The column variable of each case; the table is their cross-tabulation.

    Returns
    -------
    ContingencyTest
        The table (empty rows and columns dropped, with a ``note``), expected counts, Pearson's χ² without
        correction (``chisq``, ``df``, ``chisq_p``), Yates-corrected χ² for 2x2 (``yates_chisq``,
        ``yates_p``), Fisher's exact p (``fisher_p``, two-sided; ``fisher_method``), and the chosen ``test``
        with its ``p``: Fisher's exact test when the smallest expected count is below 5, otherwise Pearson's
        χ² without continuity correction.
    """
    table, row_labels, col_labels = _as_table(x, y)
    method = (
        "Pearson's chi-square (uncorrected; Yates also for 2x2) and Fisher's exact test; "
        "Fisher chosen when an expected count < 5"
    )
    settings = {"fisher_if_expected_below": 5, "chosen_chisq": "uncorrected"}
    if table.sum() == 0:
        return ContingencyTest(method=method, settings=settings, message=NO_COUNTS, table=table)
    row_ok, col_ok = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    note = None
    if not (row_ok.all() and col_ok.all()):
        note = "empty rows or columns dropped before testing"
        table = table[row_ok][:, col_ok]
        row_labels = tuple(lab for lab, ok in zip(row_labels, row_ok, strict=True) if ok)
        col_labels = tuple(lab for lab, ok in zip(col_labels, col_ok, strict=True) if ok)
    base = {
        "method": method,
        "settings": settings,
        "table": table,
        "row_labels": row_labels,
        "col_labels": col_labels,
        "note": note,
    }
    if min(table.shape) < 2:
        return ContingencyTest(**base, message=TABLE_TOO_SMALL.format(shape="x".join(map(str, table.shape))))
    pearson = stats.chi2_contingency(table, correction=False)
    expected = np.asarray(pearson.expected_freq)
    if table.shape == (2, 2):
        yates = stats.chi2_contingency(table, correction=True)
        yates_chisq, yates_p = float(yates.statistic), float(yates.pvalue)
        fisher_p, fisher_method = float(stats.fisher_exact(table).pvalue), "exact"
    else:
        yates_chisq, yates_p = math.nan, math.nan
        fisher_p, fisher_method = _fisher_rxc(table)
    min_expected = float(expected.min())
    use_fisher = min_expected < 5
    return ContingencyTest(
        **base,
        expected=expected,
        min_expected=min_expected,
        test="Fisher's exact test" if use_fisher else "Pearson's chi-square test",
        p=fisher_p if use_fisher else float(pearson.pvalue),
        chisq=float(pearson.statistic),
        df=int(pearson.dof),
        chisq_p=float(pearson.pvalue),
        yates_chisq=yates_chisq,
        yates_p=yates_p,
        fisher_p=fisher_p,
        fisher_method=fisher_method,
    )


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
