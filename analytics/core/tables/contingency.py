"""Contingency tables: Pearson's χ² (Yates too for 2x2) and Fisher's exact test, chosen by expected counts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import check_labels, check_same_length
from analytics.core.results import Result
from analytics.core.tables.checks import _counts
from analytics.core.tables.constants import NO_COUNTS, TABLE_TOO_SMALL
from analytics.core.tables.fisher import _fisher_rxc

__all__ = ["ContingencyTest", "compare_categorical"]


@dataclass(frozen=True)
class ContingencyTest(Result):
    """χ² and Fisher's exact test of a contingency table; ``test``/``p`` are the chosen one's."""

    table: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    row_labels: tuple = ()
    col_labels: tuple = ()
    expected: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    min_expected: float = math.nan
    test: str = ""
    p: float = math.nan
    chisq: float = math.nan
    df: int = 0
    chisq_p: float = math.nan
    yates_chisq: float = math.nan
    yates_p: float = math.nan
    fisher_p: float = math.nan
    fisher_method: str = ""
    note: str | None = None


def _as_table(x: Any, y: Any) -> tuple[np.ndarray, tuple, tuple]:
    if y is not None:
        check_same_length(rows=x, columns=y)
        xs, ys = pd.Series(check_labels(x, "rows")), pd.Series(check_labels(y, "columns"))
        tab = pd.crosstab(xs.to_numpy(), ys.to_numpy())
        return tab.to_numpy(dtype=np.int64), tuple(tab.index.tolist()), tuple(tab.columns.tolist())
    if isinstance(x, pd.DataFrame):
        return _counts(x.to_numpy()), tuple(x.index.tolist()), tuple(x.columns.tolist())
    table = _counts(x)
    return table, tuple(range(table.shape[0])), tuple(range(table.shape[1]))


def compare_categorical(x: Any, y: Any = None) -> ContingencyTest:
    """χ² and Fisher's exact test of independence; Fisher is chosen when any expected count is below 5.

    Parameters
    ----------
    x : array-like
        Either a 2-d table of counts (list of lists, numpy array or DataFrame with labelled rows and
        columns), or, with ``y``, the row variable of each case.
    y : array-like, optional
        The column variable of each case; the table is their cross-tabulation.

    Returns
    -------
    ContingencyTest
        The table (empty rows and columns dropped, with a ``note``), expected counts, Pearson's χ² without
        correction (``chisq``, ``df``, ``chisq_p``), Yates-corrected χ² for 2x2 (``yates_chisq``,
        ``yates_p``), Fisher's exact p (``fisher_p``, two-sided; ``fisher_method``), and the chosen ``test``
        with its ``p``: Fisher's exact test when the smallest expected count is below 5, otherwise Pearson's
        χ² without continuity correction.
    """
    table, row_labels, col_labels = _as_table(x, y)
    method = (
        "Pearson's chi-square (uncorrected; Yates also for 2x2) and Fisher's exact test; "
        "Fisher chosen when an expected count < 5"
    )
    settings = {"fisher_if_expected_below": 5, "chosen_chisq": "uncorrected"}
    if table.sum() == 0:
        return ContingencyTest(method=method, settings=settings, message=NO_COUNTS, table=table)
    row_ok, col_ok = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    note = None
    if not (row_ok.all() and col_ok.all()):
        note = "empty rows or columns dropped before testing"
        table = table[row_ok][:, col_ok]
        row_labels = tuple(lab for lab, ok in zip(row_labels, row_ok, strict=True) if ok)
        col_labels = tuple(lab for lab, ok in zip(col_labels, col_ok, strict=True) if ok)
    base = {
        "method": method,
        "settings": settings,
        "table": table,
        "row_labels": row_labels,
        "col_labels": col_labels,
        "note": note,
    }
    if min(table.shape) < 2:
        return ContingencyTest(**base, message=TABLE_TOO_SMALL.format(shape="x".join(map(str, table.shape))))
    pearson = stats.chi2_contingency(table, correction=False)
    expected = np.asarray(pearson.expected_freq)
    if table.shape == (2, 2):
        yates = stats.chi2_contingency(table, correction=True)
        yates_chisq, yates_p = float(yates.statistic), float(yates.pvalue)
        fisher_p, fisher_method = float(stats.fisher_exact(table).pvalue), "exact"
    else:
        yates_chisq, yates_p = math.nan, math.nan
        fisher_p, fisher_method = _fisher_rxc(table)
    min_expected = float(expected.min())
    use_fisher = min_expected < 5
    return ContingencyTest(
        **base,
        expected=expected,
        min_expected=min_expected,
        test="Fisher's exact test" if use_fisher else "Pearson's chi-square test",
        p=fisher_p if use_fisher else float(pearson.pvalue),
        chisq=float(pearson.statistic),
        df=int(pearson.dof),
        chisq_p=float(pearson.pvalue),
        yates_chisq=yates_chisq,
        yates_p=yates_p,
        fisher_p=fisher_p,
        fisher_method=fisher_method,
    )
