"""Kaplan-Meier survival curves by group, computed as R's ``survival::survfit`` computes them.

Everything is vectorized numpy: the rows are sorted once by (group, time), the distinct times found with one
comparison, the counts with ``np.add.reduceat``, and the product-limit estimate and Greenwood variance with
cumulative products and sums. Python loops run over groups only, never over rows or times.

What matches R (survival 3.5), and is tested against values R computed:

- ``survival``, ``n_risk``, ``n_event``, ``n_censor`` at every distinct observed time (``fit$time``);
- the Greenwood standard error: ``log_std_err`` is R's ``fit$std.err`` (the standard error of the cumulative
  hazard -log S(t)), ``std_err`` is the standard error of S(t) itself, as ``summary(fit)$std.err`` prints it;
- the confidence limits for ``conf_type`` "log", "log-log" and "plain" (R's ``survfit_confint`` with
  ``ulimit = TRUE``: the "log" and "plain" upper limits are truncated at 1, the "plain" lower limit at 0;
  limits are missing (NaN) where R gives NA, e.g. "log-log" where S(t) is 1 or 0);
- estimates at chosen times with the semantics of ``summary(fit, times = ...)``;
- the median and its confidence interval by ``quantile(fit, 0.5)`` (R's ``findq`` rule, including the
  midpoint rule where the curve is flat at exactly 0.5);
- the restricted mean survival time and its standard error as ``print(fit, rmean = h)`` reports them;
- R's ``timefix``: distinct times closer than sqrt(machine epsilon) are merged (``aeqSurv``).

Where the engine deliberately differs from R:

- the default ``conf_type`` is "log-log" (R: "log"); see :data:`DEFAULT_CONF_TYPE`;
- ``KaplanMeierCurve.at`` keeps times after the last observed time as NaN rows with a ``message`` (R's
  ``summary(times=)`` drops those rows unless ``extend = TRUE``), so that the rows line up with the times asked for;
- the median's limits follow ``quantile.survfit``; the table printed by ``print(fit)`` uses an older rule for the
  limits and can differ from it where a confidence curve is not monotone (aml, "log": quantile gives 48, print 45);
- an RMST horizon before the first observed time is the horizon itself with SE 0 (R stops with an error);
- group labels are sorted as numbers or by code point; R sorts character factor levels in the locale's collation,
  which can order mixed-case labels differently (the numbers per group do not change, only their order).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from analytics.core._checks import (
    check_columns,
    check_durations,
    check_event_codes,
    check_group_codes,
    check_positive,
    check_same_length,
    check_times,
)
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result, to_jsonable

__all__ = [
    "AFTER_FOLLOW_UP",
    "BAD_CONF_LEVEL",
    "CONF_TYPES",
    "DEFAULT_CONF_TYPE",
    "NO_EVENTS",
    "UNKNOWN_CONF_TYPE",
    "KaplanMeier",
    "KaplanMeierCurve",
    "MedianSurvival",
    "RestrictedMean",
    "SurvivalAt",
    "confidence_limits",
    "kaplan_meier",
]

CONF_TYPES = ("log-log", "log", "plain")

#: The default transform for the confidence limits. R's default is "log"; we choose "log-log" because its limits
#: always stay inside [0, 1] without truncation and it has the better coverage in small samples and in the tails
#: (Borgan & Liestøl, Scand J Stat 1990; Klein & Moeschberger, section 4.3), which is where infant-leukemia
#: cohorts of a few dozen children live. Pass ``conf_type="log"`` to reproduce R's default output.
DEFAULT_CONF_TYPE = "log-log"

# R's quantile.survfit tolerance: sqrt(.Machine$double.eps).
_R_TOLERANCE = float(np.sqrt(np.finfo(float).eps))

UNKNOWN_CONF_TYPE = "conf_type must be one of {allowed}; got {value!r}"
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"
NO_EVENTS = "no events in this group: S(t) stays at 1 and the median is not reached"
AFTER_FOLLOW_UP = "no estimate at time(s) {times}: after the last follow-up time ({last:g})"


def _z(conf_level: float) -> float:
    if not 0 < conf_level < 1:
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    return float(norm.ppf(1 - (1 - conf_level) / 2))


def confidence_limits(
    surv: np.ndarray, log_std_err: np.ndarray, conf_type: str = DEFAULT_CONF_TYPE, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise confidence limits for S(t), exactly as R's ``survival:::survfit_confint`` (``ulimit = TRUE``).

    Parameters
    ----------
    surv : numpy.ndarray
        The survival estimates S(t).
    log_std_err : numpy.ndarray
        The standard error of -log S(t) (Greenwood), R's ``fit$std.err``.
    conf_type : {"log-log", "log", "plain"}
        The transform: "plain" is S ± z·se(S), truncated to [0, 1]; "log" is exp(log S ± z·se(log S)) with the
        upper limit truncated at 1 (as R does); "log-log" works on log(-log S) and stays inside (0, 1).
    conf_level : float
        Coverage of the two-sided interval, 0.95 by default.

    Returns
    -------
    lower, upper : numpy.ndarray
        NaN where R gives NA: for "log" where S = 0; for "log-log" where S is 0 or 1; for "plain" where the
        standard error is undefined (S = 0 after everyone at risk died).
    """
    if conf_type not in CONF_TYPES:
        raise AnalysisInputError(UNKNOWN_CONF_TYPE.format(allowed=", ".join(CONF_TYPES), value=conf_type))
    z = _z(conf_level)
    p = np.asarray(surv, dtype=float)
    se = np.asarray(log_std_err, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            se2 = se * p * z
            return np.maximum(p - se2, 0.0), np.minimum(p + se2, 1.0)
        if conf_type == "log":
            xx = np.where(p == 0, np.nan, p)
            se2 = z * se
            return np.exp(np.log(xx) - se2), np.minimum(np.exp(np.log(xx) + se2), 1.0)
        xx = np.where((p == 0) | (p == 1), np.nan, p)
        se2 = z * se / np.log(xx)
        loglog = np.log(-np.log(xx))
        return np.exp(-np.exp(loglog - se2)), np.exp(-np.exp(loglog + se2))


def _findq(x: np.ndarray, y: np.ndarray, p: float, tol: float = _R_TOLERANCE) -> float:
    """R's ``survival:::findq`` for one probability: the first x where y (1 - S) reaches p, with midpoints.

    y is 1 - S (or 1 - a confidence limit) with a leading 0 at x = 0. Where y sits at p within ``tol`` over a
    flat stretch, R returns the midpoint between the start of the stretch and the next time y moves (or the last
    time of follow-up when the curve ends flat at p).
    """
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return float("nan")
    xmax = x[-1]
    # duplicated() in R treats NA as equal to NA and keeps first occurrences; pandas does the same.
    keep = ~pd.Series(y).duplicated().to_numpy()
    x, y = x[keep], y[keep]
    n = len(y)

    def first_at_least(shifted: np.ndarray) -> int | None:
        # approx(shifted, 1:n, p, method="constant", f=1) after dropping NA pairs: the index of the smallest
        # shifted value >= p, NA when p lies outside the range of the shifted values.
        valid = ~np.isnan(shifted)
        if not valid.any():
            return None
        idx = np.flatnonzero(valid)
        vals = shifted[valid]
        order = np.argsort(vals, kind="stable")
        sorted_vals = vals[order]
        if p < sorted_vals[0] or p > sorted_vals[-1]:
            return None
        k = int(np.searchsorted(sorted_vals, p, side="left"))
        return int(idx[order[k]])

    i1 = first_at_least(y + tol)
    i2 = first_at_least(y - tol)
    quant = float("nan") if i1 is None or i2 is None else (x[i1] + x[i2]) / 2
    if not np.isnan(y[n - 1]) and abs(p - y[n - 1]) < tol:
        quant = float("nan") if i1 is None else (x[i1] + xmax) / 2
    return float(quant)


@dataclass(frozen=True)
class SurvivalAt(Result):
    """Survival estimates at chosen times, as ``summary(fit, times = ...)`` gives them.

    Times after the last observed time (event or censoring) of the group have NaN estimates and 0 at risk
    unless ``extend=True``, where R carries the last estimate forward; R omits such rows when ``extend`` is
    false, we keep them (as NaN) so that the rows line up with the times asked for.
    """

    time: np.ndarray = field(default_factory=lambda: np.empty(0))
    survival: np.ndarray = field(default_factory=lambda: np.empty(0))
    std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_risk: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def to_records(self) -> list[dict[str, Any]]:
        """One ``{time, survival, se, lower, upper, at_risk}`` dict per time (JSON-ready, NaN as None)."""
        return [
            to_jsonable({"time": t, "survival": s, "se": se, "lower": lo, "upper": up, "at_risk": int(r)})
            for t, s, se, lo, up, r in zip(
                self.time, self.survival, self.std_err, self.lower, self.upper, self.n_risk, strict=True
            )
        ]


@dataclass(frozen=True)
class MedianSurvival(Result):
    """Median survival time with its confidence interval (``quantile(fit, 0.5)``); NaN where not reached."""

    median: float = float("nan")
    lower: float = float("nan")
    upper: float = float("nan")


@dataclass(frozen=True)
class RestrictedMean(Result):
    """Restricted mean survival time up to ``horizon`` and its standard error, as ``print(fit, rmean=h)``."""

    horizon: float = float("nan")
    estimate: float = float("nan")
    std_err: float = float("nan")


@dataclass(frozen=True)
class KaplanMeierCurve(Result):
    """One Kaplan-Meier curve: the estimate at every distinct observed time of one group.

    Attributes
    ----------
    group : hashable
        The group's value (``"all"`` without grouping).
    n, events : int
        Cases and events in the group.
    time : numpy.ndarray
        The distinct observed times (events and censorings), increasing, as R's ``fit$time``.
    n_risk, n_event, n_censor : numpy.ndarray
        Numbers at risk just before, events at, and censorings at each time.
    survival : numpy.ndarray
        The product-limit estimate S(t).
    log_std_err : numpy.ndarray
        Greenwood standard error of -log S(t) (R's ``fit$std.err``); infinite once S(t) = 0.
    std_err : numpy.ndarray
        Greenwood standard error of S(t), ``survival * log_std_err`` (NaN where S(t) = 0, as R prints it).
    lower, upper : numpy.ndarray
        Pointwise confidence limits (``conf_type``, ``conf_level``).
    """

    group: Hashable = "all"
    n: int = 0
    events: int = 0
    conf_type: str = DEFAULT_CONF_TYPE
    conf_level: float = 0.95
    time: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_risk: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    n_event: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    n_censor: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    survival: np.ndarray = field(default_factory=lambda: np.empty(0))
    log_std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    std_err: np.ndarray = field(default_factory=lambda: np.empty(0))
    lower: np.ndarray = field(default_factory=lambda: np.empty(0))
    upper: np.ndarray = field(default_factory=lambda: np.empty(0))

    def at(self, times: Sequence[float] | np.ndarray, extend: bool = False) -> SurvivalAt:
        """Estimates at chosen times, with the semantics of R's ``summary(fit, times = times, extend = extend)``.

        Parameters
        ----------
        times : sequence of float
            Times (>= 0) in any order.
        extend : bool
            R's ``extend``: when false, times after the group's last observed time get NaN estimates (R drops
            those rows); when true they carry the last estimate, with 0 at risk.

        Returns
        -------
        SurvivalAt
            Survival, its standard error, the limits, and the number at risk at each time (R's rule: the number
            at risk at the first observed time >= t, 0 after the last one). Before the first observed time the
            estimate is 1 with standard error 0 and limits [1, 1] (R's ``survfit0`` row at time 0).
        """
        query = check_times(times, "times")
        settings = {"times": query.tolist(), "extend": extend}
        # survfit0(): a row at time 0 (S = 1, se = 0, limits 1) unless the curve already starts at 0.
        if len(self.time) and self.time[0] == 0:
            t0, s0, sig0 = self.time, self.survival, self.log_std_err
            lo0, up0, r0 = self.lower, self.upper, self.n_risk
        else:
            first_risk = self.n_risk[:1] if len(self.n_risk) else np.array([0])
            t0 = np.concatenate([[0.0], self.time])
            s0 = np.concatenate([[1.0], self.survival])
            sig0 = np.concatenate([[0.0], self.log_std_err])
            lo0 = np.concatenate([[1.0], self.lower])
            up0 = np.concatenate([[1.0], self.upper])
            r0 = np.concatenate([first_risk, self.n_risk])
        idx1 = np.searchsorted(t0, query, side="right") - 1  # findInterval: last time <= t
        idx2 = np.searchsorted(t0, query, side="left")  # first time >= t
        n_risk = np.concatenate([r0, [0]])[idx2].astype(np.int64)
        surv, sig, lo, up = s0[idx1], sig0[idx1], lo0[idx1], up0[idx1]
        with np.errstate(invalid="ignore"):
            se = sig * surv
        message = None
        if not extend:
            beyond = query > t0[-1]
            surv, se, lo, up = (np.where(beyond, np.nan, a) for a in (surv, se, lo, up))
            if beyond.any():
                message = AFTER_FOLLOW_UP.format(times=", ".join(f"{x:g}" for x in query[beyond]), last=t0[-1])
        return SurvivalAt(
            method=self.method,
            settings=settings,
            message=message,
            time=query,
            survival=surv,
            std_err=se,
            lower=lo,
            upper=up,
            n_risk=n_risk,
        )

    def median(self) -> MedianSurvival:
        """Median survival with its confidence interval by R's rule (``quantile(fit, probs = 0.5)``).

        The median is the first time S(t) <= 0.5; where S(t) equals 0.5 (within sqrt(machine epsilon)) over a
        flat stretch it is the midpoint between the start of the stretch and the next event time (or the last
        follow-up time if the curve ends there). The limits are the same rule applied to the lower and upper
        confidence curves. NaN where not reached.

        Returns
        -------
        MedianSurvival
        """
        x = np.concatenate([[0.0], self.time])
        values = [
            _findq(x, np.concatenate([[0.0], 1 - curve]), 0.5) for curve in (self.survival, self.lower, self.upper)
        ]
        message = None if not np.isnan(values[0]) else "median not reached: S(t) stays above 0.5"
        return MedianSurvival(
            method="median of the Kaplan-Meier curve, CI where the confidence limits cross 0.5 (R quantile.survfit)",
            settings={"conf_type": self.conf_type, "conf_level": self.conf_level},
            message=message,
            median=values[0],
            lower=values[1],
            upper=values[2],
        )

    def rmst(self, horizon: float) -> RestrictedMean:
        """Restricted mean survival time up to ``horizon`` and its standard error, as R's ``print(fit, rmean=h)``.

        The area under S(t) from 0 to the horizon; past the last observed time the last value of S(t) is carried
        forward (as R does). The variance is sum_i A_i^2 d_i / (n_i (n_i - d_i)) over event times t_i < horizon,
        A_i the area from t_i to the horizon (terms with n_i = d_i left out, as R does).

        Parameters
        ----------
        horizon : float
            The truncation time tau (> 0), in the units of the time column.

        Returns
        -------
        RestrictedMean
        """
        tau = check_positive(horizon, "rmst horizon")
        keep = self.time <= tau
        with np.errstate(divide="ignore", invalid="ignore"):
            remaining = self.n_risk - self.n_event
            hh = np.where(remaining == 0, 0.0, self.n_event / (self.n_risk * remaining.astype(float)))
        settings = {"horizon": tau}
        method = "restricted mean survival time (area under the Kaplan-Meier curve), R print.survfit rmean"
        if not keep.any():
            return RestrictedMean(method=method, settings=settings, horizon=tau, estimate=tau, std_err=0.0)
        temptime = np.concatenate([self.time[keep], [tau]])
        tempsurv = np.concatenate([self.survival[keep], self.survival[keep][-1:]])
        hh = np.concatenate([hh[keep], [0.0]])
        delta = np.diff(np.concatenate([[0.0], temptime]))
        rectangles = delta * np.concatenate([[1.0], tempsurv[:-1]])
        tail_area = np.cumsum(rectangles[1:][::-1])
        varmean = float(np.sum(tail_area**2 * hh[::-1][1:]))
        return RestrictedMean(
            method=method,
            settings=settings,
            horizon=tau,
            estimate=float(np.sum(rectangles)),
            std_err=float(np.sqrt(varmean)),
        )

    def to_cli_dict(self, times: Sequence[float] | None = None, rmst_horizon: float | None = None) -> dict:
        """The curve as the ``km`` entry of ``python -m analytics survival`` (JSON-ready)."""
        med = self.median()
        out: dict[str, Any] = {
            "n": self.n,
            "events": self.events,
            "median": med.median,
            "median_ci": [med.lower, med.upper],
        }
        if rmst_horizon is not None:
            rm = self.rmst(rmst_horizon)
            out["rmst"] = {"horizon": rm.horizon, "estimate": rm.estimate, "se": rm.std_err}
        if times is not None and len(times):
            out["at"] = self.at(times).to_records()
        out["curve"] = {
            "time": self.time,
            "survival": self.survival,
            "lower": self.lower,
            "upper": self.upper,
            "at_risk": self.n_risk,
        }
        if self.message:
            out["message"] = self.message
        return to_jsonable(out)


@dataclass(frozen=True)
class KaplanMeier(Result):
    """Kaplan-Meier curves of every group (one curve, keyed ``"all"``, without grouping)."""

    n: int = 0
    events: int = 0
    curves: dict[Hashable, KaplanMeierCurve] = field(default_factory=dict)

    def __getitem__(self, group: Hashable) -> KaplanMeierCurve:
        """The curve of one group (``fit["all"]`` without grouping)."""
        return self.curves[group]

    @property
    def groups(self) -> list[Hashable]:
        """The group labels, sorted as R sorts factor levels."""
        return list(self.curves)


def _resolve(data: pd.DataFrame | None, **columns: Any) -> dict[str, Any]:
    """Take columns from ``data`` by name when a DataFrame is given, otherwise use the arrays as they are."""
    if data is None:
        return columns
    check_columns(data, [c for c in columns.values() if c is not None])
    return {key: (None if col is None else data[col]) for key, col in columns.items()}


def _group_codes(group: Any, n: int, name: str = "group") -> tuple[np.ndarray, list[Hashable]]:
    """Integer codes 0..G-1 in sorted order of the labels (as R's factor levels), and the labels."""
    if group is None:
        return np.zeros(n, dtype=np.int64), ["all"]
    return check_group_codes(group, name)


# Times of follow-up beyond this many units are not days; integer times below it never need R's timefix.
_INTEGER_TIMES_LIMIT = 2**26


def _timefix(t: np.ndarray) -> np.ndarray:
    """R's ``aeqSurv`` (``timefix = TRUE`` in survfit, survdiff, coxph): merge times that differ by rounding.

    Distinct times closer than sqrt(machine epsilon), absolutely or relative to the mean absolute time, are
    replaced by the smallest of their run, so that e.g. durations computed as differences of dates divided by
    365.25 along different paths tie as they should. Integer times (days) are left as they are without work.
    """
    if not len(t) or (t.max() < _INTEGER_TIMES_LIMIT and np.array_equal(t, np.floor(t))):
        return t
    y = np.unique(t)
    dy = np.diff(y)
    with np.errstate(divide="ignore", invalid="ignore"):
        tied = (dy <= _R_TOLERANCE) | (dy / np.mean(np.abs(y)) <= _R_TOLERANCE)
    if not tied.any():
        return t
    cuts = y[np.concatenate([[True], ~tied])]
    return cuts[np.searchsorted(cuts, t, side="right") - 1]


def _stable_order(t: np.ndarray, *codes: np.ndarray) -> np.ndarray:
    """The order that sorts rows by codes[0], then codes[1], ..., then time t (>= 0); like ``np.lexsort``.

    numpy's stable argsort is a radix sort for 16-bit keys, so integer times (days) are sorted as 16-bit digits
    from the least significant up, and codes with fewer than 65 536 values take one more pass each: several
    times faster than ``np.lexsort`` on a million rows. Other times take one comparison sort.
    """
    passes: list[np.ndarray] = []
    order: np.ndarray | None = None
    if len(t) and t.max() < 2**48 and np.array_equal(t, np.floor(t)):
        u = t.astype(np.uint64)
        top = int(u.max())
        shift = 0
        while shift == 0 or (top >> shift) > 0:
            digit = ((u >> np.uint64(shift)) & np.uint64(0xFFFF)).astype(np.uint16)
            passes.append(digit)
            shift += 16
    else:
        order = np.argsort(t, kind="stable")
    for c in reversed(codes):
        passes.append(c.astype(np.uint16) if c.size and c.max() < 2**16 else c)
    for key in passes:
        order = np.argsort(key, kind="stable") if order is None else order[np.argsort(key[order], kind="stable")]
    return order if order is not None else np.arange(len(t))


def _km_blocks(
    t: np.ndarray, e: np.ndarray, g: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort once by (group, time) and collapse to one row per distinct (group, time).

    Returns time, number at risk, events and censorings per block, and each group's first block.
    """
    order = _stable_order(t, g) if n_groups > 1 else _stable_order(t)
    ts, gs, es = t[order], g[order], e[order]
    n = len(ts)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ts[1:], ts[:-1], out=new[1:])
    if n_groups > 1:
        new[1:] |= gs[1:] != gs[:-1]
    starts = np.flatnonzero(new)
    block_size = np.diff(np.append(starts, n))
    n_event = np.add.reduceat(es, starts)
    block_group = gs[starts]
    group_end = np.cumsum(np.bincount(gs, minlength=n_groups))  # row after each group's last row
    n_risk = group_end[block_group] - starts
    group_first_block = np.searchsorted(block_group, np.arange(n_groups + 1), side="left")
    return ts[starts], n_risk, n_event, block_size - n_event, group_first_block


def kaplan_meier(
    time: Any,
    event: Any,
    group: Any = None,
    *,
    data: pd.DataFrame | None = None,
    conf_type: str = DEFAULT_CONF_TYPE,
    conf_level: float = 0.95,
) -> KaplanMeier:
    """Kaplan-Meier estimates by group with Greenwood standard errors and pointwise confidence limits.

    Matches R's ``survfit(Surv(time, event) ~ group, conf.type = conf_type)`` (survival 3.5).

    Parameters
    ----------
    time : array-like or str
        Follow-up times (>= 0), or a column name when ``data`` is given.
    event : array-like or str
        1 = event, 0 = censored (booleans accepted), or a column name.
    group : array-like or str, optional
        Group labels (no missing values), or a column name; curves are keyed by the labels in sorted order.
    data : pandas.DataFrame, optional
        Table holding the named columns.
    conf_type : {"log-log", "log", "plain"}
        Transform for the confidence limits. The default, "log-log", keeps the limits inside [0, 1] without
        truncation and covers better in small samples and the tails (Borgan & Liestøl 1990); R's default is
        "log", whose upper limit R truncates at 1. See :func:`confidence_limits`.
    conf_level : float
        Coverage of the pointwise intervals.

    Returns
    -------
    KaplanMeier
        ``.curves`` maps each group label to a :class:`KaplanMeierCurve` (with ``.at(times)``,
        ``.median()``, ``.rmst(horizon)``). A group without events gets a curve at 1 and a ``message``.

    Raises
    ------
    AnalysisInputError
        Missing column, non-numeric, missing or negative times, event codes other than 0/1, bad conf_type.
    """
    cols = _resolve(data, time=time, event=event, group=group)
    names = (
        {k: (v if isinstance(v, str) else k) for k, v in {"time": time, "event": event, "group": group}.items()}
        if data is not None
        else {"time": "time", "event": "event", "group": "group"}
    )
    t = _timefix(check_durations(cols["time"], names["time"]))
    e = check_event_codes(cols["event"], (0, 1), names["event"])
    check_same_length(time=t, event=e, group=cols["group"])
    if conf_type not in CONF_TYPES:
        raise AnalysisInputError(UNKNOWN_CONF_TYPE.format(allowed=", ".join(CONF_TYPES), value=conf_type))
    _z(conf_level)
    g, labels = _group_codes(cols["group"], len(t), names["group"])
    times, n_risk, n_event, n_censor, first_block = _km_blocks(t, e, g, len(labels))

    method = f"Kaplan-Meier with Greenwood variance, {conf_type} {conf_level:.0%} pointwise CI"
    settings = {"conf_type": conf_type, "conf_level": conf_level, "grouped": group is not None}
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n_event > 0, (n_risk - n_event) / n_risk, 1.0)
        greenwood = np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(float)), 0.0)
    curves: dict[Hashable, KaplanMeierCurve] = {}
    for k, label in enumerate(labels):
        sl = slice(first_block[k], first_block[k + 1])
        surv = np.cumprod(factor[sl])
        sigma = np.sqrt(np.cumsum(greenwood[sl]))
        lower, upper = confidence_limits(surv, sigma, conf_type, conf_level)
        with np.errstate(invalid="ignore"):
            se = surv * sigma
        events = int(n_event[sl].sum())
        curves[label] = KaplanMeierCurve(
            method=method,
            settings={**settings, "group": label},
            message=None if events else NO_EVENTS,
            group=label,
            n=int(n_risk[sl][0]),
            events=events,
            conf_type=conf_type,
            conf_level=conf_level,
            time=times[sl],
            n_risk=n_risk[sl],
            n_event=n_event[sl],
            n_censor=n_censor[sl],
            survival=surv,
            log_std_err=sigma,
            std_err=se,
            lower=lower,
            upper=upper,
        )
    total_events = int(e.sum())
    return KaplanMeier(
        method=method,
        settings=settings,
        message=None if total_events else "no events: every case is censored; survival stays at 1",
        n=len(t),
        events=total_events,
        curves=curves,
    )
