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
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.cox import CoxResult, cox_ph, lr_test_nested
from analytics.core.exceptions import ConvergenceWarning, DegenerateDataWarning
from analytics.plans.result import AnalysisResult, Effect
from analytics.plans.spec import Analysis

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
    "fit_cox",
    "group_order",
    "run_cox",
]

TIES = "efron"
CONF_LEVEL = 0.95
EVENTS_PER_TERM = 10
ALL_CASES = "all cases"
EXPOSURE_COLUMN = "exposure"

CAUSE_SPECIFIC = "cause-specific hazard of relapse: deaths without relapse are censored at death"
# The multiplication sign is the message's wording.
EPV_WARNING = "fewer events ({events}) than covariates × 10 ({k} × 10 = {m}): the rule of ten events per variable"  # noqa: RUF001
EXCLUDED_NOT_COMPARED = "not in a compared group"
EXCLUDED_MISSING_OUTCOME = "follow-up time or status missing"
EXCLUDED_MISSING_COVARIATE = "a covariate missing"
TOO_FEW_GROUPS = "fewer than two of the exposure's groups have cases: there is no hazard ratio to estimate"
REFERENCE_EMPTY = "the reference group {label!r} (the last group) has no cases: the hazard ratios cannot be estimated"
GROUP_EMPTY = "group {label!r} has no cases; it is left out of the model"
SINGLE_VALUE = "covariate {label!r} has one value ({value}) among the cases analysed; it is left out"
NO_EXPOSURE_EFFECT = "the hazard ratio of {label!r} vs {reference!r} is not estimable"
NOT_ESTIMABLE = "the Cox model cannot be estimated: {reason}"


@dataclass
class CoxData:
    """The rows a Cox analysis fits, coded, with the names that label its terms."""

    data: pd.DataFrame  # time, event, exposure (Categorical, reference first), center, c<i>_ covariates
    groups: list[str]  # every group of the analysis, in order (the reference last)
    present: list[str]  # the groups with cases, in order
    reference: str | None
    covariates: list[str]  # covariate columns of ``data`` that enter the model
    labels: dict[str, str]  # model-matrix column (as cox_ph names it) -> term label
    term_labels: dict[str, str]  # covariate column -> label, for the PH check's rows
    references: dict[str, str]  # covariate label -> reference level (factors)
    excluded: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    competing: bool = False


def group_order(frame: pd.DataFrame, analysis: Analysis) -> list[str]:
    """The analysis' groups in order: its named groups, else the frame's categories (a Categorical ``group``)
    or its labels sorted. The last one is the reference of the Cox model."""
    if analysis.exposure is None:
        return [ALL_CASES]
    if analysis.groups:
        return [g.label for g in analysis.groups]
    column = frame["group"]
    present = set(column.dropna())
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories if c in present]
    return sorted(str(v) for v in present)


def _is_bool(values: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(values.dtype) or all(isinstance(v, (bool, np.bool_)) for v in values)


def _coerce(values: pd.Series) -> tuple[pd.Series, str]:
    """A covariate's non-missing values as the model takes them, and their kind: bool, numeric or factor."""
    if _is_bool(values):
        return values.astype(bool), "bool"
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float), "numeric"
    if all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return values.astype(float), "numeric"
    # A factor: R's factor() of the values, levels sorted (the first is the reference).
    return values.astype(str).astype(object), "factor"


def _describe_value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return str(value)


def cox_data(
    frame: pd.DataFrame,
    analysis: Analysis,
    covariate_labels: list[str] | None = None,
    *,
    groups: list[str] | None = None,
) -> CoxData:
    """Select and code the rows of a Cox analysis: drop the cases in no compared group, without time or status,
    or missing a covariate (counted in ``excluded``); order the exposure's groups with the reference first for
    the dummy coding; code the covariates. ``groups`` overrides the group order (a center's rows coded as the
    whole frame's). ``message`` says why nothing can be fitted."""
    k = len(analysis.covariates)
    labels_in = list(covariate_labels or [])
    cov_labels = [labels_in[i] if i < len(labels_in) else analysis.covariates[i].describe() for i in range(k)]
    groups = list(groups) if groups is not None else group_order(frame, analysis)
    excluded: dict[str, int] = {}
    rows = frame
    if analysis.exposure is not None:
        compared = rows["group"].notna() & rows["group"].astype(object).isin(groups)
        if (~compared).sum():
            excluded[EXCLUDED_NOT_COMPARED] = int((~compared).sum())
        rows = rows.loc[compared]
    outcome_known = rows["time"].notna() & rows["status"].notna()
    if (~outcome_known).sum():
        excluded[EXCLUDED_MISSING_OUTCOME] = int((~outcome_known).sum())
    rows = rows.loc[outcome_known]
    cov_columns = [f"cov_{i}" for i in range(k)]
    if k:
        complete = rows[cov_columns].notna().all(axis=1)
        if (~complete).sum():
            excluded[EXCLUDED_MISSING_COVARIATE] = int((~complete).sum())
        rows = rows.loc[complete]

    status = rows["status"].astype(int)
    competing = analysis.outcome.kind == "relapse"
    data = pd.DataFrame(
        {
            "time": rows["time"].astype(float).to_numpy(),
            "event": (status == 1).astype(int).to_numpy(),
            "status": status.to_numpy(),
            "center": rows["center"].astype(str).to_numpy(),
        },
        index=rows.index,
    )
    notes: list[str] = []
    message = None
    labels: dict[str, str] = {}
    term_labels: dict[str, str] = {}
    references: dict[str, str] = {}
    covariates: list[str] = []
    reference = None
    if analysis.exposure is not None:
        group_values = rows["group"].astype(str)
        present = [g for g in groups if (group_values == g).any()]
        reference = groups[-1]
        for g in groups[:-1]:
            if g not in present:
                notes.append(GROUP_EMPTY.format(label=g))
        if len(present) < 2:
            message = TOO_FEW_GROUPS
        elif reference not in present:
            message = REFERENCE_EMPTY.format(label=reference)
        order = [reference, *[g for g in present if g != reference]]
        data[EXPOSURE_COLUMN] = pd.Categorical(group_values.to_numpy(), categories=order)
        covariates.append(EXPOSURE_COLUMN)
        term_labels[EXPOSURE_COLUMN] = analysis.exposure.describe()
        for g in order[1:]:
            labels[f"{EXPOSURE_COLUMN}{g}"] = f"{g} vs {reference}"
    else:
        present = [ALL_CASES] if len(rows) else []
    for i, (column, label) in enumerate(zip(cov_columns, cov_labels, strict=True)):
        values, kind = _coerce(rows[column])
        distinct = pd.unique(values)
        if len(distinct) < 2:
            value = _describe_value(distinct[0]) if len(distinct) else ""
            notes.append(SINGLE_VALUE.format(label=label, value=value))
            continue
        name = f"c{i}_"  # the trailing "_" keeps c1_ and c10_ apart in the model's column names
        data[name] = values.to_numpy()
        covariates.append(name)
        term_labels[name] = label
        if kind == "bool":
            labels[f"{name}TRUE"] = f"{label}: yes vs no"
        elif kind == "numeric":
            labels[name] = label
        else:
            levels = sorted(distinct)
            references[label] = levels[0]
            for level in levels[1:]:
                labels[f"{name}{level}"] = f"{label}: {level} vs {levels[0]}"
    if not covariates and message is None:
        message = NOT_ESTIMABLE.format(reason="no term is left to fit")
    return CoxData(
        data=data,
        groups=groups,
        present=present,
        reference=reference,
        covariates=covariates,
        labels=labels,
        term_labels=term_labels,
        references=references,
        excluded=excluded,
        warnings=notes,
        message=message,
        competing=competing,
    )


def fit_cox(data: CoxData, covariates: list[str] | None = None, *, stratify: bool) -> CoxResult:
    """Fit the Cox model of ``data`` (or of a subset of its covariate columns), warnings kept in the result."""
    with warnings.catch_warnings():
        # The result's message carries what these warnings say.
        warnings.simplefilter("ignore", DegenerateDataWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cox_ph(
            data.data,
            time="time",
            event="event",
            covariates=data.covariates if covariates is None else covariates,
            ties=TIES,
            strata="center" if stratify else None,
            conf_level=CONF_LEVEL,
        )


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
