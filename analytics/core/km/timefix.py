"""R's ``timefix`` (``aeqSurv``), shared with log-rank and Cox: merge times that differ only by rounding."""

from __future__ import annotations

import numpy as np

from analytics.core.km.median import _R_TOLERANCE

__all__: list[str] = []


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
