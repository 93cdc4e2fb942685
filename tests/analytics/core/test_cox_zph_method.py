"""The proportional-hazards test against its definition, computed death by death with plain loops.

The score test of gamma = 0 in the model with covariates x and x g(t), at (beta_hat, 0): score
sum g(t) (x_i - x_bar(t)) and information blocks sum V, sum g V, sum g^2 V over the deaths, with Breslow or
Efron weights in the risk set of each stratum. The statistic is taken from the whole 2p x 2p matrix here, so the
module's reduced (Schur complement) form is checked against the plain one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.core.cox import cox_ph, cox_zph
from tests.analytics.core.test_cox import small_cohort


def _g(transform: str, time: np.ndarray, status: np.ndarray, t: float) -> float:
    if transform == "identity":
        return t
    if transform == "log":
        return float(np.log(t))
    surv = 1.0  # Kaplan-Meier of all rows, strata pooled, just before t
    for s in np.unique(time[(status == 1) & (time < t)]):
        surv *= 1.0 - np.sum((time == s) & (status == 1)) / np.sum(time >= s)
    return 1.0 - surv


def _death_terms(time, status, strata, x, beta, efron):
    """(t, number of deaths, sum of (x_i - x_bar), sum of V) for every death time of every stratum."""
    out = []
    for s in np.unique(strata):
        for t in np.unique(time[(strata == s) & (status == 1)]):
            risk = (strata == s) & (time >= t)
            dead = risk & (time == t) & (status == 1)
            d = int(dead.sum())
            score = x[dead].sum(axis=0)
            info = np.zeros((x.shape[1], x.shape[1]))
            for k in range(d):
                w = np.exp(x @ beta) * risk
                if efron:
                    w = w - np.exp(x @ beta) * dead * (k / d)
                mean = (w @ x) / w.sum()
                centred = x - mean
                score = score - mean
                info += (centred * w[:, None]).T @ centred / w.sum()
            out.append((t, d, score, info))
    return out


def _by_definition(df, covariates, groups, transform, ties, strata=None):
    fit = cox_ph(df, time="time", event="event", covariates=covariates, ties=ties, strata=strata)
    x = df[covariates].to_numpy(float)
    time, status = df["time"].to_numpy(float), df["event"].to_numpy(int)
    codes = np.zeros(len(df)) if strata is None else pd.factorize(df[strata])[0]
    terms = _death_terms(time, status, codes, x, np.asarray(fit.coef), ties == "efron")
    g = np.array([_g(transform, time, status, t) for t, *_ in terms])
    d = np.array([n for _, n, *_ in terms])
    g = g - np.sum(g * d) / d.sum()
    p = x.shape[1]
    u = np.concatenate([np.zeros(p), sum(gk * sc for gk, (_, _, sc, _) in zip(g, terms, strict=True))])
    blocks = [sum(gk**power * v for gk, (*_, v) in zip(g, terms, strict=True)) for power in (0, 1, 2)]
    imat = np.block([[blocks[0], blocks[1]], [blocks[1].T, blocks[2]]])

    def chisq(cols):
        keep = list(range(p)) + [p + c for c in cols]
        return float(u[keep] @ np.linalg.solve(imat[np.ix_(keep, keep)], u[keep]))

    return fit, [chisq(cols) for cols in groups], chisq(list(range(p)))


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("transform", ["km", "identity", "log"])
@pytest.mark.parametrize("strata", [None, "center"])
def test_the_test_is_the_score_test_of_the_time_varying_model(ties, transform, strata):
    df = small_cohort(11, n=80).assign(x3=lambda d: d["x1"] * d["x2"])
    covariates = ["x1", "x2", "x3"]
    fit, per_term, overall = _by_definition(df, covariates, [[0], [1], [2]], transform, ties, strata)
    got = cox_zph(fit, transform=transform)
    np.testing.assert_allclose([r["chisq"] for r in got.terms], per_term, rtol=1e-8)
    np.testing.assert_allclose(got.global_chisq, overall, rtol=1e-8)
    assert got.global_df == 3
