"""Cox proportional hazards regression with the numbers of R's ``survival::coxph``."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.core._checks import check_columns, check_durations, check_event_codes
from analytics.core.cox._concordance import concordance as _concordance
from analytics.core.cox._design import build_design
from analytics.core.cox._engine import Evaluation, RiskSets
from analytics.core.cox._newton import TOLER_CHOL, newton, singular_columns
from analytics.core.cox.result import CoxResult, Model
from analytics.core.cox.zph import BAD_TRANSFORM, TRANSFORMS, cox_zph
from analytics.core.exceptions import AnalysisInputError, ConvergenceWarning, DegenerateDataWarning
from analytics.core.km import _timefix  # R's timefix, shared with KM and log-rank

__all__ = [
    "BAD_CONF_LEVEL",
    "BAD_TIES",
    "COLLINEAR",
    "INFINITE_COEF",
    "NOT_CONVERGED",
    "NO_COVARIATES",
    "NO_EVENTS",
    "NO_INFORMATION",
    "NO_ROWS",
    "NO_VARIANCE",
    "NO_VARIANCE_IN_STRATA",
    "SINGULAR",
    "CoxResult",
    "cox_ph",
]

BAD_TIES = "ties must be 'efron' or 'breslow'; got {ties!r}"
BAD_CONF_LEVEL = "conf_level must be between 0 and 1; got {value!r}"
NO_ROWS = "no rows left to analyse ({dropped} dropped for missing values)"
NO_EVENTS = "no events among the {n} rows analysed: the Cox model cannot be estimated"
NO_COVARIATES = "no covariate columns left to fit"
NO_VARIANCE = "covariate {column!r} has no variance; its coefficient is not estimable (NaN, R gives NA)"
NO_VARIANCE_IN_STRATA = (
    "covariate {column!r} does not vary within strata; its coefficient is not estimable (NaN, R gives NA)"
)
NO_INFORMATION = (
    "covariate {column!r} does not vary within any risk set at an event time; its coefficient is not estimable "
    "(NaN, R gives NA)"
)
COLLINEAR = "covariate {column!r} is collinear with the others; its coefficient is not estimable (NaN, R gives NA)"
INFINITE_COEF = (
    "Loglik converged before variable(s) {columns}; coefficient may be infinite "
    "(R's warning: perfect separation or a group without events)"
)
NOT_CONVERGED = "ran out of iterations ({max_iter}) and did not converge"
SINGULAR = "the information matrix is singular: the model cannot be estimated"


def _method(ties: str, strata: list[str]) -> str:
    text = f"Cox proportional hazards, {ties.capitalize()} ties"
    if strata:
        text += ", stratified by " + " x ".join(strata)
    return text + "; Wald/LR/score tests; Harrell's concordance; PH test as R's cox.zph"


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _strata_codes(sub: pd.DataFrame, strata: list[str]) -> np.ndarray:
    if not strata:
        return np.zeros(len(sub), dtype=np.int64)
    if len(strata) == 1:
        return pd.factorize(sub[strata[0]], sort=True)[0].astype(np.int64)
    return sub.groupby(strata, sort=True, observed=True).ngroup().to_numpy().astype(np.int64)


def _classify_singular(X: np.ndarray, strata: np.ndarray, scaled_info: np.ndarray, column: int) -> str:
    """Say why R's Cholesky would drop this column: no variance at all, none within strata, none where the
    events are, or a linear combination of the other columns (``scaled_info`` as R scales it at beta = 0)."""
    x = X[:, column]
    if np.all(x == x[0]):
        return NO_VARIANCE
    order = np.lexsort((x, strata))
    xs, ss = x[order], strata[order]
    if not ((ss[1:] == ss[:-1]) & (xs[1:] != xs[:-1])).any():
        return NO_VARIANCE_IN_STRATA
    largest = np.abs(np.diag(scaled_info)).max()
    if scaled_info[column, column] <= TOLER_CHOL * (largest if largest > 0 else 1.0):
        return NO_INFORMATION
    return COLLINEAR


def cox_ph(
    df: pd.DataFrame,
    *,
    time: str,
    event: str,
    covariates: str | Sequence[str],
    ties: str = "efron",
    strata: str | Sequence[str] | None = None,
    conf_level: float = 0.95,
    max_iter: int = 20,
    tol: float = 1e-9,
    ph_transform: str = "km",
) -> CoxResult:
    """Fit a Cox proportional hazards model as R's ``coxph(Surv(time, event) ~ covariates + strata(s))``.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per subject.
    time : str
        Column of follow-up times (>= 0).
    event : str
        Column of event indicators: 1 (or True) = event, 0 = censored.
    covariates : str or sequence of str
        Covariate columns. Numeric columns enter as they are; any other column is a factor, dummy-coded
        against its first level in sorted order (category order for a pandas Categorical), with terms named
        column + level as R names them (``riskintermediate``).
    ties : {"efron", "breslow"}
        Handling of tied event times.
    strata : str or sequence of str, optional
        Column(s) defining strata, each with its own baseline hazard (R's ``strata()``).
    conf_level : float
        Level of the hazard-ratio confidence intervals.
    max_iter : int
        Newton-Raphson iterations allowed (R's ``iter.max``).
    tol : float
        Convergence on the relative change of the log partial likelihood (R's ``eps``). After R's stopping
        point the fit takes further Newton steps until the step is negligible.
    ph_transform : str
        Time transform of the proportional-hazards test run on the fit (see :func:`cox_zph`).

    Returns
    -------
    CoxResult
        Rows with a missing value in any named column are dropped first (R's ``na.omit``); ``n_dropped``
        says how many. Degenerate data give a result with ``message`` set rather than an exception.

    Raises
    ------
    AnalysisInputError
        Missing columns, non-numeric or negative times, event codes other than 0/1, bad settings.
    """
    if ties not in ("efron", "breslow"):
        raise AnalysisInputError(BAD_TIES.format(ties=ties))
    if not (0.0 < float(conf_level) < 1.0):
        raise AnalysisInputError(BAD_CONF_LEVEL.format(value=conf_level))
    if ph_transform not in TRANSFORMS:
        raise AnalysisInputError(BAD_TRANSFORM.format(allowed=", ".join(TRANSFORMS), transform=ph_transform))
    covariates = _as_list(covariates)
    strata_cols = _as_list(strata)
    check_columns(df, [time, event, *covariates, *strata_cols])
    used = list(dict.fromkeys([time, event, *covariates, *strata_cols]))
    sub = df[used]
    complete = sub.notna().all(axis=1).to_numpy()
    n_dropped = int((~complete).sum())
    if n_dropped:
        sub = sub.loc[complete]
    settings: dict[str, Any] = {
        "time": time,
        "event": event,
        "covariates": covariates,
        "ties": ties,
        "strata": strata_cols or None,
        "conf_level": conf_level,
        "max_iter": max_iter,
        "tol": tol,
        "missing": "rows with a missing value dropped (R's na.omit)",
        "n_dropped": n_dropped,
        "ph_transform": ph_transform,
    }
    method = _method(ties, strata_cols)
    if len(sub) == 0:
        return _empty(method, settings, NO_ROWS.format(dropped=n_dropped), 0, 0, n_dropped)
    t = _timefix(check_durations(sub[time], time))
    e = check_event_codes(sub[event], (0, 1), event)
    design = build_design(sub, covariates)
    settings["reference_levels"] = design.references
    n, n_events = len(t), int(e.sum())
    if n_events == 0:
        return _empty(method, settings, NO_EVENTS.format(n=n), n, 0, n_dropped)
    if design.X.shape[1] == 0:
        return _empty(method, settings, "; ".join([*design.notes, NO_COVARIATES]), n, n_events, n_dropped)

    strata_codes = _strata_codes(sub, strata_cols)
    X = design.X
    Xc = X - X.mean(axis=0)
    abs_sum = np.abs(Xc).sum(axis=0)
    scale = np.where(abs_sum > 0, n / np.where(abs_sum > 0, abs_sum, 1.0), 1.0)
    rs_all = RiskSets(t, e, strata_codes, Xc, efron=(ties == "efron"))
    notes = list(design.notes)
    null_all = rs_all.evaluate(np.zeros(X.shape[1]))
    singular = singular_columns(null_all.info, scale)
    scaled_info = null_all.info * np.outer(scale, scale)
    for j in singular:
        notes.append(_classify_singular(X, strata_codes, scaled_info, j).format(column=design.columns[j]))
    if notes:
        warnings.warn("; ".join(notes), DegenerateDataWarning, stacklevel=2)
    keep = [j for j in range(X.shape[1]) if j not in set(singular)]
    if not keep:
        return _empty(method, settings, "; ".join([*notes, NO_COVARIATES]), n, n_events, n_dropped)
    if singular:
        # At beta = 0 the likelihood does not involve X, so the null fit of the kept columns is a sub-block.
        rs = rs_all.subset(keep)
        null = Evaluation(null_all.loglik, null_all.score[keep], null_all.info[np.ix_(keep, keep)])
    else:
        rs, null = rs_all, null_all

    outcome = newton(rs, max_iter=max_iter, eps=tol, null=null)
    if outcome.failure:
        return _empty(method, settings, "; ".join([*notes, SINGULAR]), n, n_events, n_dropped)
    if outcome.infinite:
        notes.append(INFINITE_COEF.format(columns=", ".join(design.columns[keep[i]] for i in outcome.infinite)))
        warnings.warn(notes[-1], ConvergenceWarning, stacklevel=2)
    if not outcome.converged:
        notes.append(NOT_CONVERGED.format(max_iter=max_iter))
        warnings.warn(notes[-1], ConvergenceWarning, stacklevel=2)

    beta = outcome.beta
    final = outcome.final
    try:
        var = np.linalg.inv(final.info)
    except np.linalg.LinAlgError:
        return _empty(method, settings, "; ".join([*notes, SINGULAR]), n, n_events, n_dropped)
    se_kept = np.sqrt(np.diag(var))
    k = len(keep)
    p_all = X.shape[1]
    coef = np.full(p_all, np.nan)
    se = np.full(p_all, np.nan)
    coef[keep] = beta
    se[keep] = se_kept
    zval = coef / se
    pval = 2.0 * stats.norm.sf(np.abs(zval))
    zcrit = stats.norm.ppf(0.5 + conf_level / 2.0)
    wald = float(beta @ final.info @ beta)
    lr = 2.0 * (final.loglik - outcome.null.loglik)
    lp = rs.linear_predictor(beta)
    conc = _concordance(rs.time, rs.status, rs.strata, lp, presorted=True)

    kept_assign: dict[str, list[int]] = {}
    position = {j: i for i, j in enumerate(keep)}
    for term, cols in design.assign.items():
        kept = [position[c] for c in cols if c in position]
        if kept:
            kept_assign[term] = kept
    with np.errstate(over="ignore"):  # an infinite coefficient (separation) gives an infinite HR, as in R
        hr = np.exp(coef)
        hr_lower = np.exp(coef - zcrit * se)
        hr_upper = np.exp(coef + zcrit * se)
    model = Model(rs, beta, final, [design.columns[j] for j in keep], kept_assign)
    result = CoxResult(
        method=method,
        settings=settings,
        message="; ".join(notes) or None,
        terms=tuple(design.columns),
        coef=tuple(coef.tolist()),
        se=tuple(se.tolist()),
        hr=tuple(hr.tolist()),
        hr_lower=tuple(hr_lower.tolist()),
        hr_upper=tuple(hr_upper.tolist()),
        z=tuple(zval.tolist()),
        p=tuple(pval.tolist()),
        var=tuple(tuple(row) for row in var.tolist()),
        n=n,
        n_events=n_events,
        n_dropped=n_dropped,
        loglik=(outcome.null.loglik, final.loglik),
        lr_chisq=lr,
        lr_df=k,
        lr_p=float(stats.chi2.sf(lr, k)),
        wald_chisq=wald,
        wald_df=k,
        wald_p=float(stats.chi2.sf(wald, k)),
        score_chisq=outcome.score_test,
        score_df=k,
        score_p=float(stats.chi2.sf(outcome.score_test, k)),
        concordance=conc.concordance,
        concordance_se=conc.std,
        concordance_counts={
            "concordant": conc.concordant,
            "discordant": conc.discordant,
            "tied_x": conc.tied_x,
            "tied_y": conc.tied_y,
            "tied_xy": conc.tied_xy,
        },
        iterations=outcome.iterations,
        converged=outcome.converged,
        _model=model,
    )
    return dataclasses.replace(result, ph_test=cox_zph(result, transform=ph_transform, terms=True))


def _empty(method: str, settings: dict[str, Any], message: str, n: int, n_events: int, n_dropped: int) -> CoxResult:
    warnings.warn(message, DegenerateDataWarning, stacklevel=3)
    return CoxResult(method=method, settings=settings, message=message, n=n, n_events=n_events, n_dropped=n_dropped)
