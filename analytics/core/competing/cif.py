"""``cumulative_incidence``: the Aalen-Johansen estimate of cause 1 by group, its standard error and CI."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import check_times
from analytics.core.competing.prepare import _order_by, _prepare, _tied_counts
from analytics.core.competing.result import CumulativeIncidenceResult
from analytics.core.competing.variance import _delta_method_variance, _ij_variance
from analytics.core.exceptions import AnalysisInputError

__all__ = [
    "ALL_CENSORED",
    "BAD_CONF_LEVEL",
    "CONF_TYPES",
    "DEFAULT_CONF_TYPE",
    "NO_EVENTS_OF_INTEREST",
    "UNKNOWN_CONF_TYPE",
    "UNKNOWN_VARIANCE",
    "VARIANCES",
    "cumulative_incidence",
]


CONF_TYPES = ("log-log", "log", "plain")
DEFAULT_CONF_TYPE = "log-log"
VARIANCES = ("ij", "cmprsk")

UNKNOWN_CONF_TYPE = "conf_type must be one of {allowed}; got {value!r}"
UNKNOWN_VARIANCE = "variance must be one of {allowed}; got {value!r}"
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"
NO_EVENTS_OF_INTEREST = "group {group}: no events of interest (code 1); the cumulative incidence is 0 throughout"
ALL_CENSORED = "group {group}: every observation is censored; the cumulative incidence is 0 throughout"


_VARIANCE_NAMES = {
    "ij": "infinitesimal-jackknife standard error (as survival::survfit)",
    "cmprsk": "delta-method variance of cmprsk::cuminc",
}


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
        var = _delta_method_variance(yf, d1, d2, surv, surv_minus, cif)
    return cif, np.maximum(var, 0.0)


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
