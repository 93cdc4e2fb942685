"""Descriptive summaries for a Table 1: n (%) of a categorical variable, mean ± SD or median [Q1; Q3]."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.results import Result
from analytics.core.tables.checks import _numeric
from analytics.core.tables.constants import ALPHA, NO_VALUES
from analytics.core.tables.normality import _shapiro

__all__ = ["CategoricalSummary", "ContinuousSummary", "summarize_categorical", "summarize_continuous"]


@dataclass(frozen=True)
class CategoricalSummary(Result):
    """n (%) per level; ``percent`` is of the non-missing values."""

    levels: tuple = ()
    counts: tuple[int, ...] = ()
    percents: tuple[float, ...] = ()
    n: int = 0
    missing: int = 0
    text: dict[str, str] = field(default_factory=dict)


def summarize_categorical(values: Any, *, levels: list[Any] | None = None, decimals: int = 1) -> CategoricalSummary:
    """Counts and percentages, ``n (%)``, of a categorical variable.

    Parameters
    ----------
    values : array-like
        The variable; missing values (None/NaN) are counted apart and excluded from the denominator.
    levels : list, optional
        Levels to report, in this order (levels with no cases get 0); default: the sorted observed levels.
    decimals : int
        Decimals of the percentages in ``text``.

    Returns
    -------
    CategoricalSummary
        ``levels``, ``counts``, ``percents``, ``n`` (non-missing), ``missing`` and ``text`` ({level: "n (p%)"}).
    """
    series = pd.Series(values)
    missing = int(series.isna().sum())
    present = series.dropna()
    counts = present.value_counts()
    order = list(levels) if levels is not None else sorted(counts.index.tolist())
    n = int(present.size)
    cnt = tuple(int(counts.get(level, 0)) for level in order)
    pct = tuple(100.0 * c / n if n else math.nan for c in cnt)
    text = {str(level): f"{c} ({p:.{decimals}f}%)" for level, c, p in zip(order, cnt, pct, strict=True)}
    return CategoricalSummary(
        method="n (%) of non-missing values",
        settings={"decimals": decimals},
        message=None if n else NO_VALUES,
        levels=tuple(order),
        counts=cnt,
        percents=pct,
        n=n,
        missing=missing,
        text=text,
    )


@dataclass(frozen=True)
class ContinuousSummary(Result):
    """Mean, SD, median and quartiles (type 7), with the presentation Shapiro-Wilk chose and its text."""

    n: int = 0
    missing: int = 0
    mean: float = math.nan
    sd: float = math.nan
    median: float = math.nan
    q1: float = math.nan
    q3: float = math.nan
    minimum: float = math.nan
    maximum: float = math.nan
    shapiro_w: float = math.nan
    shapiro_p: float = math.nan
    presentation: str = "median [Q1; Q3]"
    text: str = ""
    note: str | None = None


def summarize_continuous(values: Any, *, alpha: float = ALPHA, decimals: int = 1) -> ContinuousSummary:
    """Summarize a continuous variable as mean ± SD or median [Q1; Q3], chosen by Shapiro-Wilk.

    Parameters
    ----------
    values : array-like
        Numeric values; missing ones are counted and left out.
    alpha : float
        Shapiro-Wilk level: p >= alpha gives mean ± SD, p < alpha gives median [Q1; Q3]. When the test
        cannot be run (fewer than 3 or more than 5000 values, or all equal) the median [Q1; Q3] is used and
        ``note`` says why.
    decimals : int
        Decimals in ``text``.

    Returns
    -------
    ContinuousSummary
        Every statistic (SD with n - 1; quartiles as R's ``quantile(type = 7)``), the Shapiro-Wilk W and p,
        the chosen ``presentation`` and its ``text``.
    """
    x = _numeric(values, "values")
    missing = int(np.isnan(x).sum())
    x = x[~np.isnan(x)]
    method = f"mean ± SD if Shapiro-Wilk p >= {alpha:g}, else median [Q1; Q3] (quartiles: R type 7)"
    settings = {"alpha": alpha, "quantile_type": 7, "sd_ddof": 1, "decimals": decimals}
    if x.size == 0:
        return ContinuousSummary(method=method, settings=settings, message=NO_VALUES, missing=missing)
    w, p, note = _shapiro(x)
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])  # numpy's default "linear" is R's type 7
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    normal = not math.isnan(p) and p >= alpha
    if normal:
        presentation, text = "mean ± SD", f"{mean:.{decimals}f} ± {sd:.{decimals}f}"
    else:
        presentation, text = "median [Q1; Q3]", f"{median:.{decimals}f} [{q1:.{decimals}f}; {q3:.{decimals}f}]"
    return ContinuousSummary(
        method=method,
        settings=settings,
        n=int(x.size),
        missing=missing,
        mean=mean,
        sd=sd,
        median=float(median),
        q1=float(q1),
        q3=float(q3),
        minimum=float(x.min()),
        maximum=float(x.max()),
        shapiro_w=w,
        shapiro_p=p,
        presentation=presentation,
        text=text,
        note=note,
    )
