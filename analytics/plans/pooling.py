"""Per-center estimates of an analysis' effect, and their pooling across centers with heterogeneity.

``center_estimates`` makes one estimate per center from the analysis frame (``analytics.plans.result``):

- proportions with two groups: the log odds ratio of the outcome, first group against second, with Woolf's
  standard error (Haldane's +0.5 in every cell of a table with a zero cell), ``analytics.core.tables``;
- Cox: the exposure's log hazard ratio from a Cox model fitted in the center alone, with the analysis'
  covariates and no strata (the first group against the reference, the last group; with more than two groups
  that comparison only, as the method's note says).

A center where the estimate cannot be made (one group without cases, no events, a group without events in a
Cox model, a coefficient the model cannot estimate) keeps its counts and says why in ``message``.

``pool`` pools the estimates with ``analytics.core.meta.pool_log_estimates`` (inverse-variance fixed effect
and DerSimonian-Laird random effects on the log scale, CIs back-transformed, Cochran's Q and I²). No Django here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from analytics.core.meta import pool_log_estimates
from analytics.core.results import to_jsonable
from analytics.core.tables.odds import odds_ratio
from analytics.plans.methods.cox_data import (
    EXPOSURE_COLUMN,
    CoxData,
    cox_data,
    fit_cox,
    group_order,
)
from analytics.plans.result import CenterEstimate, Effect
from analytics.plans.spec import Analysis
from analytics.plans.words import gettext_noop

__all__ = [
    "CENTER_GROUP_EMPTY",
    "CENTER_NOT_ESTIMABLE",
    "CENTER_NO_EVENTS",
    "GROUP_NO_EVENTS",
    "KINDS",
    "NEEDS_TWO_GROUPS",
    "NO_EXPOSURE",
    "center_estimates",
    "pool",
]

CONF_LEVEL = 0.95
KINDS = {"odds_ratio": "odds ratio", "hazard_ratio": "hazard ratio"}
NEEDS_TWO_GROUPS = gettext_noop("pooling proportions needs an exposure with exactly two groups")
NO_EXPOSURE = gettext_noop("pooling a Cox model needs an exposure: there is no hazard ratio of groups to pool")
CENTER_GROUP_EMPTY = gettext_noop("no cases in group {label!r} in this center")
CENTER_NO_EVENTS = gettext_noop("no events in this center")
GROUP_NO_EVENTS = gettext_noop("no events in group {label!r} in this center: the hazard ratio would be 0 or infinite")
CENTER_NOT_ESTIMABLE = gettext_noop("the hazard ratio of {comparison} cannot be estimated in this center: {reason}")
BAD_KIND = "pool() takes kind 'odds_ratio' or 'hazard_ratio'; got {kind!r}"


def _odds_ratio_estimates(frame: pd.DataFrame, analysis: Analysis) -> list[CenterEstimate]:
    groups = group_order(frame, analysis)
    if analysis.exposure is None or len(groups) != 2:
        raise ValueError(NEEDS_TWO_GROUPS)
    first, second = groups
    rows = frame.loc[frame["group"].astype(object).isin(groups) & frame["outcome"].notna()]
    out = []
    comparison = f"{first} vs {second}"
    for center in sorted(rows["center"].astype(str).unique()):
        mine = rows.loc[rows["center"].astype(str) == center]
        outcome = mine["outcome"].astype(int)
        label = mine["group"].astype(str)
        n, events = len(mine), int(outcome.sum())
        empty = [g for g in groups if not (label == g).any()]
        if empty:
            out.append(CenterEstimate(center, n, events, message=CENTER_GROUP_EMPTY.format(label=empty[0])))
            continue
        table = [
            [int(((label == g) & (outcome == 1)).sum()), int(((label == g) & (outcome == 0)).sum())] for g in groups
        ]
        res = odds_ratio(table, conf_level=CONF_LEVEL)
        effect = Effect(
            kind="odds_ratio",
            estimate=res.odds_ratio,
            lower=res.lower,
            upper=res.upper,
            p=None,
            method=res.method,
            comparison=comparison,
            conf_level=CONF_LEVEL,
        )
        out.append(CenterEstimate(center, n, events, effect=effect, log_estimate=res.log_odds_ratio, se=res.se))
    return out


def _cox_center(center: str, data: CoxData, groups: list[str]) -> CenterEstimate:
    frame = data.data
    n, events = len(frame), int(frame["event"].sum())
    first, reference = groups[0], groups[-1]
    comparison = f"{first} vs {reference}"
    exposure = frame[EXPOSURE_COLUMN].astype(object) if EXPOSURE_COLUMN in frame else pd.Series(dtype=object)
    for g in (first, reference):
        if not (exposure == g).any():
            return CenterEstimate(center, n, events, message=CENTER_GROUP_EMPTY.format(label=g))
    if events == 0:
        return CenterEstimate(center, n, events, message=CENTER_NO_EVENTS)
    for g in (first, reference):
        if not frame.loc[exposure == g, "event"].any():
            return CenterEstimate(center, n, events, message=GROUP_NO_EVENTS.format(label=g))
    fit = fit_cox(data, stratify=False)
    term = f"{EXPOSURE_COLUMN}{first}"
    i = fit.terms.index(term) if term in fit.terms else None
    if i is None or not (math.isfinite(fit.coef[i]) and math.isfinite(fit.se[i]) and fit.se[i] > 0):
        reason = fit.message or "the model has no estimable term for the exposure"
        message = CENTER_NOT_ESTIMABLE.format(comparison=comparison, reason=reason)
        return CenterEstimate(center, n, events, message=message)
    effect = Effect(
        kind="hazard_ratio",
        estimate=fit.hr[i],
        lower=fit.hr_lower[i],
        upper=fit.hr_upper[i],
        p=fit.p[i],
        method="Cox proportional hazards of the center's cases (Efron ties, no strata); Wald CI and p",
        comparison=comparison,
        conf_level=CONF_LEVEL,
    )
    return CenterEstimate(center, n, events, effect=effect, log_estimate=fit.coef[i], se=fit.se[i])


def _hazard_ratio_estimates(frame: pd.DataFrame, analysis: Analysis) -> list[CenterEstimate]:
    if analysis.exposure is None:
        raise ValueError(NO_EXPOSURE)
    groups = group_order(frame, analysis)  # the whole frame's order: every center compares the same groups
    out = []
    for center in sorted(frame["center"].astype(str).unique()):
        data = cox_data(frame.loc[frame["center"].astype(str) == center], analysis, groups=groups)
        out.append(_cox_center(center, data, groups))
    return out


def center_estimates(frame: pd.DataFrame, analysis: Analysis) -> list[CenterEstimate]:
    """One estimate per center (sorted by center) of the analysis' effect on the log scale.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame (``center``, ``group``, ``outcome`` or ``time``/``status``, ``cov_<i>``).
    analysis : Analysis
        A proportions analysis with two groups (log odds ratio, first group vs second) or a Cox analysis
        (log hazard ratio of the first group vs the last, from a Cox model of the center alone with the same
        covariates, no strata).

    Returns
    -------
    list of CenterEstimate
        Counts (cases analysed, events), the effect back-transformed with its CI, ``log_estimate`` and ``se``;
        or a ``message`` saying why the center has no estimate.

    Raises
    ------
    ValueError
        Proportions without exactly two groups, a Cox analysis without an exposure, another method.
    """
    if analysis.method == "proportions":
        return _odds_ratio_estimates(frame, analysis)
    if analysis.method == "cox":
        return _hazard_ratio_estimates(frame, analysis)
    raise ValueError(f"per-center pooling applies to proportions and Cox analyses, not to {analysis.method}")


def pool(estimates: list[CenterEstimate], kind: str) -> dict[str, Any]:
    """Pool per-center log estimates: fixed effect and DerSimonian-Laird random effects, Q, I², tau².

    Parameters
    ----------
    estimates : list of CenterEstimate
        From :func:`center_estimates`; centers with a ``message`` are listed as excluded with it.
    kind : {"odds_ratio", "hazard_ratio"}
        What the estimates are.

    Returns
    -------
    dict
        JSON-ready: ``kind``, ``measure``, ``comparison`` (first group vs second), ``method``, ``k`` (centers
        pooled), ``fixed`` and ``random``
        (``log_estimate``, ``se``, ``estimate``, ``lower``, ``upper``, ``z``, ``p``), ``heterogeneity`` (``q``,
        ``df``, ``p``, ``i2`` in percent, ``tau2`` on the log scale), ``centers`` (per center: counts, estimate
        with CI, weights in percent), ``excluded`` (center, reason) and ``message`` (no or one center).
    """
    if kind not in KINDS:
        raise ValueError(BAD_KIND.format(kind=kind))
    measure = KINDS[kind]
    rows = [(e.center, e.log_estimate, e.se, e.message) for e in estimates]
    res = pool_log_estimates(rows, measure=measure, conf_level=CONF_LEVEL)
    counts = {e.center: (e.n, e.n_events) for e in estimates}
    comparison = next((e.effect.comparison for e in estimates if e.effect is not None), "")

    def summary(model: str) -> dict[str, Any]:
        keys = ("log_estimate", "se", "estimate", "lower", "upper", "z", "p")
        return {key: getattr(res, f"{model}_{key}") for key in keys}

    return to_jsonable(
        {
            "kind": kind,
            "measure": measure,
            "comparison": comparison,
            "method": res.method,
            "conf_level": CONF_LEVEL,
            "k": res.k,
            "fixed": summary("fixed"),
            "random": summary("random"),
            "heterogeneity": {"q": res.q, "df": res.q_df, "p": res.q_p, "i2": res.i2, "tau2": res.tau2},
            "centers": [
                {
                    "center": c.center,
                    "n": counts[c.center][0],
                    "n_events": counts[c.center][1],
                    "log_estimate": c.log_estimate,
                    "se": c.se,
                    "estimate": c.estimate,
                    "lower": c.lower,
                    "upper": c.upper,
                    "weight_fixed": c.weight_fixed,
                    "weight_random": c.weight_random,
                }
                for c in res.centers
            ],
            "excluded": [
                {"center": x.center, "n": counts[x.center][0], "n_events": counts[x.center][1], "reason": x.reason}
                for x in res.excluded
            ],
            "message": res.message,
        }
    )
