"""R's ``survival:::findq``: where a survival curve (or a confidence curve) crosses a probability."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__: list[str] = []


# R's quantile.survfit tolerance: sqrt(.Machine$double.eps).
_R_TOLERANCE = float(np.sqrt(np.finfo(float).eps))


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
