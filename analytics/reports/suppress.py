"""The small-cell rule for center-level counts.

A count from 1 to ``threshold - 1`` in a cell that describes one center is shown as ``"<5"`` (primary
suppression). A count that the reader could then work out from a published total (a row or column margin minus
the cells shown) is hidden too, as ``"suppr."`` (complementary suppression): no protected line may hold exactly
one hidden cell. Zeros are shown (they identify nobody). Pooled, registry-wide counts are not suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .i18n import gettext_noop

__all__ = ["COMPLEMENTARY", "PRIMARY", "RULE_TEXT", "mask_count", "suppress_grid"]

PRIMARY = "<5"
COMPLEMENTARY = "suppr."
RULE_TEXT = gettext_noop(
    'Small cells: in tables that describe single centers, counts from 1 to {k} are shown as "<{t}"; where a '
    "shown total would let a reader work such a count out, one more cell of that row or column is hidden as "
    '"suppr." (complementary suppression), and percentages built on hidden counts are not shown. Zeros and '
    "pooled (registry-wide) counts are shown as they are."
)


def mask_count(n: int, threshold: int = 5) -> int | str:
    """One center-level count: ``"<5"`` when 1 <= n < threshold, else n."""
    return f"<{threshold}" if 0 < n < threshold else int(n)


def _primary(counts: Sequence[Sequence[int]], threshold: int) -> list[list[bool]]:
    return [[0 < int(v) < threshold for v in row] for row in counts]


def _fix_line(values: list[int], hidden: list[bool]) -> int | None:
    """Index of the cell to hide so that the line does not hold exactly one hidden cell (None if fine)."""
    if sum(hidden) != 1:
        return None
    candidates = [i for i, h in enumerate(hidden) if not h]
    if not candidates:
        return None
    positive = [i for i in candidates if values[i] > 0] or candidates
    return min(positive, key=lambda i: (values[i], i))


def suppress_grid(
    counts: Sequence[Sequence[int]],
    *,
    threshold: int = 5,
    protect_rows: bool = True,
    protect_cols: bool = True,
) -> tuple[list[list[int | str]], list[bool], list[bool]]:
    """Apply the small-cell rule to a grid of center-level counts whose row/column totals are published.

    Parameters
    ----------
    counts : sequence of sequences of int
        The grid (rows x columns).
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden.
    protect_rows, protect_cols : bool
        Whether the row (column) totals are shown somewhere in the report, so that a single hidden cell of a
        row (column) would be revealed by subtraction.

    Returns
    -------
    cells : list of lists
        The grid with hidden cells replaced by ``"<t"`` (primary) or ``"suppr."`` (complementary).
    row_total_hidden, col_total_hidden : list of bool
        True where a line has a single cell and that cell is hidden: the caller must hide that line's total too.
    """
    grid = [[int(v) for v in row] for row in counts]
    hidden = _primary(grid, threshold)
    primary = [list(r) for r in hidden]
    n_rows = len(grid)
    n_cols = len(grid[0]) if grid else 0
    changed = True
    while changed:
        changed = False
        if protect_rows:
            for r in range(n_rows):
                i = _fix_line(grid[r], hidden[r])
                if i is not None:
                    hidden[r][i] = changed = True
        if protect_cols:
            for c in range(n_cols):
                column = [grid[r][c] for r in range(n_rows)]
                i = _fix_line(column, [hidden[r][c] for r in range(n_rows)])
                if i is not None:
                    hidden[i][c] = changed = True
    label = f"<{threshold}"
    cells: list[list[int | str]] = [
        [(label if primary[r][c] else COMPLEMENTARY) if hidden[r][c] else grid[r][c] for c in range(n_cols)]
        for r in range(n_rows)
    ]
    row_total_hidden = [protect_rows and n_cols == 1 and hidden[r][0] for r in range(n_rows)]
    col_total_hidden = [protect_cols and n_rows == 1 and hidden[0][c] for c in range(n_cols)]
    return cells, row_total_hidden, col_total_hidden
