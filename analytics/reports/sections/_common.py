"""Helpers the section builders share: count grids by center (with the small-cell rule) and n (%) rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from analytics.core.tables import summarize_categorical, summarize_continuous

from ..context import Context, label_of
from ..i18n import core_message, gettext_noop, label, localize_numbers, method_name, number
from ..i18n import gettext as _
from ..suppress import suppress_grid

__all__ = ["categorical_rows", "center_grid_rows", "continuous_row", "crosstab_counts"]

ALL_CENTERS = gettext_noop("All centers")
UNKNOWN_LEVEL = "unknown / not recorded"


def crosstab_counts(rows: pd.Series, cols: pd.Series, row_levels: Sequence[str], col_levels: Sequence[str]) -> list:
    """Counts of (row, column) label pairs as a list of lists in the given level order."""
    tab = pd.crosstab(rows, cols)
    return [[int(tab.at[r, c]) if r in tab.index and c in tab.columns else 0 for c in col_levels] for r in row_levels]


def center_grid_rows(
    ctx: Context,
    row_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    total: bool = True,
    pooled_row: Sequence[int] | None = None,
    own: bool = False,
    rows_are_pooled: bool = False,
) -> list[list[Any]]:
    """Rows of a center-level count table: the small-cell rule applied (unless ``own`` and not asked for).

    ``total`` appends each row's total as a last column. When the rows are centers, that total is itself a
    center-level count and takes part in the rule (a row with one hidden cell gets a second one). When the
    columns are centers (``rows_are_pooled``), the row total is a registry-wide count, shown as it is, and
    protects the row. ``pooled_row`` (registry-wide column totals) is appended unsuppressed; it protects the
    columns, so a column with one hidden cell gets a second one too.
    """
    body = [[int(v) for v in row] for row in counts]
    if not rows_are_pooled:
        body = [row + ([sum(row)] if total else []) for row in body]
    if own and not ctx.settings.suppress_own_center:
        cells: list[list[Any]] = [list(r) for r in body]
    elif body:
        protect_rows = total or rows_are_pooled
        cells, _rows, _cols = suppress_grid(body, threshold=ctx.threshold, protect_rows=protect_rows, protect_cols=True)
    else:
        cells = []
    if rows_are_pooled and total:
        cells = [[*row, sum(int(v) for v in raw)] for row, raw in zip(cells, counts, strict=True)]
    rows = [[label, *row] for label, row in zip(row_labels, cells, strict=True)]
    # With a single center the pooled row would repeat that center's counts and undo the rule.
    if pooled_row is not None and len(rows) > 1:
        rows.append([_(ALL_CENTERS), *[int(v) for v in pooled_row], *([int(sum(pooled_row))] if total else [])])
    return rows


def categorical_rows(
    name: str,
    values: pd.Series,
    *,
    levels: Sequence[str] | None = None,
    as_labels: bool = True,
    column: str = "",
    codes: bool = False,
) -> tuple[list[list[Any]], str]:
    """``[name, level, "n (%)"]`` rows (missing values counted on their own row) and the method.

    The level is the label of the value (``column`` says whose codes they are); with ``codes`` the rows carry
    the codes instead (a caller that matches rows to other counts labels them itself).
    """
    series = label_of(values).replace("unknown", None) if as_labels else values
    res = summarize_categorical(series, levels=list(levels) if levels is not None else None)
    rows: list[list[Any]] = [
        [name, str(level) if codes else label(column, level), localize_numbers(res.text[str(level)])]
        for level in res.levels
    ]
    if res.missing:
        rows.append([name, UNKNOWN_LEVEL if codes else _("unknown / not recorded"), str(res.missing)])
    if not rows:
        rows.append([name, "", core_message(res.message) or _("no values")])
    return rows, method_name(res.method)


def continuous_row(name: str, values: Any) -> tuple[list[Any], str, str]:
    """``[name, presentation, text, n]`` for a continuous variable, the method and why it was presented so."""
    res = summarize_continuous(pd.to_numeric(pd.Series(values), errors="coerce"))
    if res.message:
        return [name, "", core_message(res.message), 0], method_name(res.method), ""
    presentation = method_name(res.presentation)
    why = (
        _("Shapiro-Wilk p = {p}").format(p=number(res.shapiro_p, 3))
        if res.shapiro_p == res.shapiro_p
        else core_message(res.note)
    ) + f": {presentation}"
    return [name, presentation, localize_numbers(res.text), res.n], method_name(res.method), why
