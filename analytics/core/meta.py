"""Pooling per-center estimates on the log scale: fixed-effect and DerSimonian-Laird random-effects, Cochran's Q
and I².

``pool_log_estimates`` pools any log-scale estimate (log hazard ratio, log odds ratio) given with its standard
error per center; ``pool_hazard_ratios`` is the same pooling named for hazard ratios (per-center Cox fits).
Centers whose estimate could not be made (missing, infinite, zero or negative standard error, or a fit that
came back with a message) are listed as excluded with the reason, never silently dropped.

Formulas (as ``metafor::rma(yi, sei = se, method = "FE")`` and ``method = "DL"``):

- fixed effect: weights ``w = 1 / se²``, ``b = sum(w y) / sum(w)``, ``se(b) = 1 / sqrt(sum(w))``;
- Cochran's ``Q = sum(w (y - b)²)`` on ``k - 1`` df; ``I² = max(0, (Q - df) / Q)``, reported in percent;
- DerSimonian-Laird: ``tau² = max(0, (Q - df) / (sum(w) - sum(w²) / sum(w)))``, weights ``1 / (se² + tau²)``;
- Wald z and two-sided normal p for each pooled log estimate; CIs are ``exp(b +- z se(b))``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import check_columns
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result, to_jsonable

__all__ = [
    "CenterHazardRatio",
    "CenterLogEstimate",
    "ExcludedCenter",
    "MetaAnalysisResult",
    "PooledLogEstimate",
    "pool_hazard_ratios",
    "pool_log_estimates",
]

BAD_ROW = "each center estimate must be (center, log_hr, se) or (center, log_hr, se, message); got {row!r}"
BAD_ROW_LOG = (
    "each center estimate must be (center, log_estimate, se) or (center, log_estimate, se, message); got {row!r}"
)
BAD_CONF_LEVEL = "conf_level must be strictly between 0 and 1; got {value!r}"
DUPLICATE_CENTERS = "center(s) listed more than once: {centers}"
REASON_FIT_MESSAGE = "hazard ratio not estimable: {message}"
REASON_LOG_HR = "log hazard ratio missing or infinite"
REASON_SE = "standard error missing, infinite, zero or negative"
NO_CENTERS = "no center has an estimable hazard ratio; nothing to pool"
ONE_CENTER = (
    "only one center has an estimable hazard ratio: the pooled HR is that center's, "
    "and there is no heterogeneity to assess"
)
# The same reasons for any log-scale estimate; ``measure`` names it ("odds ratio", "hazard ratio").
REASON_NOT_ESTIMABLE = "{measure} not estimable: {message}"
REASON_LOG_ESTIMATE = "log {measure} missing or infinite"
NO_CENTERS_ESTIMATE = "no center has an estimable {measure}; nothing to pool"
ONE_CENTER_ESTIMATE = (
    "only one center has an estimable {measure}: the pooled estimate is that center's, "
    "and there is no heterogeneity to assess"
)


@dataclass(frozen=True)
class CenterHazardRatio:
    """One center's contribution: its HR with CI and its weight (percent) in each pooled estimate."""

    center: Any
    log_hr: float
    se: float
    hr: float
    hr_lower: float
    hr_upper: float
    weight_fixed: float
    weight_random: float


@dataclass(frozen=True)
class ExcludedCenter:
    """A center left out of the pooling, and why."""

    center: Any
    reason: str


@dataclass(frozen=True)
class MetaAnalysisResult(Result):
    """Pooled hazard ratio across centers, with heterogeneity.

    ``fixed_*`` is the inverse-variance fixed-effect estimate, ``random_*`` the DerSimonian-Laird
    random-effects estimate; ``i2`` is in percent, ``tau2`` on the log-HR scale.
    """

    k: int = 0
    centers: tuple[CenterHazardRatio, ...] = ()
    excluded: tuple[ExcludedCenter, ...] = ()
    fixed_log_hr: float = float("nan")
    fixed_se: float = float("nan")
    fixed_hr: float = float("nan")
    fixed_hr_lower: float = float("nan")
    fixed_hr_upper: float = float("nan")
    fixed_z: float = float("nan")
    fixed_p: float = float("nan")
    random_log_hr: float = float("nan")
    random_se: float = float("nan")
    random_hr: float = float("nan")
    random_hr_lower: float = float("nan")
    random_hr_upper: float = float("nan")
    random_z: float = float("nan")
    random_p: float = float("nan")
    tau2: float = float("nan")
    q: float = float("nan")
    q_df: int = 0
    q_p: float = float("nan")
    i2: float = float("nan")

    def to_cli_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: per-center rows, excluded centers, both pooled HRs and heterogeneity."""
        return to_jsonable(
            {
                "k": self.k,
                "centers": [vars(c) for c in self.centers],
                "excluded": [vars(c) for c in self.excluded],
                "fixed": {
                    "log_hr": self.fixed_log_hr,
                    "se": self.fixed_se,
                    "hr": self.fixed_hr,
                    "hr_lower": self.fixed_hr_lower,
                    "hr_upper": self.fixed_hr_upper,
                    "z": self.fixed_z,
                    "p": self.fixed_p,
                },
                "random": {
                    "log_hr": self.random_log_hr,
                    "se": self.random_se,
                    "hr": self.random_hr,
                    "hr_lower": self.random_hr_lower,
                    "hr_upper": self.random_hr_upper,
                    "z": self.random_z,
                    "p": self.random_p,
                    "tau2": self.tau2,
                },
                "heterogeneity": {"q": self.q, "df": self.q_df, "p": self.q_p, "i2": self.i2},
                "message": self.message,
            }
        )


@dataclass(frozen=True)
class CenterLogEstimate:
    """One center's contribution to a pooled log-scale estimate: the estimate back-transformed with its CI, and
    its weight (percent) in each pooled estimate."""

    center: Any
    log_estimate: float
    se: float
    estimate: float
    lower: float
    upper: float
    weight_fixed: float
    weight_random: float


@dataclass(frozen=True)
class PooledLogEstimate(Result):
    """Pooled log-scale estimate across centers (``measure`` names it), with heterogeneity.

    ``fixed_*`` is the inverse-variance fixed-effect estimate, ``random_*`` the DerSimonian-Laird
    random-effects estimate; ``*_log_estimate`` and ``*_se`` are on the log scale, ``*_estimate``, ``*_lower``
    and ``*_upper`` back-transformed; ``i2`` is in percent, ``tau2`` on the log scale.
    """

    measure: str = "estimate"
    k: int = 0
    centers: tuple[CenterLogEstimate, ...] = ()
    excluded: tuple[ExcludedCenter, ...] = ()
    fixed_log_estimate: float = float("nan")
    fixed_se: float = float("nan")
    fixed_estimate: float = float("nan")
    fixed_lower: float = float("nan")
    fixed_upper: float = float("nan")
    fixed_z: float = float("nan")
    fixed_p: float = float("nan")
    random_log_estimate: float = float("nan")
    random_se: float = float("nan")
    random_estimate: float = float("nan")
    random_lower: float = float("nan")
    random_upper: float = float("nan")
    random_z: float = float("nan")
    random_p: float = float("nan")
    tau2: float = float("nan")
    q: float = float("nan")
    q_df: int = 0
    q_p: float = float("nan")
    i2: float = float("nan")


def _rows(
    estimates: pd.DataFrame | Iterable[Any],
    center_col: str,
    log_col: str,
    se_col: str,
    message_col: str,
    bad_row: str = BAD_ROW,
) -> list[tuple[Any, Any, Any, Any]]:
    if isinstance(estimates, pd.DataFrame):
        check_columns(estimates, [center_col, log_col, se_col])
        messages = estimates[message_col] if message_col in estimates.columns else [None] * len(estimates)
        return list(zip(estimates[center_col], estimates[log_col], estimates[se_col], messages, strict=True))
    rows = []
    for row in estimates:
        items = tuple(row)
        if len(items) not in (3, 4):
            raise AnalysisInputError(bad_row.format(row=row))
        rows.append(items if len(items) == 4 else (*items, None))
    return rows


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _pooled(y: np.ndarray, v: np.ndarray, z: float) -> dict[str, float]:
    w = 1.0 / v
    b = float(np.sum(w * y) / np.sum(w))
    se = float(1.0 / math.sqrt(np.sum(w)))
    zval = b / se
    return {
        "log_estimate": b,
        "se": se,
        "estimate": math.exp(b),
        "lower": math.exp(b - z * se),
        "upper": math.exp(b + z * se),
        "z": zval,
        "p": float(2.0 * stats.norm.sf(abs(zval))),
    }


def _pool(
    rows: list[tuple[Any, Any, Any, Any]],
    conf_level: float,
    reasons: tuple[str, str, str],
    messages: tuple[str, str],
    method: str,
    measure: str,
) -> PooledLogEstimate:
    """The pooling itself; ``reasons`` (fit message, estimate, se) and ``messages`` (none, one center) word it."""
    if not 0 < float(conf_level) < 1:
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    names = [r[0] for r in rows]
    dupes = sorted({str(c) for c in names if names.count(c) > 1})
    if dupes:
        raise AnalysisInputError(DUPLICATE_CENTERS.format(centers=", ".join(dupes)))

    kept: list[tuple[Any, float, float]] = []
    excluded: list[ExcludedCenter] = []
    for center, log_value, se, message in rows:
        y, s = _number(log_value), _number(se)
        has_message = message is not None and not (isinstance(message, float) and math.isnan(message))
        if has_message and str(message).strip():
            excluded.append(ExcludedCenter(center, reasons[0].format(message=message)))
        elif not math.isfinite(y):
            excluded.append(ExcludedCenter(center, reasons[1]))
        elif not (math.isfinite(s) and s > 0):
            excluded.append(ExcludedCenter(center, reasons[2]))
        else:
            kept.append((center, y, s))

    z = float(stats.norm.ppf(1.0 - (1.0 - conf_level) / 2.0))
    settings = {"conf_level": float(conf_level), "tau2_estimator": "DerSimonian-Laird", "i2": "max(0, (Q-df)/Q)"}
    k = len(kept)
    if k == 0:
        return PooledLogEstimate(
            method=method, settings=settings, message=messages[0], measure=measure, excluded=tuple(excluded)
        )

    y = np.array([r[1] for r in kept])
    v = np.array([r[2] for r in kept]) ** 2
    w = 1.0 / v
    fixed = _pooled(y, v, z)
    q = float(np.sum(w * (y - fixed["log_estimate"]) ** 2))
    df = k - 1
    if df > 0:
        c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
        tau2 = max(0.0, (q - df) / c)
        q_p = float(stats.chi2.sf(q, df))
        i2 = 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0
    else:
        tau2, q_p, i2 = 0.0, float("nan"), float("nan")
    random = _pooled(y, v + tau2, z)
    w_random = 1.0 / (v + tau2)
    centers = tuple(
        CenterLogEstimate(
            center=center,
            log_estimate=yi,
            se=si,
            estimate=math.exp(yi),
            lower=math.exp(yi - z * si),
            upper=math.exp(yi + z * si),
            weight_fixed=float(100.0 * wi / w.sum()),
            weight_random=float(100.0 * wr / w_random.sum()),
        )
        for (center, yi, si), wi, wr in zip(kept, w, w_random, strict=True)
    )
    return PooledLogEstimate(
        method=method,
        settings=settings,
        message=messages[1] if k == 1 else None,
        measure=measure,
        k=k,
        centers=centers,
        excluded=tuple(excluded),
        **{f"fixed_{key}": val for key, val in fixed.items()},
        **{f"random_{key}": val for key, val in random.items()},
        tau2=tau2,
        q=q,
        q_df=df,
        q_p=q_p,
        i2=i2,
    )


def pool_log_estimates(
    estimates: pd.DataFrame | Iterable[Any],
    *,
    measure: str = "estimate",
    conf_level: float = 0.95,
    center_col: str = "center",
    log_col: str = "log_estimate",
    se_col: str = "se",
    message_col: str = "message",
) -> PooledLogEstimate:
    """Pool per-center log-scale estimates (log odds ratios, log hazard ratios): fixed-effect and
    DerSimonian-Laird, with Cochran's Q and I².

    Parameters
    ----------
    estimates : pandas.DataFrame or iterable of tuples
        One row per center: ``(center, log_estimate, se)`` or ``(center, log_estimate, se, message)``, where a
        non-empty ``message`` says the center's estimate could not be made; or a DataFrame with those columns
        (``message`` optional).
    measure : str
        What is pooled, in words ("odds ratio", "hazard ratio"); it names the estimate in the method, the
        reasons for excluded centers and the messages.
    conf_level : float
        Level of the confidence intervals, 0.95 by default.
    center_col, log_col, se_col, message_col : str
        Column names when ``estimates`` is a DataFrame.

    Returns
    -------
    PooledLogEstimate
        Per-center estimates and weights, excluded centers with reasons, the fixed-effect and random-effects
        pooled estimate (log scale with se, z and p; back-transformed with CI), ``tau2``, Cochran's ``q`` with
        ``q_df`` and ``q_p``, and ``i2`` (percent). With no estimable center the numbers are NaN and
        ``message`` says so; with one, both pooled estimates equal it, Q is 0 on 0 df, I² is NaN, and
        ``message`` says so.

    Raises
    ------
    AnalysisInputError
        Malformed rows, missing DataFrame columns, a center listed twice, or a bad ``conf_level``.

    Notes
    -----
    Matches ``metafor::rma(yi, sei, method = "FE")`` and ``method = "DL"`` (default z tests).

    Examples
    --------
    >>> res = pool_log_estimates([("A", 0.2, 0.1), ("B", 0.5, 0.2)], measure="odds ratio")
    >>> res.k, round(res.fixed_estimate, 4)
    (2, 1.2969)
    """
    rows = _rows(estimates, center_col, log_col, se_col, message_col, BAD_ROW_LOG)
    reasons = (
        REASON_NOT_ESTIMABLE.format(measure=measure, message="{message}"),
        REASON_LOG_ESTIMATE.format(measure=measure),
        REASON_SE,
    )
    messages = (NO_CENTERS_ESTIMATE.format(measure=measure), ONE_CENTER_ESTIMATE.format(measure=measure))
    method = f"Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log {measure}s"
    return _pool(rows, conf_level, reasons, messages, method, measure)


def pool_hazard_ratios(
    estimates: pd.DataFrame | Iterable[Any],
    *,
    conf_level: float = 0.95,
    center_col: str = "center",
    log_hr_col: str = "log_hr",
    se_col: str = "se",
    message_col: str = "message",
) -> MetaAnalysisResult:
    """Pool per-center hazard ratios: fixed-effect and DerSimonian-Laird, with Cochran's Q and I².

    Parameters
    ----------
    estimates : pandas.DataFrame or iterable of tuples
        One row per center: ``(center, log_hr, se)`` or ``(center, log_hr, se, message)``, where ``message``
        is the per-center Cox fit's message (non-empty means the HR was not estimable); or a DataFrame with
        those columns (``message`` optional).
    conf_level : float
        Level of the confidence intervals, 0.95 by default.
    center_col, log_hr_col, se_col, message_col : str
        Column names when ``estimates`` is a DataFrame.

    Returns
    -------
    MetaAnalysisResult
        Per-center HRs and weights, excluded centers with reasons, the fixed-effect and random-effects
        pooled HR with CI, z and p, ``tau2``, Cochran's ``q`` with ``q_df`` and ``q_p``, and ``i2`` (percent,
        ``max(0, (Q - df) / Q)``). With no estimable center the numbers are NaN and ``message`` says so; with
        one, both pooled HRs equal it, Q is 0 on 0 df, I² is NaN, and ``message`` says so.

    Raises
    ------
    AnalysisInputError
        Malformed rows, missing DataFrame columns, a center listed twice, or a bad ``conf_level``.

    Notes
    -----
    The pooling of :func:`pool_log_estimates`, with the fields named for hazard ratios. Matches
    ``metafor::rma(yi = log_hr, sei = se, method = "FE")`` and ``method = "DL"`` (default z tests).

    Examples
    --------
    >>> res = pool_hazard_ratios([("A", 0.2, 0.1), ("B", 0.5, 0.2), ("C", None, None)])
    >>> res.k, [c.center for c in res.excluded]
    (2, ['C'])
    """
    rows = _rows(estimates, center_col, log_hr_col, se_col, message_col)
    method = "Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log hazard ratios"
    pooled = _pool(
        rows,
        conf_level,
        (REASON_FIT_MESSAGE, REASON_LOG_HR, REASON_SE),
        (NO_CENTERS, ONE_CENTER),
        method,
        "hazard ratio",
    )
    renamed = {"log_estimate": "log_hr", "estimate": "hr", "lower": "hr_lower", "upper": "hr_upper"}
    pooled_fields = {}
    for model in ("fixed", "random"):
        for key in ("log_estimate", "se", "estimate", "lower", "upper", "z", "p"):
            pooled_fields[f"{model}_{renamed.get(key, key)}"] = getattr(pooled, f"{model}_{key}")
    centers = tuple(
        CenterHazardRatio(
            center=c.center,
            log_hr=c.log_estimate,
            se=c.se,
            hr=c.estimate,
            hr_lower=c.lower,
            hr_upper=c.upper,
            weight_fixed=c.weight_fixed,
            weight_random=c.weight_random,
        )
        for c in pooled.centers
    )
    return MetaAnalysisResult(
        method=pooled.method,
        settings=pooled.settings,
        message=pooled.message,
        k=pooled.k,
        centers=centers,
        excluded=pooled.excluded,
        **pooled_fields,
        tau2=pooled.tau2,
        q=pooled.q,
        q_df=pooled.q_df,
        q_p=pooled.q_p,
        i2=pooled.i2,
    )
