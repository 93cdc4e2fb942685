"""Variances of the cumulative incidence: the infinitesimal jackknife (as survfit) and the delta method (as cuminc)."""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _ij_variance(
    y: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    total: np.ndarray,
    hazard1: np.ndarray,
    hazard: np.ndarray,
    surv: np.ndarray,
    surv_minus: np.ndarray,
    cif: np.ndarray,
) -> np.ndarray:
    """Infinitesimal-jackknife variance of F1(t), sum over subjects of (dF1(t)/dw_i)^2, by cumulative sums.

    Differentiating the product-integral gives, for subject i,
    ``dF1(t)/dw_i = sum_{v <= t} [a(v) dM1_i(v) - (F1(t) - F1(v)) b(v) dM_i(v)]`` with ``a = S(v-)/Y(v)``,
    ``b = S(v-)/(S(v) Y(v))`` and ``dM`` the subject's counting-process martingale increments. That is
    ``A_i(t) + F1(t) B_i(t)``; every subject still at risk after ``t`` has the same ``A`` and ``B``, and a
    subject whose time ``T_i <= t`` has values fixed at ``T_i``, so the three sums of squares over subjects
    are cumulative sums over the distinct times. Where ``S(v) = 0`` nothing after ``v`` can move, so ``b = 0``.
    """
    a = surv_minus / y
    positive = surv > 0
    b = np.divide(surv_minus, surv * y, out=np.zeros_like(y), where=positive)
    comp_a = np.cumsum(a * hazard1 + cif * b * hazard)  # C(t): compensator part of A for subjects at risk
    comp_b = np.cumsum(b * hazard)  # E(t)
    # Values of A and B fixed at a subject's own time, by the subject's code at that time.
    alpha1 = a + cif * b - comp_a
    alpha2 = cif * b - comp_a
    alpha0 = -comp_a
    beta12 = -b + comp_b
    beta0 = comp_b
    n0 = total - d1 - d2
    saa = np.cumsum(d1 * alpha1**2 + d2 * alpha2**2 + n0 * alpha0**2)
    sab = np.cumsum(d1 * alpha1 * beta12 + d2 * alpha2 * beta12 + n0 * alpha0 * beta0)
    sbb = np.cumsum((d1 + d2) * beta12**2 + n0 * beta0**2)
    remaining = y - total  # still at risk after t
    saa = saa + remaining * comp_a**2
    sab = sab - remaining * comp_a * comp_b
    sbb = sbb + remaining * comp_b**2
    return saa + 2.0 * cif * sab + cif**2 * sbb


def _delta_method_variance(
    y: np.ndarray, d1: np.ndarray, d2: np.ndarray, surv: np.ndarray, surv_minus: np.ndarray, cif: np.ndarray
) -> np.ndarray:
    """Delta-method variance of F1(t), the one ``cmprsk::cuminc`` reports, from cumulative sums over times.

    F1 is a smooth function of the counts ``d1(u)``, ``d2(u)`` at the distinct times, so to first order
    ``Var F1(t) = sum_{u <= t} sum_j (dF1(t)/dd_j(u))^2 Var d_j(u)``. Differentiating the product limit:
    one more event of either cause at ``u`` lowers ``log S(v)``, for every ``v >= u``, by ``S(u-) / (S(u) Y)``,
    which moves ``F1(t) - F1(u)`` by ``-(F1(t) - F1(u)) S(u-) / (S(u) Y)``; a cause-1 event also adds
    ``S(u-) / Y`` at ``u``.
    Each derivative is ``(S(u-) / Y) (alpha_j(u) - F1(t) / S(u))`` with ``alpha_1 = 1 + F1(u) / S(u)`` and
    ``alpha_2 = F1(u) / S(u)``, so the square expands into three running sums and powers of F1(t). ``Var d_j``
    is ``d_j (Y - d_j) / (Y - 1)``, the count's variance allowing for ties. Where ``S(u) = 0`` nothing later
    can move, and the terms in ``1 / S(u)`` are 0.

    cuminc reports this variance at the times with an event of interest and carries it forward between
    them (a competing event alone leaves it as it was); so does this.
    """
    after = np.divide(1.0, surv, out=np.zeros_like(surv), where=surv > 0)
    # Each count's variance times the squared scale S(u-)^2 / Y^2 of its derivatives.
    var1 = surv_minus**2 * _tied_variance(y, d1) / y**2
    var2 = surv_minus**2 * _tied_variance(y, d2) / y**2
    alpha1 = 1.0 + cif * after
    alpha2 = cif * after
    sum_aa = np.cumsum(alpha1**2 * var1 + alpha2**2 * var2)
    sum_ab = np.cumsum(alpha1 * after * var1 + alpha2 * after * var2)
    sum_bb = np.cumsum(after**2 * (var1 + var2))
    full = sum_aa - 2.0 * cif * sum_ab + cif**2 * sum_bb
    last = np.maximum.accumulate(np.where(d1 > 0, np.arange(y.size), -1))
    return np.where(last >= 0, full[np.maximum(last, 0)], 0.0)


def _tied_variance(y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """``d (y - d) / (y - 1)``: the variance of ``d`` events among ``y`` at risk, allowing for ties."""
    return d * np.divide(y - d, y - 1.0, out=np.ones_like(y), where=d > 1)
