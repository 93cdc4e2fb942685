"""The rows of a plan's Cox analysis, coded for ``analytics.core.cox.cox_ph``, and the fit itself.

Shared by the Cox method (``analytics.plans.methods.cox``) and the per-center pooling
(``analytics.plans.pooling``), so both code the exposure and the covariates the same way: the exposure's groups
against the last group, yes/no covariates as yes vs no, categorical ones against their first level in sorted
order (R's ``factor``), numeric ones linear; cases in no compared group, without time or status, or missing a
covariate are left out and counted. No Django here.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.core.cox import CoxResult, cox_ph
from analytics.core.exceptions import ConvergenceWarning, DegenerateDataWarning
from analytics.plans.spec import Analysis
from analytics.plans.words import gettext_noop

__all__ = [
    "ALL_CASES",
    "EXCLUDED_MISSING_COVARIATE",
    "EXCLUDED_MISSING_OUTCOME",
    "EXCLUDED_NOT_COMPARED",
    "EXPOSURE_COLUMN",
    "GROUP_EMPTY",
    "NOT_ESTIMABLE",
    "REFERENCE_EMPTY",
    "SINGLE_VALUE",
    "TOO_FEW_GROUPS",
    "CoxData",
    "cox_data",
    "fit_cox",
    "group_order",
]

TIES = "efron"
CONF_LEVEL = 0.95
ALL_CASES = gettext_noop("all cases")
EXPOSURE_COLUMN = "exposure"
EXCLUDED_NOT_COMPARED = gettext_noop("not in a compared group")
EXCLUDED_MISSING_OUTCOME = gettext_noop("follow-up time or status missing")
EXCLUDED_MISSING_COVARIATE = gettext_noop("a covariate missing")
TOO_FEW_GROUPS = gettext_noop(
    "fewer than two of the exposure's groups have cases: there is no hazard ratio to estimate"
)
REFERENCE_EMPTY = gettext_noop(
    "the reference group {label!r} (the last group) has no cases: the hazard ratios cannot be estimated"
)
GROUP_EMPTY = gettext_noop("group {label!r} has no cases; it is left out of the model")
SINGLE_VALUE = gettext_noop("covariate {label!r} has one value ({value}) among the cases analysed; it is left out")
NOT_ESTIMABLE = gettext_noop("the Cox model cannot be estimated: {reason}")


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
    """The analysis' groups in order: its named groups, else the frame's categories (a Categorical ``group``,
    as the frame builder makes it, empty categories included) or its labels sorted. The last one is the
    reference of the Cox model. Without an exposure, the one group the frame names (or "all cases")."""
    column = frame["group"] if "group" in frame else pd.Series(dtype=object)
    if analysis.exposure is None:
        labels = column.dropna().astype(str).unique()
        return [labels[0]] if len(labels) == 1 else [ALL_CASES]
    if analysis.groups:
        return [g.label for g in analysis.groups]
    if isinstance(column.dtype, pd.CategoricalDtype):
        return [str(c) for c in column.cat.categories]
    return sorted({str(v) for v in column.dropna()})


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
        present = groups[:1] if len(rows) else []
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
