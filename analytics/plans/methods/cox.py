"""A plan's Cox analysis: the hazard of the outcome by the exposure's groups, adjusted for covariates.

Reads the analysis frame of ``analytics.plans.result`` (``time``, ``status``, ``group``, ``center``, ``cov_<i>``)
and fits ``analytics.core.cox.cox_ph`` (Efron ties), as R's ``coxph`` would:

- the exposure's groups are dummy coded against the LAST group of the analysis' group order (the reference), so
  with two groups the hazard ratio is the first group against the second;
- covariates: yes/no -> yes vs no; categorical -> one dummy per level against the first level in sorted order
  (R's ``factor``); numeric -> linear. A covariate with one value among the cases analysed is left out with a
  warning; cases missing any covariate are left out and counted in ``excluded``;
- stratified by center (a baseline hazard per center) when the analysis says so;
- relapse (status 0/1/2, death without relapse competing) is the cause-specific hazard of relapse: deaths
  without relapse are censored at death.

With more than two groups the exposure's p is the likelihood-ratio test of its terms (the model against the one
without them, R's ``anova``). No Django here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analytics.core.cox import CoxResult, lr_test_nested
from analytics.plans.methods.cox_data import (
    CONF_LEVEL,
    EXCLUDED_MISSING_COVARIATE,
    EXCLUDED_MISSING_OUTCOME,
    EXCLUDED_NOT_COMPARED,
    EXPOSURE_COLUMN,
    GROUP_EMPTY,
    NOT_ESTIMABLE,
    REFERENCE_EMPTY,
    SINGLE_VALUE,
    TIES,
    TOO_FEW_GROUPS,
    CoxData,
    cox_data,
    fit_cox,
    group_order,
)
from analytics.plans.result import AnalysisResult, Effect
from analytics.plans.spec import Analysis
from analytics.plans.words import gettext_noop

__all__ = [
    "CAUSE_SPECIFIC",
    "EPV_WARNING",
    "EXCLUDED_MISSING_COVARIATE",
    "EXCLUDED_MISSING_OUTCOME",
    "EXCLUDED_NOT_COMPARED",
    "GROUP_EMPTY",
    "NO_EXPOSURE_EFFECT",
    "REFERENCE_EMPTY",
    "SINGLE_VALUE",
    "TOO_FEW_GROUPS",
    "CoxData",
    "cox_data",
    "exposure_test",
    "fit_cox",
    "group_order",
    "run_cox",
]

EVENTS_PER_TERM = 10

CAUSE_SPECIFIC = gettext_noop("cause-specific hazard of relapse: deaths without relapse are censored at death")
# The multiplication sign is the message's wording.
EPV_WARNING = gettext_noop(
    "fewer events ({events}) than covariates × 10 ({k} × 10 = {m}): the rule of ten events per variable"  # noqa: RUF001
)
NO_EXPOSURE_EFFECT = gettext_noop("the hazard ratio of {label!r} vs {reference!r} is not estimable")


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _method_text(data: CoxData, analysis: Analysis) -> str:
    parts = [f"Cox proportional hazards ({TIES.capitalize()} ties)"]
    if analysis.stratify_center:
        parts.append("stratified by center")
    if data.reference is not None:
        others = [g for g in data.groups if g != data.reference]
        text = f"exposure groups dummy coded against the last group, {data.reference}"
        if len(data.groups) == 2:
            text += f" (the hazard ratio is {others[0]} vs {data.reference})"
        parts.append(text)
    if data.term_labels:
        covs = [label for name, label in data.term_labels.items() if name != EXPOSURE_COLUMN]
        if covs:
            parts.append("adjusted for " + ", ".join(covs))
    parts.append("Wald 95% CIs; likelihood-ratio test of the exposure against the model without it")
    parts.append("proportional hazards checked as R's cox.zph")
    if data.competing:
        parts.append(CAUSE_SPECIFIC)
    return "; ".join(parts)


def _effect_method(data: CoxData, stratify: bool) -> str:
    text = f"Cox hazard ratio ({TIES.capitalize()} ties"
    text += ", stratified by center)" if stratify else ")"
    if data.reference is not None:
        text += f" against {data.reference}, the last group"
    text += "; Wald 95% CI and p"
    if data.competing:
        text += "; " + CAUSE_SPECIFIC
    return text


def _group_rows(data: CoxData) -> list[dict[str, Any]]:
    rows = []
    frame = data.data
    for label in data.groups:
        mine = frame.loc[frame[EXPOSURE_COLUMN].astype(object) == label] if EXPOSURE_COLUMN in frame else frame
        row: dict[str, Any] = {"label": label, "n": len(mine), "events": int(mine["event"].sum())}
        if data.competing:
            row["competing"] = int((mine["status"] == 2).sum())
        row["reference"] = label == data.reference
        rows.append(row)
    return rows


def _terms(fit: CoxResult, data: CoxData) -> list[dict[str, Any]]:
    return [
        {
            "term": data.labels.get(term, term),
            "coef": _finite(coef),
            "se": _finite(se),
            "hr": _finite(hr),
            "lower": _finite(lo),
            "upper": _finite(hi),
            "p": _finite(p),
        }
        for term, coef, se, hr, lo, hi, p in zip(
            fit.terms, fit.coef, fit.se, fit.hr, fit.hr_lower, fit.hr_upper, fit.p, strict=True
        )
    ]


def _ph_rows(fit: CoxResult, data: CoxData) -> list[dict[str, Any]]:
    zph = fit.ph_test
    if zph is None or zph.global_df is None:
        return []
    rows = [
        {"term": data.term_labels.get(r["term"], r["term"]), "chisq": r["chisq"], "df": r["df"], "p": r["p"]}
        for r in zph.terms
    ]
    rows.append({"term": "GLOBAL", "chisq": zph.global_chisq, "df": zph.global_df, "p": zph.global_p})
    return rows


def _model_tests(fit: CoxResult) -> list[dict[str, Any]]:
    return [
        {"name": "likelihood ratio", "statistic": fit.lr_chisq, "df": fit.lr_df, "p": fit.lr_p},
        {"name": "Wald", "statistic": fit.wald_chisq, "df": fit.wald_df, "p": fit.wald_p},
        {"name": "score (log-rank)", "statistic": fit.score_chisq, "df": fit.score_df, "p": fit.score_p},
    ]


def exposure_test(data: CoxData, fit: CoxResult, *, stratify: bool) -> dict[str, Any] | None:
    """The likelihood-ratio test of the exposure's terms: the fit against the model without them."""
    if data.reference is None or not fit.coef:
        return None
    others = [c for c in data.covariates if c != EXPOSURE_COLUMN]
    reduced = fit_cox(data, others, stratify=stratify) if others else None
    test = lr_test_nested(fit, reduced)
    return {
        "name": "likelihood-ratio test of the exposure",
        "statistic": _finite(test.chisq),
        "df": test.df,
        "p": _finite(test.p),
        "chosen": True,
        "why": "the model with the exposure's terms against the same model without them (R's anova)",
    }


def _hazard_ratio_effects(fit: CoxResult, data: CoxData, method: str) -> list[Effect]:
    effects = []
    for term, hr, lo, hi, p in zip(fit.terms, fit.hr, fit.hr_lower, fit.hr_upper, fit.p, strict=True):
        if data.reference is not None and not term.startswith(EXPOSURE_COLUMN):
            continue
        effects.append(
            Effect(
                kind="hazard_ratio",
                estimate=_finite(hr),
                lower=_finite(lo),
                upper=_finite(hi),
                p=_finite(p),
                method=method,
                comparison=data.labels.get(term, term),
                conf_level=CONF_LEVEL,
            )
        )
    return effects


def run_cox(frame: pd.DataFrame, analysis: Analysis, covariate_labels: list[str]) -> AnalysisResult:
    """Run a plan's Cox analysis on its frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame: ``center``, ``group``, ``time`` (days), ``status`` (0/1, or 0/1/2 for relapse),
        ``cov_0`` ... one per covariate of the analysis.
    analysis : Analysis
        The plan's analysis (method "cox").
    covariate_labels : list of str
        The label of each covariate column, in order (``cov_0`` first).

    Returns
    -------
    AnalysisResult
        ``groups`` (n, events; competing deaths for relapse), ``model`` (terms, model tests, PH check, the
        exposure's likelihood-ratio test), ``effects`` (the hazard ratio of each non-reference group against the
        last group, Wald CI and p; then a "p" effect from the likelihood-ratio test of the exposure), ``tests``,
        ``n``, ``n_events``, ``warnings`` (the ten-events-per-term rule, terms left out, fit notes),
        ``excluded``; ``message`` when no model can be fitted.
    """
    data = cox_data(frame, analysis, covariate_labels)
    stratify = bool(analysis.stratify_center)
    method = _method_text(data, analysis)
    result = AnalysisResult(
        key=analysis.key,
        title=analysis.title,
        method=method,
        excluded=dict(data.excluded),
        warnings=list(data.warnings),
        settings={
            "ties": TIES,
            "strata": "center" if stratify else None,
            "reference_group": data.reference,
            "cause_specific": data.competing,
            "conf_level": CONF_LEVEL,
        },
    )
    result.groups = _group_rows(data)
    result.n = len(data.data)
    result.n_events = int(data.data["event"].sum())
    if data.message is not None:
        result.message = data.message
        return result
    fit = fit_cox(data, stratify=stratify)
    result.n, result.n_events = fit.n, fit.n_events
    if not fit.coef:
        result.message = NOT_ESTIMABLE.format(reason=fit.message)
        return result
    if fit.message:
        result.warnings.append(fit.message)
    k = len(fit.terms)
    if fit.n_events < EVENTS_PER_TERM * k:
        result.warnings.append(EPV_WARNING.format(events=fit.n_events, k=k, m=EVENTS_PER_TERM * k))
    test = exposure_test(data, fit, stratify=stratify)
    result.model = {
        "terms": _terms(fit, data),
        "model_tests": _model_tests(fit),
        "ph_check": _ph_rows(fit, data),
        "exposure_test": test,
        "reference_group": data.reference,
        "covariate_references": data.references,
        "strata": "center" if stratify else None,
        "concordance": _finite(fit.concordance),
        "method": fit.method,
    }
    result.effects = _hazard_ratio_effects(fit, data, _effect_method(data, stratify))
    for effect in result.effects:
        if effect.estimate is None:
            result.warnings.append(
                NO_EXPOSURE_EFFECT.format(label=effect.comparison.split(" vs ")[0], reference=data.reference)
            )
    if test is not None:
        result.tests = [test]
        result.effects.append(
            Effect(
                kind="p",
                estimate=None,
                lower=None,
                upper=None,
                p=test["p"],
                method="likelihood-ratio test of the exposure's terms (the model without them as the null)",
                comparison=" vs ".join(data.present),
                conf_level=CONF_LEVEL,
            )
        )
    return result
