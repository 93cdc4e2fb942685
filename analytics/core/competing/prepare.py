"""Input handling shared by the cumulative incidence and Gray's test: checks, codes, row order, tied counts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from analytics.core._checks import check_columns, check_durations, check_event_codes, check_labels, check_same_length

__all__: list[str] = []


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
