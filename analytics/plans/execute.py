"""Executing a plan on a dataset: population, checks, each analysis by its method, pooling and verdicts.

No Django here: the caller (a run, or ``python -m analytics plan``) builds the Dataset and stores
``PlanResult.to_dict()``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from analytics.core.exceptions import AnalysisInputError
from analytics.core.km import DEFAULT_CONF_TYPE
from analytics.plans.frame import AnalysisFrame, build_frame
from analytics.plans.methods.proportions import run_proportions
from analytics.plans.methods.survival import run_cif, run_km
from analytics.plans.population import Population, select_population
from analytics.plans.result import AnalysisResult, CenterEstimate, PlanResult
from analytics.plans.spec import Analysis, PlanSpec, SpecError, check_spec
from analytics.plans.validate import ERROR, RULE_OF_TEN, WARNING, frame_problems, problem
from analytics.plans.variables import VariableError
from analytics.plans.words import gettext_noop, text
from analytics.schema import Dataset

__all__ = ["FAILED", "NOT_POOLED", "NOT_RUN", "PLAN_NOT_RUNNABLE", "execute_plan", "run_analysis"]

NOT_RUN = gettext_noop("Not run: {reasons}")
PLAN_NOT_RUNNABLE = gettext_noop("Not run: the plan has errors that need no data to find (see the problems).")
_EPV = RULE_OF_TEN.split("(")[0]
NOT_POOLED = gettext_noop("Not pooled across centers: {reason}")
FAILED = gettext_noop("Not run: the data admit no estimate ({reason}).")
POPULATION_ERROR = gettext_noop("Not run: the population cannot be selected ({reason}).")


def run_analysis(analysis: Analysis, af: AnalysisFrame, *, conf_type: str = DEFAULT_CONF_TYPE) -> AnalysisResult:
    """One analysis on its frame, by its method (no checks: ``validate.frame_problems`` runs first)."""
    if analysis.method == "proportions":
        result = run_proportions(af.frame, analysis, af.groups)
    elif analysis.method == "km":
        result = run_km(af.frame, analysis, af.groups, conf_type=conf_type)
    elif analysis.method == "cif":
        result = run_cif(af.frame, analysis, af.groups, conf_type=conf_type)
    else:
        from analytics.plans.methods.cox import run_cox  # the Cox method lives in its own module

        result = run_cox(af.frame, analysis, af.covariate_labels)
    if analysis.pool_centers:
        from analytics.plans.pooling import center_estimates, pool

        try:
            result.per_center = center_estimates(af.frame, analysis)
        except ValueError as exc:  # e.g. three groups, or a Cox model without an exposure: nothing to pool
            result.notes.append(NOT_POOLED.format(reason=exc))
        else:
            kind = "odds_ratio" if analysis.method == "proportions" else "hazard_ratio"
            result.pooled = pool(result.per_center, kind)
    if analysis.claim is not None and not result.per_center:
        # A published claim is read per center as well as on the pool: the same analysis on each center's cases.
        result.per_center = _per_center(analysis, af, conf_type)
    return result


def _per_center(analysis: Analysis, af: AnalysisFrame, conf_type: str) -> list[CenterEstimate]:
    alone = replace(analysis, claim=None, pool_centers=False, stratify_center=False)
    estimates = []
    for center, rows in af.frame.groupby("center", sort=True, observed=True):
        part = replace(af, frame=rows.reset_index(drop=True))
        n, events = part.n, part.n_events
        try:
            result = run_analysis(alone, part, conf_type=conf_type)
        except (AnalysisInputError, ValueError) as exc:
            estimates.append(CenterEstimate(str(center), n, events, None, str(exc)))
            continue
        wanted = analysis.claim.effect if analysis.claim else None
        effect = next((e for e in result.effects if e.kind == wanted), result.effects[0] if result.effects else None)
        estimates.append(CenterEstimate(str(center), n, events, effect, result.message))
    return estimates


def _settings(analysis: Analysis, conf_type: str) -> dict[str, Any]:
    return {
        "outcome": analysis.outcome.describe(),
        "exposure": analysis.exposure.describe() if analysis.exposure else None,
        "groups": [g.as_dict() for g in analysis.groups],
        "covariates": [c.describe() for c in analysis.covariates],
        "stratify_center": analysis.stratify_center,
        "times": list(analysis.times),
        "landmark_days": analysis.landmark_days,
        "pool_centers": analysis.pool_centers,
        "test": analysis.test,
        "ci_method": analysis.ci_method,
        "conf_type": conf_type,
    }


def _joined(sentences: list[str]) -> str:
    """Sentences joined by "; " as one Text that keeps each sentence (each is translated on its own)."""
    if len(sentences) == 1:
        return sentences[0]
    return text("{first}; {rest}", first=sentences[0], rest=_joined(sentences[1:]))


def _one(
    analysis: Analysis, dataset: Dataset, population: Population, conf_type: str
) -> tuple[AnalysisResult, list[dict[str, str]]]:
    base = AnalysisResult(key=analysis.key, title=analysis.title, method=analysis.method)
    base.claim = analysis.claim.as_dict() if analysis.claim else None
    try:
        af = build_frame(analysis, dataset, population.cases)
    except VariableError as exc:
        found = [problem(f"analysis {analysis.key}", str(exc))]
        base.message = NOT_RUN.format(reasons=str(exc))
        base.settings = _settings(analysis, conf_type)
        return base, found
    found = frame_problems(analysis, af, population.n)
    errors = [p["message"] for p in found if p["level"] == ERROR]
    if errors:
        base.message = text(NOT_RUN, reasons=_joined(errors))
        result = base
        result.n, result.n_events = af.n, af.n_events
    else:
        try:
            result = run_analysis(analysis, af, conf_type=conf_type)
        except AnalysisInputError as exc:  # one analysis the core refuses must not stop the plan's others
            result = base
            result.message = FAILED.format(reason=exc)
            result.n, result.n_events = af.n, af.n_events
        else:
            result.claim = base.claim
            if analysis.claim is not None:
                from analytics.plans.verdict import verdict_for

                result.verdict = verdict_for(analysis.claim, result)
    result.settings = {**_settings(analysis, conf_type), **result.settings}
    result.excluded = {**af.excluded, **{k: v for k, v in result.excluded.items() if v}}
    ours = [p["message"] for p in found if p["level"] == WARNING]
    # The Cox method words the rule of ten as validate does; print it once.
    theirs = [
        w
        for w in result.warnings
        if w not in ours and not (w.startswith(_EPV) and any(o.startswith(_EPV) for o in ours))
    ]
    result.warnings = ours + theirs
    result.notes = af.notes + result.notes
    return result, found


def execute_plan(
    spec: PlanSpec, dataset: Dataset, *, plan_meta: dict[str, Any], conf_type: str = DEFAULT_CONF_TYPE
) -> PlanResult:
    """Run every analysis of the plan on the dataset.

    Parameters
    ----------
    spec : PlanSpec
    dataset : Dataset
    plan_meta : dict
        What the caller knows of the plan (``id``, ``version``, ...); name, question and the population's
        description come from ``spec`` unless given.
    conf_type : str
        The run's confidence-interval transform for Kaplan-Meier and cumulative incidence.

    Returns
    -------
    PlanResult
        ``plan`` also holds ``removed`` (each population rule with the cases it removed) and ``n_start``
        (cases before the rules). An analysis with an error-level problem has a ``message`` and no numbers; its
        warnings are in ``warnings``. Every problem is also in ``problems``.
    """
    plan = {
        "name": spec.name,
        "question": spec.question,
        "population": spec.describe_population(),
        # The population's rules as data, so a report words them in the reader's language with the labels.
        "filters": spec.filters.as_dict(),
        "conditions": [c.as_dict() for c in spec.conditions],
        **plan_meta,
    }
    try:
        check_spec(spec)
    except SpecError as exc:
        problems = [problem(where, message) for where, message in exc.problems]
        analyses = [
            AnalysisResult(key=a.key, title=a.title, method=a.method, message=PLAN_NOT_RUNNABLE) for a in spec.analyses
        ]
        return PlanResult(plan=plan, n_population=0, analyses=analyses, problems=problems)
    try:
        population = select_population(spec, dataset)
    except VariableError as exc:
        message = POPULATION_ERROR.format(reason=exc)
        analyses = [AnalysisResult(key=a.key, title=a.title, method=a.method, message=message) for a in spec.analyses]
        return PlanResult(plan=plan, n_population=0, analyses=analyses, problems=[problem("population", str(exc))])
    plan["removed"] = population.removed
    plan["n_start"] = population.n_start
    plan["n_centers"] = int(population.cases["center"].nunique())
    results, problems = [], []
    for analysis in spec.analyses:
        result, found = _one(analysis, dataset, population, conf_type)
        results.append(result)
        problems += found
    return PlanResult(plan=plan, n_population=population.n, analyses=results, problems=problems)
