"""Newton-Raphson for the Cox partial likelihood, with the stopping rule R's ``coxph`` documents, then polished.

As documented (``?coxph.control``; Therneau & Grambsch 2000, sec. 3.2), R stops when the log-likelihood changes
by less than ``eps`` (1e-9) relative, halving the step whenever the likelihood goes down. We run the same
iteration, so that the iteration count, the step-halving and the "coefficient may be infinite" diagnosis are R's,
and then take further Newton steps until the step itself is negligible: R's stopping point is a few
ulps-of-a-step short of the optimum, ours is at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analytics.core.cox._engine import Evaluation, RiskSets

__all__: list[str] = []

# R's coxph.control(): toler.chol = .Machine$double.eps^0.75; toler.inf = sqrt(eps).
TOLER_CHOL = np.finfo(float).eps ** 0.75
_POLISH_MAX = 10
_POLISH_STEP = 1e-10


@dataclass
class NewtonOutcome:
    beta: np.ndarray
    null: Evaluation
    final: Evaluation
    score_test: float
    iterations: int
    converged: bool
    infinite: list[int] = field(default_factory=list)
    polish_steps: int = 0
    failure: str | None = None


def singular_columns(info: np.ndarray, scale: np.ndarray, toler: float = TOLER_CHOL) -> list[int]:
    """Columns R's cholesky2 would declare singular (coefficient NA) in the scaled information matrix."""
    m = info * np.outer(scale, scale)
    n = len(m)
    diag = np.diag(m)
    eps = diag.max() * toler if n and diag.max() > 0 else toler
    m = m.copy()
    singular = []
    for i in range(n):
        pivot = m[i, i]
        if not np.isfinite(pivot) or pivot < eps:
            singular.append(i)
            m[i, i] = 0.0
            continue
        for j in range(i + 1, n):
            temp = m[j, i] / pivot
            m[j, i] = temp
            m[j, j] -= temp * temp * pivot
            for k in range(j + 1, n):
                m[k, j] -= temp * m[k, i]
    return singular


def _finite(ev: Evaluation) -> bool:
    return bool(np.isfinite(ev.loglik) and np.isfinite(ev.score).all() and np.isfinite(ev.info).all())


def _solve(info: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    return np.linalg.solve(info, rhs)


def _converged(best: float, new: float, eps: float) -> bool:
    if new == 0.0:
        return best == 0.0
    return abs(1.0 - best / new) <= eps


def newton(rs: RiskSets, *, max_iter: int, eps: float, null: Evaluation | None = None) -> NewtonOutcome:
    """Maximise the partial likelihood from beta = 0 (R's default ``init``); ``null`` is the evaluation there."""
    p = rs.p
    beta = np.zeros(p)
    if null is None:
        null = rs.evaluate(beta)
    try:
        step = _solve(null.info, null.score)
    except np.linalg.LinAlgError:
        return NewtonOutcome(beta, null, null, float("nan"), 0, False, failure="singular information matrix")
    score_test = float(null.score @ step)
    best = null.loglik
    final = null
    newbeta = beta + step
    halving = 0
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):
        ev = rs.evaluate(newbeta)
        finite = _finite(ev)
        if finite and _converged(best, ev.loglik, eps):
            beta, final, converged = newbeta, ev, True
            break
        if not finite or ev.loglik < best:
            halving += 1
            newbeta = (newbeta + halving * beta) / (halving + 1.0)
        else:
            halving = 0
            best = ev.loglik
            beta, final = newbeta, ev
            try:
                newbeta = beta + _solve(ev.info, ev.score)
            except np.linalg.LinAlgError:
                return NewtonOutcome(
                    beta, null, final, score_test, iterations, False, failure="singular information matrix"
                )
    if not converged:
        final = rs.evaluate(beta) if final is null and max_iter > 0 else final
        return NewtonOutcome(beta, null, final, score_test, iterations, False)

    # R's check for coefficients running off to infinity, done where R does it.
    try:
        var = np.linalg.inv(final.info)
    except np.linalg.LinAlgError:
        return NewtonOutcome(beta, null, final, score_test, iterations, True, failure="singular information matrix")
    infs = np.abs(final.score @ var)
    toler_inf = np.sqrt(eps)
    flagged = ~np.isfinite(final.score) | ((infs > eps) & (infs > toler_inf * np.abs(beta)))
    infinite = [int(i) for i in np.flatnonzero(flagged)]
    if infinite:
        return NewtonOutcome(beta, null, final, score_test, iterations, True, infinite=infinite)

    polish = 0
    for polish in range(1, _POLISH_MAX + 1):  # noqa: B007 - the count is reported
        try:
            step = _solve(final.info, final.score)
        except np.linalg.LinAlgError:
            break
        candidate = beta + step
        ev = rs.evaluate(candidate)
        if not _finite(ev) or ev.loglik < final.loglik - 1e-12 * abs(final.loglik):
            break
        beta, final = candidate, ev
        if np.all(np.abs(step) <= _POLISH_STEP * np.maximum(1.0, np.abs(beta))):
            break
    return NewtonOutcome(beta, null, final, score_test, iterations, True, polish_steps=polish)
