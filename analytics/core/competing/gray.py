"""Gray's K-sample test of equal cumulative incidence: a vectorized port of cmprsk's ``crstm``/``crst``."""

from __future__ import annotations

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


def _shift(x: np.ndarray, first: float) -> np.ndarray:
    """Values just before each time (left-continuous version) of per-time arrays, times on the last axis."""
    out = np.empty_like(x)
    out[..., 0] = first
    out[..., 1:] = x[..., :-1]
    return out


def _gray_stratum(t: np.ndarray, e: np.ndarray, g: np.ndarray, ng: int, rho: float) -> tuple:
    """Score (first K-1 groups) and its variance in one stratum: ``crst`` of cmprsk, over all times at once.

    Arrays are laid out group by time, ``(K, T)``, over the T distinct times with an event of either kind
    (times with only censorings shrink the risk set and change nothing else), so that the running sums
    along time are contiguous. Names follow the Fortran: ``skm``/``skmm`` the group's all-cause KM after and
    before the time, ``f1``/``f1m`` its CIF, ``ratio`` = ``rs / skmm``, ``tr`` its sum over groups, ``f``
    the pooled CIF under the null, ``a`` and its running weighted sum ``c``.
    """
    new = np.empty(t.size, dtype=bool)
    new[0] = True
    np.not_equal(t[1:], t[:-1], out=new[1:])
    tid = np.cumsum(new) - 1
    ntimes = int(tid[-1]) + 1
    is_event = e > 0
    keep = np.bincount(tid[is_event], minlength=ntimes) > 0
    n_at = np.bincount(g * ntimes + tid, minlength=ng * ntimes).reshape(ng, ntimes)
    rs = np.cumsum(n_at[:, ::-1], axis=1)[:, ::-1][:, keep].astype(float)  # at risk by group, event times
    nt = rs.shape[1]
    kid = (np.cumsum(keep) - 1)[tid[is_event]]
    cell = g[is_event] * nt + kid
    d1 = np.bincount(cell, weights=e[is_event] == 1, minlength=ng * nt).reshape(ng, nt)
    d2 = np.bincount(cell, weights=e[is_event] == 2, minlength=ng * nt).reshape(ng, nt)
    nd1 = d1.sum(axis=0)
    live = rs > 0
    rs_safe = np.where(live, rs, 1.0)  # no events without a risk set, so d / rs_safe is 0 there
    skm = np.cumprod(1.0 - (d1 + d2) / rs_safe, axis=1)
    skmm = _shift(skm, 1.0)
    f1m = _shift(np.cumsum(skmm * d1 / rs_safe, axis=1), 0.0)
    ratio = rs / np.where(live, skmm, 1.0)  # 0 for a group with nobody at risk
    tr = ratio.sum(axis=0)
    tq = (ratio * (1.0 - f1m)).sum(axis=0)
    f = np.cumsum(nd1 / tr)
    fm = _shift(f, 0.0)
    fb = (1.0 - fm) ** rho if rho != 0 else np.ones_like(fm)

    # a(i, k) = fb (diag(ratio) - ratio ratio' / tr); c is its running sum weighted by nd1 / (tr (1 - fm)).
    # Only the first K - 1 rows enter the statistic: (K - 1, K, T) arrays.
    nv = ng - 1
    a = -(fb / tr) * ratio[:nv, None, :] * ratio[None, :, :]
    idx = np.arange(nv)
    a[idx, idx, :] += fb * ratio[:nv]
    weight = np.divide(nd1, tr * (1.0 - fm), out=np.zeros_like(nd1), where=(nd1 > 0) & (fm < 1.0))
    c = np.cumsum(a * weight, axis=2)

    score = (fb * (d1 - nd1 * ratio * (1.0 - f1m) / tq)).sum(axis=1)[:nv]

    # Events of interest: t3 is 0 at times without one.
    pos = skm > 0
    t4 = np.where(pos, 1.0 - (1.0 - f) / np.where(pos, skm, 1.0), 1.0)
    denom = tr * skmm - 1.0
    t5 = np.where(nd1 > 1, 1.0 - (nd1 - 1.0) / np.where(denom != 0, denom, 1.0), 1.0)
    t3 = np.where(live & (nd1 > 0), t5 * skmm * nd1 / (tr * rs_safe), 0.0)
    v3 = (t4**2 * t3).sum(axis=1)

    # Competing events: cells with d2 > 0 and a positive KM contribute through t4c^2 t3c, t4c = (1 - F) / S.
    ok2 = pos & (d2 > 0)
    t4c = np.where(ok2, (1.0 - f) / np.where(pos, skm, 1.0), 0.0)
    t5c = np.where(d2 > 1, 1.0 - (d2 - 1.0) / np.maximum(rs - 1.0, 1.0), 1.0)
    w2 = np.where(ok2, t4c**2 * t5c * skmm**2 * d2 / rs_safe**2, 0.0)
    v3 += w2.sum(axis=1)

    v = np.zeros((nv, nv))
    v2 = np.zeros((nv, ng))
    for k in range(ng):  # a loop over groups, not rows: each step is a few matrix products over times
        ck = c[:, k, :]
        x = a[:, k, :] - t4[k] * ck
        v += (x * t3[k]) @ x.T
        v2[:, k] += x @ (t4[k] * t3[k])
        v += (ck * w2[k]) @ ck.T
        v2[:, k] -= ck @ w2[k]

    c_end = c[:, :, -1]
    v += (c_end * v3[None, :]) @ c_end.T + c_end @ v2.T + v2 @ c_end.T
    return score, v


def gray_test(
    time: Any,
    event: Any,
    group: Any,
    strata: Any = None,
    *,
    data: pd.DataFrame | None = None,
    rho: float = 0.0,
) -> GrayResult:
    """Gray's K-sample test for equal cumulative incidence of cause 1 across groups (cmprsk::cuminc's Tests).

    Parameters
    ----------
    time : array-like
        Follow-up times, >= 0.
    event : array-like
        0 censored, 1 event of interest, 2 competing event.
    group : array-like
        Group labels (two or more distinct values).
    strata : array-like, optional
        Stratum labels; the scores and variances are summed over strata, as ``cuminc(..., strata=)`` does.
    data : pandas.DataFrame, optional
        Table holding the columns named by ``time``, ``event``, ``group`` and ``strata``.
    rho : float
        Power of the weight ``(1 - F(t-))^rho``; 0 (the default and the only value the registry reports)
        gives cmprsk's default test.

    Returns
    -------
    GrayResult
        ``chisq``, ``df = K - 1`` and the upper-tail chi-square ``p``; NaN with a ``message`` when there is
        one group, no event of interest, or a singular variance.

    Notes
    -----
    A vectorized port of ``crstm``/``crst`` from cmprsk's Fortran. ``p`` is the chi-square upper tail
    computed directly, so very small p-values are exact where cmprsk's ``1 - pchisq()`` rounds to 0.

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
    score = np.zeros(ng - 1)
    var = np.zeros((ng - 1, ng - 1))
    order = _order_by(scodes, t)
    ts, es, gs, ss = t[order], e[order], codes[order], scodes[order]
    bounds = np.searchsorted(ss, np.arange(int(ss.max()) + 2))
    for k in range(bounds.size - 1):
        lo, hi = bounds[k], bounds[k + 1]
        if hi <= lo or not (es[lo:hi] > 0).any():
            continue
        s_k, v_k = _gray_stratum(ts[lo:hi], es[lo:hi], gs[lo:hi], ng, float(rho))
        score += s_k
        var += v_k
    scale = np.abs(var).max()
    if scale == 0 or np.linalg.matrix_rank(var, tol=1e-7 * scale) < ng - 1:
        return GrayResult(
            method=method,
            settings=settings,
            message=GRAY_SINGULAR,
            df=ng - 1,
            groups=tuple(labels),
            score=score,
            variance=var,
        )
    chisq = float(score @ np.linalg.solve(var, score))
    return GrayResult(
        method=method,
        settings=settings,
        chisq=chisq,
        df=ng - 1,
        p=float(stats.chi2.sf(chisq, ng - 1)),
        groups=tuple(labels),
        score=score,
        variance=var,
    )
