"""Likelihood-ratio test of nested Cox models, as R's ``anova(reduced, full)`` gives it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from analytics.core.cox.result import CoxResult
from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import Result

__all__ = ["NOT_NESTED", "NestedTest", "lr_test_nested"]

NOT_NESTED = "the models are not nested on the same rows ({n_full} vs {n_reduced} rows, {why})"
NO_FIT = "one of the models could not be fitted: {message}"
_NAN = float("nan")


@dataclass(frozen=True)
class NestedTest(Result):
    """``chisq = 2 (loglik_full - loglik_reduced)`` on ``df`` = estimable coefficients added, with its p."""

    chisq: float = _NAN
    df: int = 0
    p: float = _NAN


def _estimable(fit: CoxResult) -> int:
    return sum(1 for c in fit.coef if math.isfinite(c))


def lr_test_nested(full: CoxResult, reduced: CoxResult | None) -> NestedTest:
    """Likelihood-ratio test of the terms ``full`` has and ``reduced`` lacks (R's ``anova(reduced, full)``).

    Parameters
    ----------
    full : CoxResult
        The larger model.
    reduced : CoxResult or None
        The model without the tested terms, fitted on the same rows and strata. ``None`` stands for the model
        with no covariates at all: its log partial likelihood is ``full.loglik[0]`` (every coefficient 0).

    Returns
    -------
    NestedTest
        ``chisq``, ``df`` and the chi-square ``p``; NaN with a ``message`` when a model has no fit.

    Raises
    ------
    AnalysisInputError
        The models were fitted on different numbers of rows or events, or ``reduced`` has more coefficients.
    """
    method = "likelihood-ratio test of nested Cox models (R's anova)"
    if not full.coef:
        return NestedTest(method=method, message=NO_FIT.format(message=full.message))
    if reduced is None:
        ll_reduced, df_reduced = full.loglik[0], 0
    else:
        if (reduced.n, reduced.n_events) != (full.n, full.n_events):
            raise AnalysisInputError(
                NOT_NESTED.format(n_full=full.n, n_reduced=reduced.n, why="different rows or events")
            )
        if not reduced.coef:
            # A reduced model with nothing estimable is the null model of the same rows.
            ll_reduced, df_reduced = full.loglik[0], 0
        else:
            ll_reduced, df_reduced = reduced.loglik[1], _estimable(reduced)
    df = _estimable(full) - df_reduced
    if df <= 0:
        raise AnalysisInputError(NOT_NESTED.format(n_full=full.n, n_reduced=full.n, why="no terms added"))
    chisq = 2.0 * (full.loglik[1] - ll_reduced)
    return NestedTest(method=method, chisq=chisq, df=df, p=float(stats.chi2.sf(chisq, df)))
