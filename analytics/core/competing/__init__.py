"""Competing risks: Aalen-Johansen cumulative incidence with confidence intervals, and Gray's K-sample test.

Event codes follow the registry's convention: 0 censored, 1 the event of interest (relapse), 2 the competing
event (death in remission).

Cumulative incidence of cause 1 is the Aalen-Johansen estimate ``F1(t) = sum_{s <= t} S(s-) d1(s) / Y(s)``,
where ``S`` is the all-cause Kaplan-Meier curve; it equals ``survival::survfit(Surv(time, factor(event)) ~ g)``
(multi-state) and ``cmprsk::cuminc``. Its standard error is, by default, the infinitesimal-jackknife (IJ)
standard error that ``survfit`` reports for multi-state curves, and the 95% CI is ``survfit``'s ``conf.type =
"log-log"`` interval, ``exp(-exp(log(-log F) -+ z se / (F log F)))``: it stays inside (0, 1) without
truncation, is the transform usually recommended for cumulative incidence, and is the engine's Kaplan-Meier
default too (R's own default, ``"log"``, is ``conf_type="log"``). ``variance="cmprsk"`` gives the
delta-method variance of ``cmprsk::cuminc`` instead.
Both are computed from cumulative sums over the distinct times, with no loop over rows.

Gray's test (``gray_test``) is a vectorized port of ``crstm``/``crst`` in cmprsk's Fortran (``src/crstm.f``,
Robert Gray, GPL): the score and its variance are accumulated over the distinct event times of each stratum
as arrays, and the statistic is ``s' V^-1 s`` on ``K - 1`` degrees of freedom.

Where the numbers deliberately differ from R (everything else matches to 1e-6 relative, see
``tests/analytics/reference/competing_reference.R``):

- where ``survfit`` gives an NA confidence limit because the transform is undefined (log and log-log at an
  estimate of 0, log-log at 1), the interval here is the degenerate ``[estimate, estimate]``;
- Gray's p is the chi-square upper tail computed directly; cuminc's ``1 - pchisq()`` rounds p-values below
  about 1e-15 (to 0 below about 1e-16);
- an estimate asked for past a group's last follow-up time is NaN (``summary.survfit`` drops that row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import (
    check_columns,
    check_durations,
    check_event_codes,
    check_labels,
    check_same_length,
    check_times,
)
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result, to_jsonable

__all__ = [
    "CONF_TYPES",
    "DEFAULT_CONF_TYPE",
    "VARIANCES",
    "CumulativeIncidenceResult",
    "GrayResult",
    "cumulative_incidence",
    "gray_test",
]

CONF_TYPES = ("log-log", "log", "plain")
DEFAULT_CONF_TYPE = "log-log"
VARIANCES = ("ij", "cmprsk")

UNKNOWN_CONF_TYPE = "conf_type must be one of {allowed}; got {value!r}"
UNKNOWN_VARIANCE = "variance must be one of {allowed}; got {value!r}"
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"
NO_EVENTS_OF_INTEREST = "group {group}: no events of interest (code 1); the cumulative incidence is 0 throughout"
ALL_CENSORED = "group {group}: every observation is censored; the cumulative incidence is 0 throughout"
GRAY_ONE_GROUP = "Gray's test needs at least two groups; found {count}"
GRAY_NO_EVENTS = "Gray's test: no events of interest (code 1), so there is nothing to compare"
GRAY_SINGULAR = "Gray's test: the variance matrix of the scores is singular; no test statistic"

_VARIANCE_NAMES = {
    "ij": "infinitesimal-jackknife standard error (as survival::survfit)",
    "cmprsk": "delta-method variance of cmprsk::cuminc",
}


@dataclass(frozen=True)
class CumulativeIncidenceResult(Result):
    """Cumulative incidence of cause 1 in one group: the full step curve and the estimates at chosen times.

    The curve has one row per distinct observed time of the group (event or censoring), like ``survfit``;
    ``n_risk`` is the number at risk just before each time. The ``at_*`` arrays hold the estimates at the
    requested times; a time past the group's last follow-up gets NaN (``survfit``'s summary drops it).
    """

    group: Any = "all"
    n: int = 0
    events: int = 0
    competing_events: int = 0
    time: np.ndarray = field(default_factory=lambda: np.empty(0))
    estimate: np.ndarray = field(default_factory=lambda: np.empty(0))
    std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_risk: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_time: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_estimate: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    at_upper: np.ndarray = field(default_factory=lambda: np.empty(0))

    def to_cli_dict(self) -> dict[str, Any]:
        """The group's entry under ``cif`` in ``python -m analytics cif`` output (JSON-ready).

        Returns
        -------
        dict
            ``n``, ``events``, ``competing_events`` and ``at``, a list of ``{time, estimate, se, lower,
            upper}`` for the requested times (``None`` where there is no estimate); ``message`` when set.
        """
        out: dict[str, Any] = {
            "n": self.n,
            "events": self.events,
            "competing_events": self.competing_events,
            "at": [
                {"time": t, "estimate": est, "se": se, "lower": lo, "upper": up}
                for t, est, se, lo, up in zip(
                    self.at_time, self.at_estimate, self.at_std_err, self.at_lower, self.at_upper, strict=True
                )
            ],
        }
        if self.message is not None:
            out["message"] = self.message
        return to_jsonable(out)

    def curve_frame(self) -> pd.DataFrame:
        """The full curve as a DataFrame (time, n_risk, estimate, std_err, lower, upper)."""
        return pd.DataFrame(
            {
                "time": self.time,
                "n_risk": self.n_risk,
                "estimate": self.estimate,
                "std_err": self.std_err,
                "lower": self.lower,
                "upper": self.upper,
            }
        )


@dataclass(frozen=True)
class GrayResult(Result):
    """Gray's K-sample test of equal cumulative incidence of cause 1 across groups."""

    chisq: float = float("nan")
    df: int = 0
    p: float = float("nan")
    groups: tuple = ()
    score: np.ndarray = field(default_factory=lambda: np.empty(0))
    variance: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    def to_cli_dict(self) -> dict[str, Any]:
        """``{chisq, df, p}`` (plus ``message`` when set), JSON-ready."""
        out: dict[str, Any] = {"chisq": self.chisq, "df": self.df, "p": self.p}
        if self.message is not None:
            out["message"] = self.message
        return to_jsonable(out)


# ---------------------------------------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------------------------------------


def _prepare(time: Any, event: Any, group: Any, strata: Any = None, data: pd.DataFrame | None = None) -> tuple:
    if data is not None:
        check_columns(data, [time, event, group, strata])
        time, event = data[time], data[event]
        group = None if group is None else data[group]
        strata = None if strata is None else data[strata]
    check_same_length(time=time, event=event, group=group, strata=strata)
    t = check_durations(time, "time")
    e = check_event_codes(event, (0, 1, 2), "event")
    if group is None:
        codes = np.zeros(t.size, dtype=np.int64)
        labels: list[Any] = ["all"]
    else:
        codes, labels = _factorize(check_labels(group, "group"))
    if strata is None:
        scodes = np.zeros(t.size, dtype=np.int64)
    else:
        scodes, _ = _factorize(check_labels(strata, "strata"))
    return t, e, codes, labels, scodes


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    # pandas' hash-based factorize is far faster than np.unique on a million strings; sort=True gives the
    # levels in sorted order, as R's factor() does.
    codes, uniques = pd.factorize(values, sort=True)
    labels = [u.item() if isinstance(u, np.generic) else u for u in np.asarray(uniques, dtype=object)]
    return codes.astype(np.int64, copy=False), labels


def _order_by(codes: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Row order sorted by code, then time (two stable sorts: cheaper than lexsort on a million rows)."""
    by_time = np.argsort(t, kind="stable")
    return by_time[np.argsort(codes[by_time], kind="stable")]


def _tied_counts(t: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, ...]:
    """Distinct times of a time-sorted block, with the counts of codes 0, 1 and 2 at each."""
    starts = np.flatnonzero(np.r_[True, t[1:] != t[:-1]])
    times = t[starts]
    total = np.diff(np.r_[starts, t.size])
    d1 = np.add.reduceat((e == 1).astype(np.int64), starts)
    d2 = np.add.reduceat((e == 2).astype(np.int64), starts)
    at_risk = t.size - starts
    return times, at_risk, total, d1, d2


# ---------------------------------------------------------------------------------------------------------
# Cumulative incidence
# ---------------------------------------------------------------------------------------------------------


def _aj_curve(y: np.ndarray, d1: np.ndarray, d2: np.ndarray, total: np.ndarray, variance: str) -> tuple:
    """Aalen-Johansen CIF of cause 1 and its variance at each distinct time of one group."""
    yf = y.astype(float)
    d = d1 + d2
    hazard1 = d1 / yf
    hazard = d / yf
    surv = np.cumprod(1.0 - hazard)
    surv_minus = np.r_[1.0, surv[:-1]]
    cif = np.cumsum(surv_minus * hazard1)
    if variance == "ij":
        var = _ij_variance(yf, d1, d2, total, hazard1, hazard, surv, surv_minus, cif)
    else:
        var = _cmprsk_variance(yf, d1, d2, surv, surv_minus, cif)
    return cif, np.maximum(var, 0.0)


def _ij_variance(
    y: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    total: np.ndarray,
    hazard1: np.ndarray,
    hazard: np.ndarray,
    surv: np.ndarray,
    surv_minus: np.ndarray,
    cif: np.ndarray,
) -> np.ndarray:
    """Infinitesimal-jackknife variance of F1(t), sum over subjects of (dF1(t)/dw_i)^2, by cumulative sums.

    Differentiating the product-integral gives, for subject i,
    ``dF1(t)/dw_i = sum_{v <= t} [a(v) dM1_i(v) - (F1(t) - F1(v)) b(v) dM_i(v)]`` with ``a = S(v-)/Y(v)``,
    ``b = S(v-)/(S(v) Y(v))`` and ``dM`` the subject's counting-process martingale increments. That is
    ``A_i(t) + F1(t) B_i(t)``; every subject still at risk after ``t`` has the same ``A`` and ``B``, and a
    subject whose time ``T_i <= t`` has values fixed at ``T_i``, so the three sums of squares over subjects
    are cumulative sums over the distinct times. Where ``S(v) = 0`` nothing after ``v`` can move, so ``b = 0``.
    """
    a = surv_minus / y
    positive = surv > 0
    b = np.divide(surv_minus, surv * y, out=np.zeros_like(y), where=positive)
    comp_a = np.cumsum(a * hazard1 + cif * b * hazard)  # C(t): compensator part of A for subjects at risk
    comp_b = np.cumsum(b * hazard)  # E(t)
    # Values of A and B fixed at a subject's own time, by the subject's code at that time.
    alpha1 = a + cif * b - comp_a
    alpha2 = cif * b - comp_a
    alpha0 = -comp_a
    beta12 = -b + comp_b
    beta0 = comp_b
    n0 = total - d1 - d2
    saa = np.cumsum(d1 * alpha1**2 + d2 * alpha2**2 + n0 * alpha0**2)
    sab = np.cumsum(d1 * alpha1 * beta12 + d2 * alpha2 * beta12 + n0 * alpha0 * beta0)
    sbb = np.cumsum((d1 + d2) * beta12**2 + n0 * beta0**2)
    remaining = y - total  # still at risk after t
    saa = saa + remaining * comp_a**2
    sab = sab - remaining * comp_a * comp_b
    sbb = sbb + remaining * comp_b**2
    return saa + 2.0 * cif * sab + cif**2 * sbb


def _cmprsk_variance(
    y: np.ndarray, d1: np.ndarray, d2: np.ndarray, surv: np.ndarray, surv_minus: np.ndarray, cif: np.ndarray
) -> np.ndarray:
    """The variance of cmprsk's ``cinc`` (Fortran ``src/cincsub.f``), vectorized over distinct times."""
    inv_s = np.divide(1.0, surv, out=np.zeros_like(surv), where=surv > 0)
    corr2 = np.where(d2 > 1, 1.0 - (d2 - 1.0) / np.maximum(y - 1.0, 1.0), 1.0)
    corr1 = np.where(d1 > 1, 1.0 - (d1 - 1.0) / np.maximum(y - 1.0, 1.0), 1.0)
    w2 = np.where((d2 > 0) & (surv > 0), surv_minus**2 * corr2 * d2 / y**2, 0.0)
    w1 = np.where(d1 > 0, surv_minus**2 * corr1 * d1 / y**2, 0.0)
    t4_2 = cif * inv_s
    t4_1 = 1.0 + inv_s * cif
    v1 = np.cumsum(t4_2**2 * w2 + t4_1**2 * w1)
    v2 = np.cumsum(inv_s * t4_2 * w2 + inv_s * t4_1 * w1)
    v3 = np.cumsum(inv_s**2 * w2 + inv_s**2 * w1)
    candidate = v1 + cif**2 * v3 - 2.0 * cif * v2
    # cinc records the variance only at times with an event of interest; it is carried forward otherwise.
    last = np.maximum.accumulate(np.where(d1 > 0, np.arange(y.size), -1))
    return np.where(last >= 0, candidate[np.maximum(last, 0)], 0.0)


def _confidence_limits(p: np.ndarray, se: np.ndarray, conf_level: float, conf_type: str) -> tuple:
    """``survival:::survfit_confint(p, se, logse = FALSE, ...)``, as survfit does it for state probabilities.

    Where R gives NA because the transform is undefined (log and log-log at an estimate of 0, log-log at 1),
    the interval is the degenerate ``[p, p]``.
    """
    z = stats.norm.ppf(1.0 - (1.0 - conf_level) / 2.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            lower = np.maximum(p - z * se, 0.0)
            upper = np.minimum(p + z * se, 1.0)
        elif conf_type == "log":
            se_log = np.where(se == 0, 0.0, se / p)
            lower = np.exp(np.log(p) - z * se_log)
            upper = np.minimum(np.exp(np.log(p) + z * se_log), 1.0)
            undefined = p <= 0
            lower = np.where(undefined, p, lower)
            upper = np.where(undefined, p, upper)
        else:
            se_log = np.where(se == 0, 0.0, se / p)
            step = z * se_log / np.log(p)
            loglog = np.log(-np.log(p))
            lower = np.exp(-np.exp(loglog - step))
            upper = np.exp(-np.exp(loglog + step))
            undefined = (p <= 0) | (p >= 1)
            lower = np.where(undefined, p, lower)
            upper = np.where(undefined, p, upper)
    return lower, upper


def _at_times(curve_time: np.ndarray, values: list[np.ndarray], times: np.ndarray, last_time: float) -> list:
    idx = np.searchsorted(curve_time, times, side="right") - 1
    beyond = times > last_time
    out = []
    for v in values:
        picked = np.where(idx >= 0, v[np.maximum(idx, 0)], 0.0)
        out.append(np.where(beyond, np.nan, picked))
    return out


def cumulative_incidence(
    time: Any,
    event: Any,
    group: Any = None,
    times: Any = None,
    conf_level: float = 0.95,
    *,
    data: pd.DataFrame | None = None,
    conf_type: str = DEFAULT_CONF_TYPE,
    variance: str = "ij",
) -> dict[Any, CumulativeIncidenceResult]:
    """Aalen-Johansen cumulative incidence of cause 1 with competing cause 2, by group.

    Parameters
    ----------
    time : array-like or str
        Follow-up times, >= 0 (or a column name when ``data`` is given).
    event : array-like or str
        0 censored, 1 event of interest (e.g. relapse), 2 competing event (e.g. death in remission).
    group : array-like or str, optional
        Group labels; without it one curve keyed ``"all"``.
    times : array-like, optional
        Times at which to report the estimate, its standard error and CI (``at_*`` and ``to_cli_dict()``).
    conf_level : float
        Confidence level of the pointwise intervals, 0.95 by default.
    data : pandas.DataFrame, optional
        Table holding the columns named by ``time``, ``event`` and ``group``.
    conf_type : {"log-log", "log", "plain"}
        CI transform, as ``survfit``'s ``conf.type`` for state probabilities. ``"log-log"`` (default) works on
        ``log(-log F)``; ``"log"`` (R's default) gives ``F exp(+- z se / F)`` with the upper limit capped at
        1; ``"plain"`` is ``F +- z se`` clipped to [0, 1].
    variance : {"ij", "cmprsk"}
        ``"ij"`` (default): the infinitesimal-jackknife standard error of ``survival::survfit`` (multi-state).
        ``"cmprsk"``: the delta-method variance of ``cmprsk::cuminc``.

    Returns
    -------
    dict
        Group label (sorted as R sorts factor levels; ``"all"`` without groups) ->
        :class:`CumulativeIncidenceResult`. A group without events of interest gets a zero curve and a
        ``message``.

    Raises
    ------
    AnalysisInputError
        Bad times or event codes, mismatched lengths, or unknown ``conf_type``/``variance``.

    Notes
    -----
    The estimate equals ``survfit(Surv(time, factor(event)) ~ group)$pstate[, "1"]`` and
    ``cmprsk::cuminc(time, event, group)``; ties are handled as R does (censorings at a time stay in the risk
    set of that time's events). The IJ standard error matches ``survfit``'s ``std.err`` exactly: it is not
    Greenwood-type, and it differs slightly from cmprsk's variance.

    Examples
    --------
    >>> res = cumulative_incidence([1, 2, 3, 4], [1, 2, 0, 1], times=[2.5])
    >>> round(float(res["all"].at_estimate[0]), 3)
    0.25
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisInputError(UNKNOWN_CONF_TYPE.format(allowed=list(CONF_TYPES), value=conf_type))
    if variance not in VARIANCES:
        raise AnalysisInputError(UNKNOWN_VARIANCE.format(allowed=list(VARIANCES), value=variance))
    if not 0 < float(conf_level) < 1:
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    t, e, codes, labels, _ = _prepare(time, event, group, data=data)
    req = check_times([] if times is None else times, "times")
    order = _order_by(codes, t)
    t_sorted, e_sorted = t[order], e[order]
    bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
    method = (
        f"Aalen-Johansen cumulative incidence of cause 1 (competing cause 2), "
        f"{_VARIANCE_NAMES[variance]}, {conf_type} {conf_level:.0%} CI"
    )
    settings = {"conf_level": float(conf_level), "conf_type": conf_type, "variance": variance, "cause": 1}
    results: dict[Any, CumulativeIncidenceResult] = {}
    for k, label in enumerate(labels):
        ts, es = t_sorted[bounds[k] : bounds[k + 1]], e_sorted[bounds[k] : bounds[k + 1]]
        utimes, y, total, d1, d2 = _tied_counts(ts, es)
        cif, var = _aj_curve(y, d1, d2, total, variance)
        se = np.sqrt(var)
        lower, upper = _confidence_limits(cif, se, conf_level, conf_type)
        at = _at_times(utimes, [cif, se, lower, upper], req, float(ts[-1]))
        n_events, n_comp = int(d1.sum()), int(d2.sum())
        message = None
        if n_events == 0:
            message = (ALL_CENSORED if n_comp == 0 else NO_EVENTS_OF_INTEREST).format(group=label)
        results[label] = CumulativeIncidenceResult(
            method=method,
            settings=settings,
            message=message,
            group=label,
            n=int(ts.size),
            events=n_events,
            competing_events=n_comp,
            time=utimes,
            estimate=cif,
            std_err=se,
            lower=lower,
            upper=upper,
            n_risk=y,
            at_time=req,
            at_estimate=at[0],
            at_std_err=at[1],
            at_lower=at[2],
            at_upper=at[3],
        )
    return results


# ---------------------------------------------------------------------------------------------------------
# Gray's test
# ---------------------------------------------------------------------------------------------------------


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
