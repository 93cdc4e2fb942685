"""Log-rank test for two or more groups, optionally stratified, and R's rho = 1 (Peto-Peto) variant.

Computes what R's ``survdiff(Surv(time, event) ~ group + strata(s), rho = rho)`` computes (survival 3.5,
``survdiff2.c``), vectorized: the rows are sorted once by (stratum, time), collapsed to one block per distinct
(stratum, time), and the per-group counts at risk are reverse cumulative sums within strata. Python loops run
over strata only (for the left-continuous pooled Kaplan-Meier weights when rho != 0), never over rows or times.

- ``observed`` and ``expected`` are summed over strata and, as in R, weighted by S(t-)^rho when rho != 0;
- the statistic is (O - E)' V^-1 (O - E) over the groups with E > 0 less the first, with
  ``df`` = (number of groups with E > 0) - 1;
- with rho = 1 the weight at each event time is the pooled Kaplan-Meier S(t-) of the stratum, the
  Peto & Peto modification of the Gehan-Wilcoxon test as R defines it (lifelines calls it
  Fleming-Harrington p = 1, q = 0, not its ``peto`` option);
- R's ``timefix``: distinct times closer than sqrt(machine epsilon) are merged (``aeqSurv``).

Where the engine deliberately differs from R: where the variance matrix of O - E has rank below
(groups with E > 0) - 1 (e.g. a group whose only event is the last subject at risk of its stratum), R's ``solve``
stops with "system is computationally singular" or returns a statistic that depends on which group is listed
first; the engine returns a ``message`` and NaN instead. With one group R stops; the engine returns a message.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2

from analytics.core._checks import (
    check_durations,
    check_event_codes,
    check_group_codes,
    check_same_length,
)
from analytics.core.exceptions import AnalysisInputError
from analytics.core.km import _resolve, _stable_order, _timefix
from analytics.core.results import Result, to_jsonable

__all__ = ["EVENTS_IN_ONE_GROUP", "NO_EVENTS", "ONE_GROUP", "SINGULAR", "LogRank", "logrank_test"]

ONE_GROUP = "only one group: a log-rank test needs at least two"
NO_EVENTS = "no events: the log-rank test is not defined"
EVENTS_IN_ONE_GROUP = "expected events in fewer than two groups: no test"
SINGULAR = "the variance matrix of O - E is singular (groups without information in a stratum): no test"
BAD_RHO = "rho must be a finite number >= 0; got {value!r}"


@dataclass(frozen=True)
class LogRank(Result):
    """The result of :func:`logrank_test`.

    Attributes
    ----------
    chisq, df, p : float, int, float
        The test statistic, its degrees of freedom and the chi-square p-value (NaN with a ``message`` when
        the data admit no test).
    groups : list
        Group labels in sorted order (R's factor levels); the vectors below follow this order.
    n : numpy.ndarray
        Cases per group.
    observed, expected : numpy.ndarray
        (Weighted when rho != 0) observed and expected events per group, summed over strata.
    variance : numpy.ndarray
        The G x G variance matrix of O - E, summed over strata.
    strata : list
        Stratum labels (``["all"]`` when unstratified).
    observed_by_stratum, expected_by_stratum : numpy.ndarray
        G x S matrices, one column per stratum.
    """

    chisq: float = float("nan")
    df: int = 0
    p: float = float("nan")
    rho: float = 0.0
    groups: list[Hashable] = field(default_factory=list)
    n: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    observed: np.ndarray = field(default_factory=lambda: np.empty(0))
    expected: np.ndarray = field(default_factory=lambda: np.empty(0))
    variance: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    strata: list[Hashable] = field(default_factory=list)
    observed_by_stratum: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    expected_by_stratum: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def to_cli_dict(self) -> dict[str, Any]:
        """``{chisq, df, p}`` (plus ``message`` when there is no test), JSON-ready."""
        out: dict[str, Any] = {"chisq": self.chisq, "df": self.df, "p": self.p}
        if self.message:
            out["message"] = self.message
        return to_jsonable(out)


def _segment_cumprod_lag(values: np.ndarray, segment_starts: np.ndarray) -> np.ndarray:
    """Within each segment, the product of the values before each position (1 at a segment's start)."""
    out = np.empty_like(values)
    bounds = np.append(segment_starts, len(values))
    for a, b in itertools.pairwise(bounds):
        seg = np.cumprod(values[a:b])
        out[a] = 1.0
        out[a + 1 : b] = seg[:-1]
    return out


def logrank_test(
    time: Any,
    event: Any,
    group: Any,
    strata: Any = None,
    *,
    data: pd.DataFrame | None = None,
    rho: float = 0.0,
) -> LogRank:
    """Log-rank (rho = 0) or G-rho test comparing survival across two or more groups, optionally stratified.

    Matches R's ``survdiff(Surv(time, event) ~ group + strata(strata), rho = rho)``.

    Parameters
    ----------
    time : array-like or str
        Follow-up times (>= 0), or a column name when ``data`` is given.
    event : array-like or str
        1 = event, 0 = censored, or a column name.
    group : array-like or str
        Group labels, or a column name.
    strata : array-like or str, optional
        Stratum labels (e.g. center); the per-stratum O, E and V are summed before the statistic is formed.
    data : pandas.DataFrame, optional
        Table holding the named columns.
    rho : float
        Weight exponent: each event time is weighted by S(t-)^rho, S the Kaplan-Meier estimate of the pooled
        sample within the stratum. 0 is the log-rank test, 1 R's Peto & Peto modification of the Wilcoxon test.

    Returns
    -------
    LogRank
        With ``chisq``, ``df``, ``p``, and per-group ``observed``, ``expected`` and ``variance``. With one
        group, no events, or a singular variance, ``message`` says why and ``chisq``/``p`` are NaN.

    Raises
    ------
    AnalysisInputError
        Missing column, bad times or event codes, missing group or stratum labels, negative rho.
    """
    cols = _resolve(data, time=time, event=event, group=group, strata=strata)
    t = _timefix(check_durations(cols["time"], time if isinstance(time, str) and data is not None else "time"))
    e = check_event_codes(cols["event"], (0, 1), event if isinstance(event, str) and data is not None else "event")
    if cols["group"] is None:
        raise AnalysisInputError("a log-rank test needs a group column")
    check_same_length(time=t, event=e, group=cols["group"], strata=cols["strata"])
    try:
        rho = float(rho)
    except (TypeError, ValueError):
        raise AnalysisInputError(BAD_RHO.format(value=rho)) from None
    if not np.isfinite(rho) or rho < 0:
        raise AnalysisInputError(BAD_RHO.format(value=rho))
    g, groups = check_group_codes(cols["group"], group if isinstance(group, str) else "group")
    if cols["strata"] is None:
        s, strata_labels = np.zeros(len(t), dtype=np.int64), ["all"]
    else:
        s, strata_labels = check_group_codes(cols["strata"], strata if isinstance(strata, str) else "strata")
    n_groups, n_strata = len(groups), len(strata_labels)

    test = "log-rank test" if rho == 0 else f"G-rho test (rho = {rho:g}, weights S(t-)^rho of the pooled KM)"
    method = (f"stratified {test}, strata summed" if cols["strata"] is not None else test) + " (R survdiff)"
    settings: dict[str, Any] = {"rho": rho, "stratified": cols["strata"] is not None, "n_strata": n_strata}
    n_per_group = np.bincount(g, minlength=n_groups)

    # One sort by (stratum, time); blocks are the distinct (stratum, time) pairs.
    order = _stable_order(t, s) if n_strata > 1 else _stable_order(t)
    ts, ss, gs, es = t[order], s[order], g[order], e[order]
    n = len(ts)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ts[1:], ts[:-1], out=new[1:])
    if n_strata > 1:
        new[1:] |= ss[1:] != ss[:-1]
    starts = np.flatnonzero(new)
    n_blocks = len(starts)
    block_of_row = np.cumsum(new) - 1
    block_stratum = ss[starts]
    deaths = np.add.reduceat(es, starts).astype(float)

    # Per-block, per-group counts of rows and of events (exact integer counts), then at-risk counts as reverse
    # cumulative sums within each stratum: a global reverse cumsum minus the one at the stratum's end.
    cell = block_of_row * n_groups + gs
    rows_bg = np.bincount(cell, minlength=n_blocks * n_groups).reshape(n_blocks, n_groups)
    events_bg = np.bincount(cell, weights=es, minlength=n_blocks * n_groups).reshape(n_blocks, n_groups)
    rev = np.cumsum(rows_bg[::-1], axis=0)[::-1]
    rev = np.vstack([rev, np.zeros((1, n_groups), dtype=rev.dtype)])
    stratum_first_block = np.searchsorted(block_stratum, np.arange(n_strata + 1), side="left")
    stratum_end_block = stratum_first_block[1:][block_stratum]
    risk_bg = (rev[:-1] - rev[stratum_end_block]).astype(float)
    nrisk = risk_bg.sum(axis=1)

    if rho != 0:
        # Pooled Kaplan-Meier within the stratum, left-continuous: S(t-).
        km_lag = _segment_cumprod_lag((nrisk - deaths) / nrisk, stratum_first_block[:-1])
        wt = km_lag**rho
    else:
        wt = np.ones(n_blocks)

    has_death = deaths > 0
    obs_bg = events_bg * wt[:, None]
    exp_bg = np.where(has_death[:, None], (wt * deaths / nrisk)[:, None] * risk_bg, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(has_death & (nrisk > 1), wt**2 * deaths * (nrisk - deaths) / (nrisk * (nrisk - 1)), 0.0)
    variance = np.diag((c[:, None] * risk_bg).sum(axis=0)) - (risk_bg * (c / nrisk)[:, None]).T @ risk_bg

    obs_gs = np.zeros((n_groups, n_strata))
    exp_gs = np.zeros((n_groups, n_strata))
    for k in range(n_groups):
        obs_gs[k] = np.bincount(block_stratum, weights=obs_bg[:, k], minlength=n_strata)
        exp_gs[k] = np.bincount(block_stratum, weights=exp_bg[:, k], minlength=n_strata)
    observed, expected = obs_gs.sum(axis=1), exp_gs.sum(axis=1)

    result = {
        "method": method,
        "settings": settings,
        "rho": rho,
        "groups": groups,
        "n": n_per_group,
        "observed": observed,
        "expected": expected,
        "variance": variance,
        "strata": strata_labels,
        "observed_by_stratum": obs_gs,
        "expected_by_stratum": exp_gs,
    }
    if n_groups < 2:
        return LogRank(message=ONE_GROUP, **result)
    if not e.any():
        return LogRank(message=NO_EVENTS, **result)
    used = np.flatnonzero(expected > 0)
    if len(used) < 2:
        return LogRank(message=EVENTS_IN_ONE_GROUP, **result)
    # R drops the first group and solves; that is only sound when V has rank k - 1. Checking the rank of the
    # whole matrix (not of the reduced one) keeps the verdict independent of which group happens to be first.
    full = variance[np.ix_(used, used)]
    if np.linalg.matrix_rank(full) < len(used) - 1:
        return LogRank(message=SINGULAR, **result)
    diff = (observed - expected)[used][1:]
    try:
        chisq = float(np.sum(np.linalg.solve(full[1:, 1:], diff) * diff))
    except np.linalg.LinAlgError:
        return LogRank(message=SINGULAR, **result)
    df = len(used) - 1
    return LogRank(chisq=chisq, df=df, p=float(chi2.sf(chisq, df)), **result)
