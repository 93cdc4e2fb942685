"""Fisher's exact test of an r x c table: every table with the observed margins, or a seeded Monte Carlo p."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from scipy.special import gammaln

__all__ = ["FISHER_MAX_TABLES", "FISHER_MONTE_CARLO", "FISHER_SEED"]


FISHER_MAX_TABLES = 2_000_000
FISHER_MONTE_CARLO = 200_000
FISHER_SEED = 20261121


def _fisher_rxc(table: np.ndarray) -> tuple[float, str]:
    """Fisher's exact p for an r x c table by enumerating every table with its margins (vectorized).

    Tables are built one cell at a time as arrays of partial tables, so the loop is over cells, not tables.
    The p sums the probabilities of the tables no more probable than the observed one, with R's relative
    tolerance 1e-7. Beyond ``FISHER_MAX_TABLES`` partial tables a seeded Monte Carlo p is returned instead.
    """
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = int(table.sum())
    nr, nc = table.shape
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(n + 1)
    observed = const - gammaln(table + 1).sum()
    remaining = rows[None, :].astype(np.int64)  # (tables, rows): row totals still to fill
    logp = np.zeros(1)
    for j in range(nc - 1):
        left = np.full(remaining.shape[0], int(cols[j]), dtype=np.int64)
        for i in range(nr):
            capacity_after = remaining[:, i + 1 :].sum(axis=1)
            if i == nr - 1:
                value = left
            else:
                lo = np.maximum(0, left - capacity_after)
                hi = np.minimum(remaining[:, i], left)
                count = hi - lo + 1
                total = int(count.sum())
                if total > FISHER_MAX_TABLES:
                    return _fisher_monte_carlo(table), (
                        f"Monte Carlo ({FISHER_MONTE_CARLO} tables, seed {FISHER_SEED})"
                    )
                parent = np.repeat(np.arange(count.size), count)
                offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
                value = lo[parent] + offset
                remaining, left, logp = remaining[parent], left[parent], logp[parent]
            remaining = remaining.copy()
            remaining[:, i] -= value
            left = left - value
            logp = logp - gammaln(value + 1)
    logp = logp - gammaln(remaining + 1).sum(axis=1) + const  # the last column is what is left
    keep = logp <= observed + math.log1p(1e-7)
    return float(min(1.0, np.exp(logp[keep]).sum())), "exact (all tables with the observed margins)"


def _fisher_monte_carlo(table: np.ndarray) -> float:
    rng = np.random.default_rng(FISHER_SEED)
    res = stats.fisher_exact(table, method=stats.MonteCarloMethod(n_resamples=FISHER_MONTE_CARLO, rng=rng))
    return float(res.pvalue)
