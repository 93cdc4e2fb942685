"""Harrell's concordance as R's ``coxph`` reports it (``concordancefit(..., reverse = TRUE, timefix = FALSE)``).

A pair is comparable when the shorter time is an event and the other subject is still at risk: a longer time,
or a censored time equal to the event time. Pairs are formed only within a stratum. A comparable pair is
concordant when the subject who failed first has the higher risk score, tied on x when the scores are equal;
concordance = (concordant + tied.x / 2) / (concordant + discordant + tied.x). Pairs of deaths at the same time
(tied.y) are not comparable.

The standard error is R's infinitesimal-jackknife one: each subject's count of concordant, discordant and
tied pairs (in either role) gives its dfbeta for Somers' d, and var(C) = sum(dfbeta^2) / 4.

R walks a balanced binary tree in C. Here the per-subject pair counts are two vectorized "how many values
below v in this range" queries, answered for all subjects at once with a wavelet matrix (one level per bit of
the rank of the score), so the work is O(n log n) numpy operations with no Python loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__: list[str] = []


@dataclass(frozen=True)
class Concordance:
    concordant: float
    discordant: float
    tied_x: float
    tied_y: float
    tied_xy: float
    concordance: float
    std: float


class _WaveletMatrix:
    """Counts, for many ranges at once, the values below and equal to a query value.

    Positions and values are int32 (n < 2**31) and the query loop works in place: the loop is bound by
    memory traffic and random gathers, not arithmetic.
    """

    def __init__(self, values: np.ndarray, bits: int):
        self.bits = bits
        cur = values.astype(np.int32)
        n = len(cur)
        self.zero_prefix: list[np.ndarray] = []
        self.zeros: list[int] = []
        bit = np.empty(n, dtype=np.int32)
        for level in range(bits - 1, -1, -1):
            np.right_shift(cur, level, out=bit)
            np.bitwise_and(bit, 1, out=bit)
            is_one = bit.astype(bool)
            prefix = np.zeros(n + 1, dtype=np.int32)
            np.cumsum(1 - bit, out=prefix[1:])
            self.zero_prefix.append(prefix)
            self.zeros.append(int(prefix[-1]))
            cur = np.concatenate([cur[~is_one], cur[is_one]])

    def less_and_equal(self, start: np.ndarray, end: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each i: (# values < query[i], # values == query[i]) among positions [start[i], end[i])."""
        m = len(query)
        less = np.zeros(m, dtype=np.int32)
        s = start.astype(np.int32)
        e = end.astype(np.int32)
        q = query.astype(np.int32)
        one = np.empty(m, dtype=np.int32)
        zs = np.empty(m, dtype=np.int32)
        ze = np.empty(m, dtype=np.int32)
        tmp = np.empty(m, dtype=np.int32)
        for n_level, level in enumerate(range(self.bits - 1, -1, -1)):
            prefix = self.zero_prefix[n_level]
            np.take(prefix, s, out=zs)
            np.take(prefix, e, out=ze)
            np.right_shift(q, level, out=one)
            np.bitwise_and(one, 1, out=one)
            # Values with a 0 where the query has a 1 are below it: count them, then follow the query's bit.
            np.subtract(ze, zs, out=tmp)
            tmp *= one
            less += tmp
            z = self.zeros[n_level]
            # s <- zs if bit is 0, z + (s - zs) if 1; the same for e.
            s += z
            s -= zs
            s -= zs
            s *= one
            s += zs
            e += z
            e -= ze
            e -= ze
            e *= one
            e += ze
        return less.astype(np.int64), (e - s).astype(np.int64)


def _dense_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """0-based rank among the distinct values (equal values share a rank), and the number of distinct values."""
    order = np.argsort(values)
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank, int(new.sum())


def concordance(
    time: np.ndarray, status: np.ndarray, strata: np.ndarray, score: np.ndarray, *, presorted: bool = False
) -> Concordance:
    """Concordance of ``score`` (higher = earlier failure) with right-censored ``time``; R's coxph value.

    With ``presorted``, the rows are already in (stratum, time descending, censored first) order.
    """
    n = len(time)
    if presorted:
        t, d, s, x = time, status.astype(bool), strata, score
    else:
        order = np.lexsort((status, -time, strata))
        t, d, s, x = time[order], status[order].astype(bool), strata[order], score[order]
    rank, n_levels = _dense_rank(x) if n else (np.zeros(0, dtype=np.int64), 1)

    new_block = np.ones(n, dtype=bool)
    new_block[1:] = (s[1:] != s[:-1]) | (t[1:] != t[:-1])
    block_id = np.cumsum(new_block) - 1
    block_starts = np.flatnonzero(new_block)
    block_ends = np.append(block_starts[1:], n)
    censored_in_block = np.add.reduceat((~d).astype(np.int64), block_starts)
    first_death = (block_starts + censored_in_block)[block_id]  # deaths follow the censored within a block
    new_stratum = np.ones(n, dtype=bool)
    new_stratum[1:] = s[1:] != s[:-1]
    stratum_starts = np.flatnonzero(new_stratum)
    stratum_ends = np.append(stratum_starts[1:], n)
    stratum_id = np.cumsum(new_stratum) - 1
    start_of_stratum = stratum_starts[stratum_id]
    end_of_stratum = stratum_ends[stratum_id]

    bits = max(1, int(n_levels).bit_length())
    # A subject who dies is compared with everyone earlier in this order (longer times, and the censored at
    # its own time); rows are ordered by decreasing time, so that is a prefix of its stratum.
    events = np.flatnonzero(d)
    all_scores = _WaveletMatrix(rank, bits)
    ev_start = start_of_stratum[events]
    ev_end = first_death[events]
    lower, equal = all_scores.less_and_equal(ev_start, ev_end, rank[events])
    at_risk = ev_end - ev_start
    ev_conc = lower  # the earlier failure has the higher score
    ev_tied = equal
    ev_disc = at_risk - lower - equal

    # Each subject, as the one still at risk, against the deaths that come after it in this order: a range of
    # the deaths-only sequence.
    deaths_prefix = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(d, out=deaths_prefix[1:])
    later_start = deaths_prefix[np.where(d, block_ends[block_id], first_death)]
    later_end = deaths_prefix[end_of_stratum]
    n_later_deaths = later_end - later_start
    death_scores = _WaveletMatrix(rank[events], bits)
    lower2, equal2 = death_scores.less_and_equal(later_start, later_end, rank)
    la_disc = lower2  # the death after me has the lower score: discordant
    la_tied = equal2
    la_conc = n_later_deaths - lower2 - equal2

    conc = float(ev_conc.sum())
    disc = float(ev_disc.sum())
    tied_x = float(ev_tied.sum())
    # tied.y and tied.xy: pairs of deaths at the same time (R counts tied.xy apart from tied.y).
    deaths_in_block = np.add.reduceat(d.astype(np.int64), block_starts)
    tied_y_all = float((deaths_in_block * (deaths_in_block - 1) // 2).sum())
    if len(events):
        pair_key = np.sort(block_id[events].astype(np.int64) * n_levels + rank[events])
        run_start = np.flatnonzero(np.r_[True, pair_key[1:] != pair_key[:-1]])
        counts = np.diff(np.append(run_start, len(pair_key)))
        tied_xy = float((counts * (counts - 1) // 2).sum())
    else:
        tied_xy = 0.0
    npair = conc + disc + tied_x
    if npair == 0:
        return Concordance(conc, disc, tied_x, tied_y_all - tied_xy, tied_xy, float("nan"), float("nan"))
    somers = (conc - disc) / npair
    c_i = np.zeros(n)
    d_i = np.zeros(n)
    t_i = np.zeros(n)
    c_i[events] += ev_conc
    d_i[events] += ev_disc
    t_i[events] += ev_tied
    c_i += la_conc
    d_i += la_disc
    t_i += la_tied
    dfbeta = (c_i - d_i) / npair - (somers / npair) * (c_i + d_i + t_i)
    std = float(np.sqrt((dfbeta**2).sum() / 4.0))
    return Concordance(conc, disc, tied_x, tied_y_all - tied_xy, tied_xy, (somers + 1.0) / 2.0, std)
