"""The numeric heart of the Cox fit: partial log-likelihood, score and information, vectorized with numpy.

The rows are sorted once by (stratum, time descending, censored before deaths). Sums over the rows of one
(stratum, time) block are taken with ``np.add.reduceat``; the risk set of a death time is then a cumulative
sum over blocks that restarts at each stratum. Tied deaths are handled per block with the Efron (or Breslow)
correction, written as a handful of per-block scalars so that nothing loops over rows in Python. The
per-block contributions are kept available because R's ``cox.zph`` score test weights them by a function of
time.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

__all__: list[str] = []

# Row-wise products of covariate pairs are formed this many pairs at a time, which bounds the scratch memory
# at (rows x _PAIR_BATCH) floats whatever the number of covariates.
_PAIR_BATCH = 8


@dataclass
class Evaluation:
    """Partial log-likelihood, score and information at one coefficient vector."""

    loglik: float
    score: np.ndarray  # (p,)
    info: np.ndarray  # (p, p)
    block_score: np.ndarray | None = None  # (H, p): contribution of each death block
    block_info: np.ndarray | None = None  # (H, q): packed upper triangle, see RiskSets.unpack


def _segment_cumsum(values: np.ndarray, segment_starts: np.ndarray) -> np.ndarray:
    """Cumulative sum along axis 0 that restarts at each index in ``segment_starts`` (first must be 0)."""
    total = np.cumsum(values, axis=0)
    if len(segment_starts) > 1:
        before = total[segment_starts[1:] - 1]
        lengths = np.diff(np.append(segment_starts, len(values)))
        offsets = np.concatenate([np.zeros((1, *values.shape[1:])), before])
        total -= np.repeat(offsets, lengths, axis=0)
    return total


class RiskSets:
    """Sorted data and block structure shared by every evaluation of one model.

    Parameters
    ----------
    time, status : numpy.ndarray
        Follow-up times and 0/1 event indicators, in the caller's row order.
    strata : numpy.ndarray
        Integer stratum codes (0 when unstratified).
    X : numpy.ndarray
        (n, p) covariate matrix, already centered.
    efron : bool
        Efron's correction for tied deaths; Breslow's when False.
    """

    def __init__(self, time: np.ndarray, status: np.ndarray, strata: np.ndarray, X: np.ndarray, efron: bool):
        order = np.lexsort((status, -time, strata))
        self.order = order
        self.n, self.p = X.shape
        self.efron = efron
        t = time[order]
        d = status[order].astype(bool)
        s = strata[order]
        self.time = t
        self.status = d
        self.strata = s
        self.X = np.ascontiguousarray(X[order], dtype=float)

        new_block = np.ones(self.n, dtype=bool)
        new_block[1:] = (s[1:] != s[:-1]) | (t[1:] != t[:-1])
        self.block_starts = np.flatnonzero(new_block)
        block_strata = s[self.block_starts]
        self.block_stratum_starts = np.flatnonzero(np.r_[True, block_strata[1:] != block_strata[:-1]])
        self.stratum_row_starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        self.stratum_row_counts = np.diff(np.append(self.stratum_row_starts, self.n))

        deaths_per_block = np.add.reduceat(d.astype(np.int64), self.block_starts)
        self.death_blocks = np.flatnonzero(deaths_per_block > 0)
        self.n_deaths = deaths_per_block[self.death_blocks]
        self.death_rows = np.flatnonzero(d)
        self.n_events = len(self.death_rows)
        # Death rows are contiguous at the end of each block, so their own reduceat starts are the running count.
        self.death_starts = np.concatenate([[0], np.cumsum(self.n_deaths)[:-1]]).astype(np.int64)
        self.death_block_time = t[self.block_starts[self.death_blocks]]
        self.death_block_stratum = s[self.block_starts[self.death_blocks]]
        if self.n_events:
            self.death_x_sum = np.add.reduceat(self.X[self.death_rows], self.death_starts, axis=0)
            rep = np.repeat(np.arange(len(self.death_blocks)), self.n_deaths)
            self.entry_block = rep
            if efron:
                k = np.arange(self.n_events) - self.death_starts[rep]
                self.entry_frac = k / self.n_deaths[rep]
            else:
                self.entry_frac = np.zeros(self.n_events)
        iu, ju = np.triu_indices(self.p)
        self.pairs = (iu, ju)

    def subset(self, keep: list[int]) -> RiskSets:
        """The same rows and blocks with only the covariate columns in ``keep`` (no re-sorting)."""
        other = copy.copy(self)
        other.X = np.ascontiguousarray(self.X[:, keep])
        other.p = len(keep)
        if self.n_events:
            other.death_x_sum = self.death_x_sum[:, keep]
        other.pairs = np.triu_indices(other.p)
        return other

    def _pair_sums(self, wx: np.ndarray, rows: np.ndarray | None, starts: np.ndarray) -> np.ndarray:
        """Block sums of w * x_i * x_j for the packed upper-triangle pairs: (blocks, q)."""
        iu, ju = self.pairs
        X = self.X if rows is None else self.X[rows]
        out = np.empty((len(starts), len(iu)))
        for lo in range(0, len(iu), _PAIR_BATCH):
            hi = min(lo + _PAIR_BATCH, len(iu))
            prod = wx[:, iu[lo:hi]] * X[:, ju[lo:hi]]
            out[:, lo:hi] = np.add.reduceat(prod, starts, axis=0)
        return out

    def unpack(self, packed: np.ndarray) -> np.ndarray:
        """(..., q) packed upper triangle -> (..., p, p) symmetric."""
        iu, ju = self.pairs
        full = np.zeros((*packed.shape[:-1], self.p, self.p))
        full[..., iu, ju] = packed
        full[..., ju, iu] = packed
        return full

    def linear_predictor(self, beta: np.ndarray) -> np.ndarray:
        """X beta in sorted row order (X is centered, so this is R's ``linear.predictors``)."""
        return self.X @ beta

    def evaluate(self, beta: np.ndarray, *, per_block: bool = False) -> Evaluation:
        """Partial log-likelihood, score vector and information matrix at ``beta``."""
        p = self.p
        if self.n_events == 0:
            return Evaluation(0.0, np.zeros(p), np.zeros((p, p)))
        eta = self.X @ beta
        # Shifting eta by a constant within a stratum leaves every term of the likelihood unchanged and keeps
        # exp() away from overflow.
        shift = np.maximum.reduceat(eta, self.stratum_row_starts)
        eta_shifted = eta - np.repeat(shift, self.stratum_row_counts)
        w = np.exp(eta_shifted)
        wx = w[:, None] * self.X

        starts = self.block_starts
        block_w = np.add.reduceat(w, starts)
        block_wx = np.add.reduceat(wx, starts, axis=0)
        block_wxx = self._pair_sums(wx, None, starts)
        seg = self.block_stratum_starts
        db = self.death_blocks
        risk_w = _segment_cumsum(block_w, seg)[db]
        risk_wx = _segment_cumsum(block_wx, seg)[db]
        risk_wxx = _segment_cumsum(block_wxx, seg)[db]

        rows = self.death_rows
        dstarts = self.death_starts
        dead_w = np.add.reduceat(w[rows], dstarts)
        dead_wx = np.add.reduceat(wx[rows], dstarts, axis=0)
        dead_wxx = self._pair_sums(wx[rows], rows, dstarts)

        rep = self.entry_block
        f = self.entry_frac
        denom = risk_w[rep] - f * dead_w[rep]
        inv = 1.0 / denom
        s1 = np.add.reduceat(inv, dstarts)
        s2 = np.add.reduceat(f * inv, dstarts)
        inv2 = inv * inv
        s3 = np.add.reduceat(inv2, dstarts)
        s4 = np.add.reduceat(f * inv2, dstarts)
        s5 = np.add.reduceat(f * f * inv2, dstarts)
        loglik = float(eta_shifted[rows].sum() - np.log(denom).sum())

        block_score = self.death_x_sum - (risk_wx * s1[:, None] - dead_wx * s2[:, None])
        iu, ju = self.pairs
        block_info = (
            risk_wxx * s1[:, None]
            - dead_wxx * s2[:, None]
            - risk_wx[:, iu] * risk_wx[:, ju] * s3[:, None]
            + (risk_wx[:, iu] * dead_wx[:, ju] + dead_wx[:, iu] * risk_wx[:, ju]) * s4[:, None]
            - dead_wx[:, iu] * dead_wx[:, ju] * s5[:, None]
        )
        score = block_score.sum(axis=0)
        info = self.unpack(block_info.sum(axis=0))
        if per_block:
            return Evaluation(loglik, score, info, block_score, block_info)
        return Evaluation(loglik, score, info)
