"""Time to event by group: Kaplan-Meier with the log-rank test, and cumulative incidence with Gray's test, both
stratified by center when the plan asks. Estimates at the plan's times with CIs and numbers at risk; for two
groups the difference of the estimates at each time with a normal CI from the two standard errors. Curves in
the format of ``analytics.reports.figures`` (kind "km" / "cif"). No Django here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.competing import cumulative_incidence, gray_test
from analytics.core.km import DEFAULT_CONF_TYPE, kaplan_meier
from analytics.core.logrank import logrank_test
from analytics.core.tables.differences import difference_of_estimates
from analytics.plans.result import AnalysisResult, Effect
from analytics.plans.spec import Analysis
from analytics.plans.words import gettext_noop

__all__ = ["DIFFERENCE_METHOD", "curve_points", "risk_times", "run_cif", "run_km"]

DIFFERENCE_METHOD = gettext_noop("difference of the estimates at {time:g} days, normal CI from the two standard errors")
NO_TEST_ONE_GROUP = gettext_noop("fewer than two groups with cases: no test")
WHY_STRATIFIED = gettext_noop("stratified by center as the plan asks (center as stratum)")
WHY_PLAIN = gettext_noop("unstratified, as the plan asks")
_DAYS_PER_YEAR = 365


def curve_points(time: np.ndarray, value: np.ndarray, lower: np.ndarray, upper: np.ndarray, keep: np.ndarray) -> dict:
    """The steps of a curve (where it moves, plus its last time) as the report's figures draw them."""
    idx = np.flatnonzero(keep | (np.arange(len(time)) == len(time) - 1))

    def clean(a: np.ndarray) -> list[Any]:
        return [None if not np.isfinite(v) else round(float(v), 6) for v in a[idx]]

    return {"time": [float(v) for v in time[idx]], "value": clean(value), "lower": clean(lower), "upper": clean(upper)}


def risk_times(times: tuple[float, ...], last: float) -> list[int]:
    """Whole years from 0 to the last follow-up (at least to the last estimate time, at most 10 years)."""
    years = max(int(max(times, default=0) // _DAYS_PER_YEAR), min(int(np.ceil(last / _DAYS_PER_YEAR)), 10))
    return [_DAYS_PER_YEAR * k for k in range(years + 1)]


def _present(frame: pd.DataFrame, labels: list[str]) -> list[str]:
    counts = frame["group"].value_counts()
    return [g for g in labels if counts.get(g, 0)]


def _test_row(name: str, res: Any, strata: bool) -> dict[str, Any]:
    return {
        "name": name,
        "statistic": res.chisq,
        "df": res.df,
        "p": res.p,
        "chosen": True,
        "why": WHY_STRATIFIED if strata else WHY_PLAIN,
        "message": res.message,
    }


def _difference_effects(rows: list[dict], times: tuple[float, ...]) -> list[Effect]:
    first, second = rows
    effects = []
    for k, t in enumerate(times):
        a, b = first["estimates"][k], second["estimates"][k]
        values = [a["estimate"], a["se"], b["estimate"], b["se"]]
        numbers = [math.nan if v is None else float(v) for v in values]
        d, lo, up, p = difference_of_estimates(*numbers)
        effects.append(
            Effect(
                "difference",
                None if math.isnan(d) else d,
                None if math.isnan(lo) else lo,
                None if math.isnan(up) else up,
                None if math.isnan(p) else p,
                DIFFERENCE_METHOD.format(time=t),
                comparison=f"{first['label']} vs {second['label']}",
                at_time=t,
            )
        )
    return effects


def _estimate_effects(rows: list[dict], method: str) -> list[Effect]:
    return [
        Effect(
            "estimate", e["estimate"], e["lower"], e["upper"], None, method, comparison=r["label"], at_time=e["time"]
        )
        for r in rows
        for e in r["estimates"]
    ]


def _nan_none(value: Any) -> Any:
    return None if value is None or not np.isfinite(value) else float(value)


def run_km(
    frame: pd.DataFrame, analysis: Analysis, groups: list[str] | None = None, *, conf_type: str = DEFAULT_CONF_TYPE
) -> AnalysisResult:
    """Kaplan-Meier by group at the plan's times, medians, and the (stratified) log-rank test.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame (``group``, ``time``, ``status`` 0/1, ``center``).
    analysis : Analysis
        ``times`` and ``stratify_center`` are read.
    groups : list of str, optional
        Group labels in order (the frame's categories by default).
    conf_type : str
        The run's CI transform.

    Returns
    -------
    AnalysisResult
        Effects: for two groups the "difference" at each time (first minus second), then the log-rank "p", then
        each group's "estimate" at each time.
    """
    labels = _present(frame, list(groups if groups is not None else frame["group"].cat.categories))
    result = AnalysisResult(key=analysis.key, title=analysis.title, method="km")
    result.n, result.n_events = len(frame), int(frame["status"].sum())
    times = tuple(analysis.times)
    g = frame["group"].astype(str).to_numpy()
    fit = kaplan_meier(frame["time"].to_numpy(float), frame["status"].to_numpy(int), g, conf_type=conf_type)
    rows = []
    for label in labels:
        curve = fit[label]
        at = curve.at(times)
        med = curve.median()
        rows.append(
            {
                "label": label,
                "n": curve.n,
                "events": curve.events,
                "estimates": [
                    {
                        "time": t,
                        "estimate": _nan_none(s),
                        "se": _nan_none(se),
                        "lower": _nan_none(lo),
                        "upper": _nan_none(up),
                        "n_risk": int(r),
                    }
                    for t, s, se, lo, up, r in zip(
                        at.time, at.survival, at.std_err, at.lower, at.upper, at.n_risk, strict=True
                    )
                ],
                "median": {
                    "median": _nan_none(med.median),
                    "lower": _nan_none(med.lower),
                    "upper": _nan_none(med.upper),
                },
                "message": curve.message or at.message,
            }
        )
    result.groups = rows
    result.settings = {"times": list(times), "conf_type": conf_type, "stratify_center": analysis.stratify_center}
    methods = [fit.method]
    effects: list[Effect] = []
    if len(labels) == 2:
        effects += _difference_effects(rows, times)
    if len(labels) >= 2:
        strata = frame["center"].to_numpy() if analysis.stratify_center else None
        lr = logrank_test(frame["time"].to_numpy(float), frame["status"].to_numpy(int), g, strata)
        row = _test_row(lr.method, lr, strata is not None)
        result.tests = [row]
        methods.append(lr.method)
        if lr.ok:
            effects.append(Effect("p", None, None, None, lr.p, lr.method, comparison=" vs ".join(labels)))
        else:
            result.notes.append(f"No log-rank test: {lr.message}")
    else:
        result.notes.append(NO_TEST_ONE_GROUP)
    result.effects = effects + _estimate_effects(rows, fit.method)
    result.settings["methods"] = methods
    ticks = risk_times(times, float(frame["time"].max()) if len(frame) else 0.0)
    result.curves = {
        "kind": "km",
        "ylabel": analysis.outcome.describe(),
        "risk_times": ticks,
        "curves": [
            {
                "label": label,
                "n": fit[label].n,
                "events": fit[label].events,
                **curve_points(
                    fit[label].time, fit[label].survival, fit[label].lower, fit[label].upper, fit[label].n_event > 0
                ),
                "at_risk": [int(v) for v in fit[label].at(ticks).n_risk],
            }
            for label in labels
        ],
    }
    return result


def run_cif(
    frame: pd.DataFrame, analysis: Analysis, groups: list[str] | None = None, *, conf_type: str = DEFAULT_CONF_TYPE
) -> AnalysisResult:
    """Cumulative incidence of relapse (death without relapse competing) by group, and Gray's test.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame (``group``, ``time``, ``status`` 0/1/2, ``center``).
    analysis : Analysis
    groups : list of str, optional
    conf_type : str

    Returns
    -------
    AnalysisResult
        As :func:`run_km`, with Gray's test; each group row also holds ``competing`` (deaths without relapse).
    """
    labels = _present(frame, list(groups if groups is not None else frame["group"].cat.categories))
    result = AnalysisResult(key=analysis.key, title=analysis.title, method="cif")
    result.n, result.n_events = len(frame), int((frame["status"] == 1).sum())
    times = tuple(analysis.times)
    g = frame["group"].astype(str).to_numpy()
    t, e = frame["time"].to_numpy(float), frame["status"].to_numpy(int)
    fits = cumulative_incidence(t, e, g, times=list(times), conf_type=conf_type)
    rows = []
    method = ""
    for label in labels:
        r = fits[label]
        method = r.method
        n_risk = [int(r.n_risk[np.searchsorted(r.time, x, side="left")]) if x <= r.time[-1] else 0 for x in times]
        rows.append(
            {
                "label": label,
                "n": r.n,
                "events": r.events,
                "competing": r.competing_events,
                "estimates": [
                    {
                        "time": x,
                        "estimate": _nan_none(v),
                        "se": _nan_none(se),
                        "lower": _nan_none(lo),
                        "upper": _nan_none(up),
                        "n_risk": k,
                    }
                    for x, v, se, lo, up, k in zip(
                        r.at_time, r.at_estimate, r.at_std_err, r.at_lower, r.at_upper, n_risk, strict=True
                    )
                ],
                "median": None,
                "message": r.message,
            }
        )
    result.groups = rows
    result.settings = {"times": list(times), "conf_type": conf_type, "stratify_center": analysis.stratify_center}
    methods = [method]
    effects: list[Effect] = []
    if len(labels) == 2:
        effects += _difference_effects(rows, times)
    if len(labels) >= 2:
        strata = frame["center"].to_numpy() if analysis.stratify_center else None
        gray = gray_test(t, e, g, strata)
        name = "Gray's test" + (" stratified by center" if strata is not None else "")
        result.tests = [_test_row(name, gray, strata is not None)]
        methods.append(gray.method or name)
        if gray.ok:
            effects.append(Effect("p", None, None, None, gray.p, name, comparison=" vs ".join(labels)))
        else:
            result.notes.append(f"No Gray's test: {gray.message}")
    else:
        result.notes.append(NO_TEST_ONE_GROUP)
    result.effects = effects + _estimate_effects(rows, method)
    result.settings["methods"] = methods
    result.curves = {
        "kind": "cif",
        "ylabel": "Cumulative incidence of relapse",
        "curves": [
            {
                "label": label,
                "n": fits[label].n,
                "events": fits[label].events,
                **curve_points(
                    fits[label].time,
                    fits[label].estimate,
                    fits[label].lower,
                    fits[label].upper,
                    np.r_[True, np.diff(fits[label].estimate) != 0],
                ),
            }
            for label in labels
        ],
    }
    return result
