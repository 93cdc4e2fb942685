"""``kaplan_meier``: product-limit estimates and Greenwood variances of every group, vectorized over rows."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from analytics.core._checks import (
    check_columns,
    check_durations,
    check_event_codes,
    check_group_codes,
    check_same_length,
)
from analytics.core.exceptions import AnalysisInputError
from analytics.core.km.confint import CONF_TYPES, DEFAULT_CONF_TYPE, UNKNOWN_CONF_TYPE, _z, confidence_limits
from analytics.core.km.result import KaplanMeier, KaplanMeierCurve
from analytics.core.km.timefix import _timefix

__all__ = ["NO_EVENTS", "kaplan_meier"]


NO_EVENTS = "no events in this group: S(t) stays at 1 and the median is not reached"


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
