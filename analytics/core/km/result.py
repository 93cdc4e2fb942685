"""The Kaplan-Meier result objects: the curves, and their estimates at chosen times, median and RMST."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analytics.core._checks import check_positive, check_times
from analytics.core.km.confint import DEFAULT_CONF_TYPE
from analytics.core.km.median import _findq
from analytics.core.results import Result, to_jsonable

__all__ = ["AFTER_FOLLOW_UP", "KaplanMeier", "KaplanMeierCurve", "MedianSurvival", "RestrictedMean", "SurvivalAt"]


AFTER_FOLLOW_UP = "no estimate at time(s) {times}: after the last follow-up time ({last:g})"


@dataclass(frozen=True)
class SurvivalAt(Result):
    """Survival estimates at chosen times, as ``summary(fit, times = ...)`` gives them.

    Times after the last observed time (event or censoring) of the group have NaN estimates and 0 at risk
    unless ``extend=True``, where R carries the last estimate forward; R omits such rows when ``extend`` is
    false, we keep them (as NaN) so that the rows line up with the times asked for. A curve that has reached 0
    is 0 at every later time either way (its standard error and limits NaN, as R's).
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


def _running_min(curve: np.ndarray) -> np.ndarray:
    """The lowest value so far at each time, NaN kept where the curve is NaN (R's NA limits)."""
    if not len(curve):
        return curve
    return np.where(np.isnan(curve), np.nan, np.fmin.accumulate(curve))


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
            those rows), unless the curve has reached 0, which it keeps (R's value with ``extend = TRUE``); when
            true they carry the last estimate, with 0 at risk.

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
            # A curve that has reached 0 stays at 0 (R: 0 with extend = TRUE); other curves are unknown there.
            beyond = (query > t0[-1]) & (s0[-1] > 0)
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
        confidence curves, each read as its running minimum: a limit is the first time the confidence curve
        reaches 0.5, even where a "log" upper curve rises again after it (whole aml data: 45, as R's
        ``print(fit)``; ``quantile`` would give 48). NaN where not reached.

        Returns
        -------
        MedianSurvival
        """
        x = np.concatenate([[0.0], self.time])
        curves = (self.survival, _running_min(self.lower), _running_min(self.upper))
        values = [_findq(x, np.concatenate([[0.0], 1 - curve]), 0.5) for curve in curves]
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
