"""Test of proportional hazards for a fitted Cox model, giving the numbers R's ``cox.zph`` gives (survival >= 3.0).

The method (Grambsch and Therneau 1994, Biometrika 81:515-526; Therneau and Grambsch 2000, *Modeling Survival
Data*, ch. 6; the ``cox.zph`` help page of the survival package). If the effect of x drifts with time as
beta + gamma g(t), for a chosen function g of time, proportional hazards is the hypothesis gamma = 0. We test it
by a score test in the enlarged model with covariates x and x g(t), evaluated at (beta_hat, gamma = 0) where
beta_hat is the ordinary fit. g is first centred on its mean over the deaths (each death counted once); in exact
arithmetic that changes nothing (a shift of g is absorbed by beta, whose score is 0), but it keeps the blocks
below on one scale. With x_bar(t) and V(t) the weighted mean and covariance of x over the risk set at death
time t (Breslow or Efron weights, as the fit used), the pieces are

- the score for gamma: U = sum over deaths of g(t) (x_i - x_bar(t)); the score for beta is 0 at beta_hat;
- the information, in blocks: I_bb = sum V(t), I_bg = sum g(t) V(t), I_gg = sum g(t)^2 V(t).

For a set c of gamma columns (one term's columns, or all for the global test) the statistic is
U_c' S_c^-1 U_c with S_c = I_gg[c, c] - I_bg[:, c]' I_bb^-1 I_bg[:, c], the information for gamma_c once every
beta is re-estimated (the other gammas stay at 0); it is chi-square on len(c) df.

Survival before 3.0, and lifelines' ``check_assumptions``, use Grambsch and Therneau's one-step approximation
instead: a regression of the scaled Schoenfeld residuals on g(t) that replaces each V(t) by the average variance
I_bb / deaths. It agrees with the score test when V(t) is constant over time; otherwise the numbers differ.
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

_METHOD = "Proportional-hazards score test as R's cox.zph (survival >= 3.0)"
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


def _time_function(name: str, rs: RiskSets, death_times: np.ndarray) -> np.ndarray:
    """g(t) at the given death times, not yet centred.

    "km" and "rank" are computed from every row of the fit with the strata pooled: "km" is one minus the
    Kaplan-Meier survival just before t (its left limit), "rank" the rank of t among all follow-up times, tied
    times sharing their average rank.
    """
    if name == "identity":
        return death_times.astype(float)
    if name == "log":
        return np.log(death_times)
    distinct, which = np.unique(rs.time, return_inverse=True)
    rows_at = np.bincount(which, minlength=len(distinct)).astype(float)
    rows_before = np.cumsum(rows_at) - rows_at
    pos = np.searchsorted(distinct, death_times)
    if name == "rank":
        return rows_before[pos] + (rows_at[pos] + 1.0) / 2.0
    deaths_at = np.bincount(which, weights=rs.status.astype(float), minlength=len(distinct))
    at_risk = rs.n - rows_before
    surv_after = np.cumprod(1.0 - deaths_at / at_risk)
    surv_before = np.concatenate([[1.0], surv_after[:-1]])
    return 1.0 - surv_before[pos]


@dataclass(frozen=True)
class _Expansion:
    """Score for gamma and the information blocks of the enlarged model, at (beta_hat, gamma = 0)."""

    u: np.ndarray  # (p,) score for gamma
    i_bg: np.ndarray  # (p, p) sum g V
    i_gg: np.ndarray  # (p, p) sum g^2 V
    bb_inv_bg: np.ndarray  # (p, p) I_bb^-1 I_bg

    def chisq(self, cols: list[int]) -> float:
        """Score statistic for gamma[cols] = 0, with beta re-estimated and the other gammas held at 0."""
        s = self.i_gg[np.ix_(cols, cols)] - self.i_bg[:, cols].T @ self.bb_inv_bg[:, cols]
        s = (s + s.T) / 2.0
        uc = self.u[cols]
        return float(uc @ np.linalg.solve(s, uc))


def _expand(result: CoxResult, transform: str) -> _Expansion:
    """The enlarged model's score and information from the fit's per-death-time contributions.

    Raises numpy.linalg.LinAlgError when I_bb is singular.
    """
    model = result._model
    rs = model.rs
    at_fit = model.final if model.final.block_score is not None else rs.evaluate(model.beta)
    g = _time_function(transform, rs, rs.death_block_time)
    g = g - np.average(g, weights=rs.n_deaths)
    # Each death time's score row and packed V (already multiplied by its number of deaths) carry the weights.
    i_bg = rs.unpack(g @ at_fit.block_info)
    i_gg = rs.unpack((g * g) @ at_fit.block_info)
    return _Expansion(
        u=g @ at_fit.block_score,
        i_bg=i_bg,
        i_gg=i_gg,
        bb_inv_bg=np.linalg.solve(at_fit.info, i_bg),
    )


def _row(term: str, chisq: float, df: int) -> dict[str, Any]:
    return {"term": term, "chisq": chisq, "df": df, "p": float(stats.chi2.sf(chisq, df))}


def _message_result(transform: str, reason: str) -> ZphResult:
    return ZphResult(method=_METHOD, settings={"transform": transform}, message=reason, transform=transform)


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
    p = model.rs.p
    groups = model.assign if terms else {name: [k] for k, name in enumerate(model.columns)}
    try:
        expansion = _expand(result, transform)
        rows = [_row(name, expansion.chisq(list(cols)), len(cols)) for name, cols in groups.items()]
        overall = _row("GLOBAL", expansion.chisq(list(range(p))), p)
    except np.linalg.LinAlgError:
        return _message_result(transform, SINGULAR_ZPH)
    return ZphResult(
        method=_METHOD,
        settings={"transform": transform, "terms": terms, "ties": result.settings.get("ties")},
        transform=transform,
        terms=tuple(rows),
        global_chisq=overall["chisq"],
        global_df=p,
        global_p=overall["p"],
    )
