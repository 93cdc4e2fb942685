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
import itertools
from dataclasses import dataclass

import numpy as np

__all__: list[str] = []


@dataclass
class Evaluation:
    """Partial log-likelihood, score and information at one coefficient vector."""

    loglik: float
    score: np.ndarray  # (p,)
    info: np.ndarray  # (p, p)
    block_score: np.ndarray | None = None  # (H, p): contribution of each death block
    block_info: np.ndarray | None = None  # (H, q): packed upper triangle, see RiskSets.unpack


def _segment_cumsum(values: np.ndarray, segment_starts: np.ndarray) -> np.ndarray:
    """Cumulative sum along axis 0 that restarts at each index in ``segment_starts`` (first must be 0).

    Each stratum is summed on its own rather than by subtracting running totals: a late, small risk set
    must not inherit the rounding error of every stratum before it.
    """
    out = np.empty_like(values)
    bounds = np.append(segment_starts, len(values))
    for lo, hi in itertools.pairwise(bounds):
        np.cumsum(values[lo:hi], axis=0, out=out[lo:hi])
    return out


def sort_order(time: np.ndarray, status: np.ndarray, strata: np.ndarray) -> np.ndarray:
    """Row order by (stratum, time descending, censored before deaths), ties kept in input order.

    One integer key and one argsort: the key is made unique by appending the row number, so the fast
    unstable sort gives the stable order.
    """
    n = len(time)
    tmin, tmax = (float(time.min()), float(time.max())) if n else (0.0, 0.0)
    if n and tmax - tmin < 2**31 and np.array_equal(time, np.floor(time)):
        time_rank = (tmax - time).astype(np.int64)  # whole days: the time itself orders the rows
        n_times = int(tmax - tmin) + 1
    else:
        order = np.argsort(-time, kind="stable")
        ordered = -time[order]
        new = np.ones(n, dtype=bool)
        new[1:] = ordered[1:] != ordered[:-1]
        time_rank = np.empty(n, dtype=np.int64)
        time_rank[order] = np.cumsum(new) - 1
        n_times = int(new.sum())
    key = (strata.astype(np.int64) * n_times + time_rank) * 2 + status.astype(np.int64)
    if n and int(key.max()) < np.iinfo(np.int64).max // max(n, 1):
        return np.argsort(key * n + np.arange(n), kind="quicksort")
    return np.argsort(key, kind="stable")


class RiskSets:
    """Sorted data and block structure shared by every evaluation of one model.

    Rows are sorted by (stratum, time descending, censored before deaths). A block is the rows of one stratum
    with one time; within a block the deaths come last. Sums are taken over "pieces": the censored part and
    the death part of each block, so that one ``reduceat`` per column gives both the risk-set increments and
    the sums over the tied deaths.

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
        order = sort_order(time, status, strata)
        self.order = order
        self.n, self.p = X.shape
        self.efron = efron
        t = time[order]
        d = status[order].astype(bool)
        s = strata[order]
        self.time = t
        self.status = d
        self.strata = s
        # One contiguous row per covariate: every per-column pass below reads contiguous memory.
        self.XT = np.ascontiguousarray(X[order].T, dtype=float)
        n = self.n

        new_block = np.ones(n, dtype=bool)
        new_block[1:] = (s[1:] != s[:-1]) | (t[1:] != t[:-1])
        block_starts = np.flatnonzero(new_block)
        self.block_starts = block_starts
        block_strata = s[block_starts]
        self.block_stratum_starts = np.flatnonzero(np.r_[True, block_strata[1:] != block_strata[:-1]])
        self.stratum_row_starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        self.stratum_row_counts = np.diff(np.append(self.stratum_row_starts, n))

        deaths_per_block = np.add.reduceat(d.astype(np.int64), block_starts)
        block_sizes = np.diff(np.append(block_starts, n))
        censored_per_block = block_sizes - deaths_per_block
        # Pieces: a block's censored rows, then its deaths; empty pieces are left out (reduceat cannot sum them).
        has_cens = censored_per_block > 0
        has_dead = deaths_per_block > 0
        piece_start = np.stack([block_starts, block_starts + censored_per_block], axis=1)
        piece_keep = np.stack([has_cens, has_dead], axis=1)
        self.piece_starts = piece_start[piece_keep]
        piece_block = np.repeat(np.arange(len(block_starts)), piece_keep.sum(axis=1))
        # reduceat over pieces back to blocks: the first piece of each block.
        self.block_first_piece = np.flatnonzero(np.r_[True, piece_block[1:] != piece_block[:-1]])
        piece_is_dead = np.stack([np.zeros_like(has_cens), has_dead], axis=1)[piece_keep]
        self.death_pieces = np.flatnonzero(piece_is_dead)

        self.death_blocks = np.flatnonzero(has_dead)
        self.n_deaths = deaths_per_block[self.death_blocks]
        self.n_events = int(self.n_deaths.sum())
        self.death_starts = np.concatenate([[0], np.cumsum(self.n_deaths)[:-1]]).astype(np.int64)
        self.death_block_time = t[block_starts[self.death_blocks]]
        self.death_rows = np.flatnonzero(d)
        if self.n_events:
            self.death_x_sum = np.add.reduceat(self.XT, self.piece_starts, axis=1)[:, self.death_pieces].T
            rep = np.repeat(np.arange(len(self.death_blocks)), self.n_deaths)
            self.entry_block = rep
            # Efron: the k-th of d tied deaths (k = 0..d-1) sees the deaths' risk weighted by 1 - k/d.
            self.tied = bool((self.n_deaths > 1).any())
            if efron and self.tied:
                k = np.arange(self.n_events) - self.death_starts[rep]
                self.entry_frac = k / self.n_deaths[rep]
            else:
                self.entry_frac = np.zeros(self.n_events)
        self.pairs = np.triu_indices(self.p)

    @property
    def X(self) -> np.ndarray:
        """(n, p) covariates in sorted row order (a view)."""
        return self.XT.T

    def subset(self, keep: list[int]) -> RiskSets:
        """The same rows and blocks with only the covariate columns in ``keep`` (no re-sorting)."""
        other = copy.copy(self)
        other.XT = np.ascontiguousarray(self.XT[keep])
        other.p = len(keep)
        if self.n_events:
            other.death_x_sum = self.death_x_sum[:, keep]
        other.pairs = np.triu_indices(other.p)
        return other

    def unpack(self, packed: np.ndarray) -> np.ndarray:
        """(..., q) packed upper triangle -> (..., p, p) symmetric."""
        iu, ju = self.pairs
        full = np.zeros((*packed.shape[:-1], self.p, self.p))
        full[..., iu, ju] = packed
        full[..., ju, iu] = packed
        return full

    def linear_predictor(self, beta: np.ndarray) -> np.ndarray:
        """X beta in sorted row order (X is centered, so this is R's ``linear.predictors``).

        Summed column by column with elementwise ufuncs, not BLAS: rows with equal covariates must get
        bit-identical scores, or the concordance would see ties broken by rounding.
        """
        eta = np.zeros(self.n)
        for k in range(self.p):
            eta += beta[k] * self.XT[k]
        return eta

    def _piece_sums(self, w: np.ndarray) -> np.ndarray:
        """Piece sums of w, w x_i and w x_i x_j (packed pairs): (1 + p + q, pieces)."""
        p = self.p
        iu, ju = self.pairs
        starts = self.piece_starts
        out = np.empty((1 + p + len(iu), len(starts)))
        out[0] = np.add.reduceat(w, starts)
        wx = w * self.XT  # (p, n)
        out[1 : 1 + p] = np.add.reduceat(wx, starts, axis=1)
        scratch = np.empty(self.n)
        for k, (i, j) in enumerate(zip(iu, ju, strict=True)):
            np.multiply(wx[i], self.XT[j], out=scratch)
            out[1 + p + k] = np.add.reduceat(scratch, starts)
        return out

    def evaluate(self, beta: np.ndarray) -> Evaluation:
        """Partial log-likelihood, score, information, and each death block's share of the last two."""
        p = self.p
        if self.n_events == 0:
            return Evaluation(0.0, np.zeros(p), np.zeros((p, p)))
        eta = self.linear_predictor(beta)
        # Shifting eta by a constant within a stratum leaves every term of the likelihood unchanged and keeps
        # exp() away from overflow.
        shift = np.maximum.reduceat(eta, self.stratum_row_starts)
        eta -= np.repeat(shift, self.stratum_row_counts)
        w = np.exp(eta)

        pieces = self._piece_sums(w)
        dead = pieces[:, self.death_pieces].T  # (H, 1 + p + q)
        blocks = np.add.reduceat(pieces, self.block_first_piece, axis=1).T  # (blocks, 1 + p + q)
        risk = _segment_cumsum(blocks, self.block_stratum_starts)[self.death_blocks]
        risk_w, risk_wx, risk_wxx = risk[:, 0], risk[:, 1 : 1 + p], risk[:, 1 + p :]
        dead_w, dead_wx, dead_wxx = dead[:, 0], dead[:, 1 : 1 + p], dead[:, 1 + p :]

        dstarts = self.death_starts
        if self.efron and self.tied:
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
            log_denom = float(np.log(denom).sum())
        else:
            # Breslow (or no ties): every death of a block sees the whole risk set.
            d = self.n_deaths
            s1 = d / risk_w
            s3 = d / (risk_w * risk_w)
            s2 = s4 = s5 = np.zeros_like(s1)
            log_denom = float((d * np.log(risk_w)).sum())
        loglik = float(eta[self.death_rows].sum()) - log_denom

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
        return Evaluation(loglik, score, info, block_score, block_info)
