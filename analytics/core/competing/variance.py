"""Variances of the cumulative incidence: survfit's infinitesimal jackknife and cmprsk's delta method."""

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


def _cmprsk_variance(
    y: np.ndarray, d1: np.ndarray, d2: np.ndarray, surv: np.ndarray, surv_minus: np.ndarray, cif: np.ndarray
) -> np.ndarray:
    """The variance of cmprsk's ``cinc`` (Fortran ``src/cincsub.f``), vectorized over distinct times."""
    inv_s = np.divide(1.0, surv, out=np.zeros_like(surv), where=surv > 0)
    corr2 = np.where(d2 > 1, 1.0 - (d2 - 1.0) / np.maximum(y - 1.0, 1.0), 1.0)
    corr1 = np.where(d1 > 1, 1.0 - (d1 - 1.0) / np.maximum(y - 1.0, 1.0), 1.0)
    w2 = np.where((d2 > 0) & (surv > 0), surv_minus**2 * corr2 * d2 / y**2, 0.0)
    w1 = np.where(d1 > 0, surv_minus**2 * corr1 * d1 / y**2, 0.0)
    t4_2 = cif * inv_s
    t4_1 = 1.0 + inv_s * cif
    v1 = np.cumsum(t4_2**2 * w2 + t4_1**2 * w1)
    v2 = np.cumsum(inv_s * t4_2 * w2 + inv_s * t4_1 * w1)
    v3 = np.cumsum(inv_s**2 * w2 + inv_s**2 * w1)
    candidate = v1 + cif**2 * v3 - 2.0 * cif * v2
    # cinc records the variance only at times with an event of interest; it is carried forward otherwise.
    last = np.maximum.accumulate(np.where(d1 > 0, np.arange(y.size), -1))
    return np.where(last >= 0, candidate[np.maximum(last, 0)], 0.0)
