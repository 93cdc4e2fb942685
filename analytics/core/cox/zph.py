"""The proportional-hazards test of R's ``cox.zph`` as computed since survival 3.0.

For a time transform g (centred on its mean over the events), the test asks whether adding the covariates
multiplied by g(t) improves the fit: it is the score test, at (beta_hat, 0), of the model with 2p coefficients
``x * beta + x * g(t) * gamma``. Its score is sum_deaths g(t) (x_i - xbar(t)) and its 2p x 2p information
matrix has blocks sum V(t), sum g(t) V(t), sum g(t)^2 V(t), with V(t) the (Efron or Breslow) covariance of x
in the risk set (survival's zph1.c). The test of a term uses the full first block and the term's own columns
of the second; the global test uses all of them. This is not the older approximation (Grambsch and
Therneau's one-step formula with the average variance) that lifelines' ``check_assumptions`` and survival
before 3.0 use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from analytics.core.cox.fit import CoxResult
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result, to_jsonable

__all__ = ["BAD_TRANSFORM", "NO_MODEL", "SINGULAR_ZPH", "ZphResult", "cox_zph"]

TRANSFORMS = ("km", "rank", "identity", "log")
BAD_TRANSFORM = "transform must be one of {allowed}; got {transform!r}"
NO_MODEL = "there is no fitted model to test ({reason})"
SINGULAR_ZPH = "the information matrix of the proportional-hazards test is singular"

_NAN = float("nan")


@dataclass(frozen=True)
class ZphResult(Result):
    """Per-term and global chi-square tests of proportional hazards."""

    transform: str = "km"
    terms: tuple[dict[str, Any], ...] = ()  # each {"term", "chisq", "df", "p"}
    global_chisq: float = _NAN
    global_df: int = 0
    global_p: float = _NAN

    def to_cli_dict(self) -> dict[str, Any]:
        """``{"global": {chisq, df, p}, "terms": [{term, chisq, df, p}, ...]}``, JSON-safe."""
        return to_jsonable(
            {
                "global": {"chisq": self.global_chisq, "df": self.global_df, "p": self.global_p},
                "terms": [dict(row) for row in self.terms],
            }
        )


def _kaplan_meier_left(time: np.ndarray, status: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Pooled Kaplan-Meier S(t-) at each value of ``at`` (R: 1 - c(1, surv)[findInterval(left.open)])."""
    utimes, inverse = np.unique(time, return_inverse=True)
    n_at = np.bincount(inverse, minlength=len(utimes))
    deaths = np.bincount(inverse, weights=status.astype(float), minlength=len(utimes))
    at_risk = n_at[::-1].cumsum()[::-1]
    surv = np.cumprod(1.0 - deaths / at_risk)
    idx = np.searchsorted(utimes, at, side="left")  # number of curve times strictly below
    return np.where(idx > 0, surv[np.maximum(idx - 1, 0)], 1.0)


def _transform(name: str, time: np.ndarray, status: np.ndarray, block_time: np.ndarray) -> np.ndarray:
    if name == "km":
        return 1.0 - _kaplan_meier_left(time, status, block_time)
    if name == "identity":
        return block_time.astype(float)
    if name == "log":
        return np.log(block_time)
    # "rank": R's rank(times) over all rows, average ranks for ties, looked up at each death time.
    utimes, counts = np.unique(time, return_counts=True)
    upper = np.cumsum(counts)
    avg_rank = upper - (counts - 1) / 2.0
    return avg_rank[np.searchsorted(utimes, block_time)]


def _message_result(transform: str, reason: str) -> ZphResult:
    return ZphResult(
        method="Proportional-hazards score test as R's cox.zph (survival >= 3.0)",
        settings={"transform": transform},
        message=reason,
        transform=transform,
    )


def cox_zph(result: CoxResult, transform: str = "km", terms: bool = True) -> ZphResult:
    """Test proportional hazards for a fitted Cox model, as R's ``cox.zph(fit, transform, terms)``.

    Parameters
    ----------
    result : CoxResult
        A fit from :func:`analytics.core.cox.cox_ph`.
    transform : {"km", "rank", "identity", "log"}
        Function of time the covariate effects are tested against: "km" is 1 - KM(t-) of the pooled data
        (R's default), "rank" the rank of the times, "identity" time itself, "log" its logarithm.
    terms : bool
        If True (R's default), the dummy columns of a factor are tested together as one term, named by the
        covariate; if False, every model-matrix column is tested on its own.

    Returns
    -------
    ZphResult
        Chi-square, degrees of freedom and p-value per term and globally. Coefficients that the fit could
        not estimate are left out, as R does.
    """
    if transform not in TRANSFORMS:
        raise AnalysisInputError(BAD_TRANSFORM.format(allowed=", ".join(TRANSFORMS), transform=transform))
    model = result._model
    if model is None:
        return _message_result(transform, NO_MODEL.format(reason=result.message or "no fit"))
    rs = model.rs
    beta = model.beta
    p = rs.p
    ev = rs.evaluate(beta, per_block=True)
    block_time = rs.death_block_time
    tt = _transform(transform, rs.time, rs.status, block_time)
    g = tt - np.sum(tt * rs.n_deaths) / rs.n_events
    u2 = g @ ev.block_score
    i12 = rs.unpack(g @ ev.block_info)
    i22 = rs.unpack((g * g) @ ev.block_info)
    imat = np.block([[ev.info, i12], [i12.T, i22]])
    u = np.concatenate([np.zeros(p), u2])

    groups = model.assign if terms else {name: [i] for i, name in enumerate(model.columns)}
    rows = []
    try:
        for name, cols in groups.items():
            kk = list(range(p)) + [p + c for c in cols]
            uk = u[kk]
            chisq = float(uk @ np.linalg.solve(imat[np.ix_(kk, kk)], uk))
            rows.append({"term": name, "chisq": chisq, "df": len(cols), "p": float(stats.chi2.sf(chisq, len(cols)))})
        global_chisq = float(u @ np.linalg.solve(imat, u))
    except np.linalg.LinAlgError:
        return _message_result(transform, SINGULAR_ZPH)
    return ZphResult(
        method="Proportional-hazards score test as R's cox.zph (survival >= 3.0)",
        settings={"transform": transform, "terms": terms, "ties": result.settings.get("ties")},
        transform=transform,
        terms=tuple(rows),
        global_chisq=global_chisq,
        global_df=p,
        global_p=float(stats.chi2.sf(global_chisq, p)),
    )
