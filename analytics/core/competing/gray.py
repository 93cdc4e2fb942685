"""Gray's K-sample test of equal cumulative incidence of cause 1, after Gray (1988).

Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing risk. Annals of
Statistics 1988;16(3):1141-1154.

The null hypothesis is that every group has the same cumulative incidence ``F`` of cause 1, or, equivalently,
the same subdistribution hazard ``dF / (1 - F(t-))``. In group ``r`` let ``Y_r`` be the number at risk,
``d1_r`` and ``d2_r`` the events of cause 1 and of the competing cause, ``S_r`` the all-cause Kaplan-Meier
curve and ``F_r`` the group's own Aalen-Johansen cumulative incidence. Then, at each distinct event time:

- ``R_r = Y_r (1 - F_r(t-)) / S_r(t-)`` is the subdistribution risk set: those still free of cause 1,
  counting people removed by the competing cause with their estimated weight;
- ``w_r = Y_r / S_r(t-)`` is group ``r``'s risk set put on the scale of its starting size, and under the null
  ``dF0 = sum_r d1_r / sum_r w_r`` estimates the common jump of ``F`` (pooling the groups'
  ``E[d1_r] = w_r dF``); ``F0`` is its running sum;
- the weight is ``L = (1 - F0(t-))^rho``; ``rho = 0`` gives weight 1 on the subdistribution-hazard scale.
  (``F0`` can pass 1 when the groups' competing risks differ; with ``rho != 0`` the weight is 0 from there.)

The score of group ``k`` is ``U_k = sum_t L (d1_k - d1 R_k / R)``, with ``d1`` and ``R`` summed over groups:
``R_k`` times the weighted difference between the group's subdistribution hazard increment ``d1_k / R_k`` and
the pooled one ``d1 / R``. The scores sum to 0, so the first K - 1 carry the information.

Their covariance is the plug-in delta-method estimate under the null. Each score is, to first order, a sum
over groups ``r`` and times ``u`` of an influence times the deviation of the event counts ``d1_r(u)`` and
``d2_r(u)`` from their expectations. With ``w = sum_r w_r``, ``a_kr = L (w_r [k = r] - w_k w_r / w)`` (how
``U_k`` moves with group ``r``'s subdistribution hazard) and ``C_kr(u) = sum_{t > u} a_kr(t) dF0(t) /
(1 - F0(t-))`` (the same carried through the later times, which an event at ``u`` also shifts through ``S_r``
and ``F_r``), differentiating the product-limit estimates gives the influences

- of one cause-1 event in group ``r`` at ``u``: ``(S_r(u-) / Y_r) (a_kr + (1 - (1 - F0(u)) / S_r(u)) C_kr)``;
- of one competing event: ``-(S_r(u-) / Y_r) ((1 - F0(u)) / S_r(u)) C_kr``.

The covariance is the sum over groups and times of influence products times the counts' variances:
``w_r dF0 (n - d) / (n - 1)`` for cause 1, where ``d = d1`` and ``n = w S_r(u-)`` is the pooled risk set on
group ``r``'s scale (the factor allows for tied events), and ``d2_r (Y_r - d2_r) / (Y_r - 1)`` for the
competing cause. The statistic is ``U' V^-1 U`` over the first K - 1 groups, chi-square on K - 1 degrees of
freedom. In a stratified test ``U`` and ``V`` are computed within each stratum and summed.

These are the values ``cmprsk::cuminc`` reports in its ``Tests`` (checked to 1e-6 in
``tests/analytics/core/test_competing.py``), except that ``p`` is the chi-square upper tail computed directly,
so p-values that ``1 - pchisq()`` rounds to 0 keep their size here.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core.competing.prepare import _order_by, _prepare
from analytics.core.competing.result import GrayResult

__all__ = ["GRAY_NO_EVENTS", "GRAY_ONE_GROUP", "GRAY_SINGULAR", "gray_test"]


GRAY_ONE_GROUP = "Gray's test needs at least two groups; found {count}"
GRAY_NO_EVENTS = "Gray's test: no events of interest (code 1), so there is nothing to compare"
GRAY_SINGULAR = "Gray's test: the variance matrix of the scores is singular; no test statistic"


def _before(x: np.ndarray, start: float) -> np.ndarray:
    """A running quantity just before each time (times on the last axis): shifted one step, ``start`` first."""
    return np.concatenate([np.full((*x.shape[:-1], 1), start), x[..., :-1]], axis=-1)


def _after(x: np.ndarray) -> np.ndarray:
    """Sums over the strictly later times (last axis), added from the end: exactly 0 where nothing follows."""
    out = np.zeros_like(x)
    out[..., :-1] = np.cumsum(x[..., :0:-1], axis=-1)[..., ::-1]
    return out


def _ties(n: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``(n - d) / (n - 1)``, the variance factor for ``d`` tied events among ``n``; 1 when it is undefined."""
    usable = (d > 1) & (n != 1)
    return np.divide(n - d, n - 1.0, out=np.ones_like(n), where=usable)


def _event_table(t: np.ndarray, e: np.ndarray, g: np.ndarray, ng: int) -> tuple:
    """Per group (rows) and distinct event time (columns): number at risk, cause-1 and competing events.

    ``t`` must be sorted. Only times with an event of either kind are kept: a time with censorings alone
    changes nothing but the later risk sets, which are counted directly.
    """
    has_event = e > 0
    event_t = t[has_event]
    first = np.r_[True, event_t[1:] != event_t[:-1]]
    times = event_t[first]
    cell = g[has_event] * times.size + (np.cumsum(first) - 1)
    shape = (ng, times.size)
    d1 = np.bincount(cell, weights=e[has_event] == 1, minlength=ng * times.size).reshape(shape)
    d2 = np.bincount(cell, weights=e[has_event] == 2, minlength=ng * times.size).reshape(shape)
    y = np.empty(shape)
    for r in range(ng):  # a loop over groups: how many of the group's (sorted) times are >= each event time
        own = t[g == r]
        y[r] = own.size - np.searchsorted(own, times, side="left")
    return y, d1, d2


def _stratum(y: np.ndarray, d1: np.ndarray, d2: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Scores ``U`` of all K groups and their K x K covariance in one stratum (module docstring for the terms)."""
    ng = y.shape[0]
    at_risk = y > 0
    y1 = np.where(at_risk, y, 1.0)  # safe divisor: there are no events where nobody is at risk
    surv = np.cumprod(1.0 - (d1 + d2) / y1, axis=1)
    surv_before = _before(surv, 1.0)
    own_cif_before = _before(np.cumsum(surv_before * d1 / y1, axis=1), 0.0)

    w = np.where(at_risk, y / np.where(at_risk, surv_before, 1.0), 0.0)
    w_all = w.sum(axis=0)
    d1_all = d1.sum(axis=0)
    jump = d1_all / w_all
    cif0 = np.cumsum(jump)
    cif0_before = _before(cif0, 0.0)
    # The pooled estimate can pass 1 when the groups' competing risks differ; nothing is weighed after that.
    left = 1.0 - cif0_before
    weight = np.power(left, rho, out=np.zeros_like(left), where=left > 0) if rho != 0 else np.ones_like(left)

    sub_risk = w * (1.0 - own_cif_before)
    score = (weight * (d1 - d1_all * sub_risk / sub_risk.sum(axis=0))).sum(axis=1)

    alive_after = surv > 0
    inv_surv = np.divide(1.0, surv, out=np.zeros_like(surv), where=alive_after)
    lever2 = (1.0 - cif0) * inv_surv  # where S_r(u) = 0 nobody of group r is left, so C_kr(u) = 0 anyway
    lever1 = np.where(alive_after, 1.0 - lever2, 0.0)
    # Each event's influence carries the factor S_r(u-) / Y_r; its square is folded into the counts' variances.
    scale2 = np.where(at_risk, surv_before / y1, 0.0) ** 2
    var1 = scale2 * np.where(at_risk, w * jump * _ties(w_all * surv_before, d1_all), 0.0)
    var2 = scale2 * np.where(alive_after, d2 * _ties(y, d2), 0.0)
    hazard0 = np.divide(jump, 1.0 - cif0_before, out=np.zeros_like(jump), where=(d1_all > 0) & (cif0_before < 1.0))

    cov = np.zeros((ng, ng))
    rows = np.arange(ng)[:, None]
    share = w / w_all
    for r in range(ng):  # the events of group r, for the scores of every group k (rows): (K, T) arrays
        # a_kr written as w_r ([k = r] - w_k / w), so that a group alone at risk gets exactly 0.
        a_r = weight * w[r] * ((rows == r) - share)
        later = _after(a_r * hazard0)
        infl1 = a_r + lever1[r] * later
        infl2 = lever2[r] * later
        cov += (infl1 * var1[r]) @ infl1.T + (infl2 * var2[r]) @ infl2.T
    return score, cov


def gray_test(
    time: Any,
    event: Any,
    group: Any,
    strata: Any = None,
    *,
    data: pd.DataFrame | None = None,
    rho: float = 0.0,
) -> GrayResult:
    """Gray's K-sample test for equal cumulative incidence of cause 1 across groups (Gray 1988).

    Parameters
    ----------
    time : array-like
        Follow-up times, >= 0.
    event : array-like
        0 censored, 1 event of interest, 2 competing event.
    group : array-like
        Group labels (two or more distinct values).
    strata : array-like, optional
        Stratum labels; the scores and their covariances are summed over strata.
    data : pandas.DataFrame, optional
        Table holding the columns named by ``time``, ``event``, ``group`` and ``strata``.
    rho : float
        Power of the weight ``(1 - F(t-))^rho``; 0 (the default and the only value the registry reports)
        weighs every time alike on the subdistribution-hazard scale.

    Returns
    -------
    GrayResult
        ``chisq``, ``df = K - 1`` and the upper-tail chi-square ``p``, with the scores of the first K - 1
        groups and their covariance; NaN with a ``message`` when there is one group, no event of interest, or
        a singular covariance.

    Notes
    -----
    The same statistic as ``cmprsk::cuminc``'s ``Tests``; ``p`` is the chi-square upper tail computed
    directly, so very small p-values stay exact where ``1 - pchisq()`` rounds them to 0.

    Examples
    --------
    >>> res = gray_test([1, 2, 3, 4, 5, 6], [1, 1, 2, 0, 1, 2], ["a", "a", "a", "b", "b", "b"])
    >>> res.df
    1
    """
    t, e, codes, labels, scodes = _prepare(time, event, group, strata, data)
    if group is None:
        labels = ["all"]
    method = "Gray's K-sample test for equal cumulative incidence of cause 1" + (
        ", stratified" if strata is not None else ""
    )
    settings = {"rho": float(rho), "cause": 1, "stratified": strata is not None}
    ng = len(labels)
    if ng < 2:
        return GrayResult(method=method, settings=settings, message=GRAY_ONE_GROUP.format(count=ng), df=0)
    if not (e == 1).any():
        return GrayResult(method=method, settings=settings, message=GRAY_NO_EVENTS, df=ng - 1, groups=tuple(labels))

    score = np.zeros(ng)
    cov = np.zeros((ng, ng))
    order = _order_by(scodes, t)
    ts, es, gs, ss = t[order], e[order], codes[order], scodes[order]
    bounds = np.searchsorted(ss, np.arange(int(ss.max()) + 2))
    for lo, hi in itertools.pairwise(bounds):
        if (es[lo:hi] > 0).any():  # a stratum without events adds nothing
            s_u, s_v = _stratum(*_event_table(ts[lo:hi], es[lo:hi], gs[lo:hi], ng), float(rho))
            score += s_u
            cov += s_v
    # The K scores sum to 0: the last carries no information of its own.
    score, cov = score[:-1], cov[:-1, :-1]
    common = {"method": method, "settings": settings, "df": ng - 1, "groups": tuple(labels)}
    scale = np.abs(cov).max()
    if scale == 0 or np.linalg.matrix_rank(cov, tol=1e-7 * scale) < ng - 1:
        return GrayResult(message=GRAY_SINGULAR, score=score, variance=cov, **common)
    chisq = float(score @ np.linalg.solve(cov, score))
    return GrayResult(chisq=chisq, p=float(stats.chi2.sf(chisq, ng - 1)), score=score, variance=cov, **common)
