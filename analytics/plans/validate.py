"""Checks of a plan against the data: what ``spec.check_spec`` cannot know without the cases.

Each problem is ``{"where", "message", "level"}``; level "error" stops that analysis (it is reported with the
message and no numbers), "warning" is printed beside its numbers. No Django here.
"""

from __future__ import annotations

from typing import Any

from analytics.plans.frame import OUTCOME_UNKNOWN, AnalysisFrame, build_frame
from analytics.plans.population import select_population
from analytics.plans.spec import Analysis, PlanSpec, SpecError, check_spec
from analytics.plans.values import level_label
from analytics.plans.variables import VariableError
from analytics.plans.words import gettext_noop
from analytics.plans.words import text as sentence
from analytics.schema import Dataset

__all__ = [
    "ALL_OUTCOMES_UNKNOWN",
    "CONSTANT_COVARIATE",
    "EMPTY_GROUP",
    "ERROR",
    "LEVEL_ABSENT",
    "NO_CASES",
    "NO_EVENTS",
    "NO_POPULATION",
    "ONLY_EVENTS",
    "RULE_OF_TEN",
    "TOO_FEW_GROUPS",
    "WARNING",
    "check_plan",
    "frame_problems",
    "problem",
]

ERROR, WARNING = "error", "warning"

LEVEL_ABSENT = gettext_noop("level {level!r} of {variable}: no case in the population has it")
EMPTY_GROUP = gettext_noop("group {label!r} of {variable}: no case in the analysis")
TOO_FEW_GROUPS = gettext_noop("{variable}: fewer than two groups have cases ({n}); there is nothing to compare")
CONSTANT_COVARIATE = gettext_noop(
    "covariate {label} is constant in the analysed cases ({value}): it cannot be estimated"
)
ALL_OUTCOMES_UNKNOWN = gettext_noop("the outcome ({outcome}) is unknown for every case of the population")
NO_CASES = gettext_noop("no case of the population is left to analyse")
NO_POPULATION = gettext_noop("the population has no case: see the cases each filter and condition removed")
NO_EVENTS = gettext_noop("no case has the outcome ({outcome}): there is nothing to estimate")
ONLY_EVENTS = gettext_noop("every case has the outcome ({outcome}): there is nothing to compare")
RULE_OF_TEN = gettext_noop(
    "fewer events ({n}) than covariates × 10 ({k} × 10 = {m}): the rule of ten events per variable"  # noqa: RUF001 (the multiplication sign is meant)
)


def problem(where: str, message: str, level: str = ERROR) -> dict[str, str]:
    return {"where": where, "message": message, "level": level}


def _terms(af: AnalysisFrame) -> int:
    """Coefficients a Cox model of the frame estimates: the exposure's dummies and each covariate's."""
    counts = af.group_counts()
    k = max(sum(1 for n in counts.values() if n) - 1, 0) if len(af.groups) > 1 else 0
    for i in range(len(af.covariate_labels)):
        column = af.frame[f"cov_{i}"]
        k += 1 if column.dtype.kind == "f" else max(column.nunique() - 1, 1)
    return k


def frame_problems(analysis: Analysis, af: AnalysisFrame, n_population: int) -> list[dict[str, str]]:
    """The problems of one analysis on its frame (``af``), the population holding ``n_population`` cases."""
    where = f"analysis {analysis.key}"
    if n_population == 0:  # every level would be "absent"; one line says why
        return [problem(where, NO_POPULATION)]
    out: list[dict[str, str]] = []
    outcome = analysis.outcome.describe()
    name = analysis.exposure.describe() if analysis.exposure else ""
    if analysis.exposure is not None:
        observed = set(af.observed_levels)
        for group in analysis.groups:
            for level, raw in zip(af.levels[group.label], group.levels, strict=True):
                if level not in observed:
                    out.append(problem(where, sentence(LEVEL_ABSENT, level=level_label(raw), variable=name), WARNING))
    unknown = af.excluded.get(OUTCOME_UNKNOWN.get(analysis.outcome.kind, OUTCOME_UNKNOWN["binary"]), 0)
    if n_population and unknown == n_population:
        return [*out, problem(where, sentence(ALL_OUTCOMES_UNKNOWN, outcome=outcome))]
    if af.n == 0:
        return [*out, problem(where, NO_CASES)]
    if analysis.exposure is not None:
        counts = af.group_counts()
        for label, n in counts.items():
            if n == 0:
                out.append(problem(where, sentence(EMPTY_GROUP, label=label, variable=name), WARNING))
        with_cases = sum(1 for n in counts.values() if n)
        if with_cases < 2:
            out.append(problem(where, sentence(TOO_FEW_GROUPS, variable=name, n=with_cases)))
    if af.n_events == 0:
        out.append(problem(where, sentence(NO_EVENTS, outcome=outcome)))
    elif not af.time_to_event and af.n_events == af.n and analysis.exposure is not None:
        out.append(problem(where, sentence(ONLY_EVENTS, outcome=outcome)))
    for i, label in enumerate(af.covariate_labels):
        values = af.frame[f"cov_{i}"].dropna()
        if values.nunique() <= 1:
            shown = level_label(values.iloc[0]) if len(values) else "no values"
            out.append(problem(where, sentence(CONSTANT_COVARIATE, label=label, value=shown)))
    if analysis.method == "cox":
        k = _terms(af)
        if k and af.n_events < 10 * k:
            out.append(problem(where, sentence(RULE_OF_TEN, n=af.n_events, k=k, m=10 * k), WARNING))
    return out


def check_plan(spec: PlanSpec, dataset: Dataset) -> list[dict[str, Any]]:
    """Every problem of the plan on this dataset: first ``check_spec``'s (errors), then the data's.

    Parameters
    ----------
    spec : PlanSpec
    dataset : Dataset

    Returns
    -------
    list of dict
        ``{"where", "message", "level"}`` with level "error" or "warning"; empty for a plan that runs cleanly.
    """
    try:
        check_spec(spec)
    except SpecError as exc:
        return [problem(where, message) for where, message in exc.problems]
    try:
        population = select_population(spec, dataset)
    except VariableError as exc:
        return [problem("population", str(exc))]
    out: list[dict[str, Any]] = []
    for analysis in spec.analyses:
        try:
            af = build_frame(analysis, dataset, population.cases)
        except VariableError as exc:
            out.append(problem(f"analysis {analysis.key}", str(exc)))
            continue
        out += frame_problems(analysis, af, population.n)
    return out
