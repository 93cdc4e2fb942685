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

from analytics.core.cox._engine import RiskSets
from analytics.core.cox.result import CoxResult
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
    global_df: int | None = None
    global_p: float = _NAN

    def to_cli_dict(self) -> dict[str, Any]:
        """``{"global": {chisq, df, p}, "terms": [{term, chisq, df, p}, ...]}``, JSON-safe."""
        return to_jsonable(
            {
                "global": {"chisq": self.global_chisq, "df": self.global_df, "p": self.global_p},
                "terms": [dict(row) for row in self.terms],
            }
        )


def _pooled_counts(rs: RiskSets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct times over all strata, ascending, with the number of rows and of deaths at each."""
    block_time = rs.time[rs.block_starts]
    sizes = np.diff(np.append(rs.block_starts, rs.n))
    deaths = np.add.reduceat(rs.status.astype(np.int64), rs.block_starts)
    utimes, inverse = np.unique(block_time, return_inverse=True)
    n_at = np.bincount(inverse, weights=sizes, minlength=len(utimes))
    n_dead = np.bincount(inverse, weights=deaths, minlength=len(utimes))
    return utimes, n_at, n_dead


def _transform(name: str, rs: RiskSets, block_time: np.ndarray) -> np.ndarray:
    """g(t) at each death block's time, before centring."""
    if name == "identity":
        return block_time.astype(float)
    if name == "log":
        return np.log(block_time)
    utimes, n_at, n_dead = _pooled_counts(rs)
    idx = np.searchsorted(utimes, block_time, side="left")  # number of distinct times strictly below
    if name == "km":
        # R: 1 - c(1, surv)[findInterval(times, km$time, left.open = TRUE) + 1], i.e. 1 - S(t-) of the
        # Kaplan-Meier curve of all rows pooled over strata.
        at_risk = n_at[::-1].cumsum()[::-1]
        surv = np.cumprod(1.0 - n_dead / at_risk)
        return 1.0 - np.where(idx > 0, surv[np.maximum(idx - 1, 0)], 1.0)
    # "rank": R's rank(times) over all rows, average ranks for ties.
    upper = np.cumsum(n_at)
    avg_rank = upper - (n_at - 1) / 2.0
    return avg_rank[idx]


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
    ev = model.final if model.final.block_score is not None else rs.evaluate(beta)
    block_time = rs.death_block_time
    tt = _transform(transform, rs, block_time)
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
