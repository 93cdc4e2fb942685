"""A plan's population: the run filters, then the plan's conditions, each rule counting the cases it removes.

The rules run in a fixed order (centers, lineages, protocols, diagnosis years, CAL only, exclusions, then the
conditions as listed), each on the cases the earlier rules kept, so the counts add up to the cases removed.
A case whose value is unknown fails every condition (``is_known`` included): a population is the cases known to
meet its definition. No Django here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analytics.plans.spec import Condition, PlanSpec
from analytics.plans.values import normal
from analytics.plans.variables import variable_values
from analytics.schema import Dataset

__all__ = ["Population", "condition_mask", "select_population"]

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


@dataclass
class Population:
    """The cases of a plan's population and, in order, each rule with the number of cases it removed."""

    cases: pd.DataFrame
    removed: list[dict[str, Any]] = field(default_factory=list)  # {"rule": text, "n": count}
    n_start: int = 0

    @property
    def n(self) -> int:
        return len(self.cases)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _compare(op: str, value: Any, wanted: Any) -> bool:
    v = normal(value)
    if op == "is_known":
        return v is not None
    if v is None:
        return False
    if op == "is_true":
        return v is True
    if op == "is_false":
        return v is False
    if op in ("in", "not_in"):
        inside = v in [normal(w) for w in _as_list(wanted)]
        return inside if op == "in" else not inside
    w = normal(wanted)
    if op == "eq":
        return v == w
    if op == "ne":
        return v != w
    try:
        return bool(_ORDER[op](float(v), float(w)))
    except (TypeError, ValueError):
        return False


def condition_mask(condition: Condition, values: pd.Series) -> pd.Series:
    """True where a case meets the condition; a case whose value is unknown meets none."""
    wanted = condition.value
    if isinstance(wanted, tuple):
        wanted = list(wanted)
    return values.map(lambda v: _compare(condition.op, v, wanted)).astype(bool)


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if normal(v) is None else str(v))


def _filters(spec: PlanSpec, cases: pd.DataFrame) -> list[tuple[str, pd.Series]]:
    """(rule, keep-mask) of each run filter that applies, in order."""
    f = spec.filters
    rules: list[tuple[str, pd.Series]] = []
    if f.centers:
        rules.append((f"centers {', '.join(f.centers)}", _text(cases["center"]).isin(f.centers)))
    if f.lineages:
        rules.append((f"lineage {', '.join(f.lineages)}", _text(cases["lineage"]).isin(f.lineages)))
    if f.protocols:
        rules.append((f"protocol {', '.join(f.protocols)}", _text(cases["protocol"]).isin(f.protocols)))
    if f.year_from is not None or f.year_to is not None:
        year = pd.to_numeric(cases["diagnosis_year"], errors="coerce")
        keep = year.notna()
        if f.year_from is not None:
            keep &= year >= f.year_from
        if f.year_to is not None:
            keep &= year <= f.year_to
        rules.append((f"diagnosed {f.year_from or '...'}-{f.year_to or '...'}", keep))
    if f.cal_only:
        rules.append(("congenital acute leukemia only (age class CAL)", _text(cases["age_class"]) == "CAL"))
    if f.apply_exclusions:
        rules.append(("exclusions applied", cases["excluded"].map(lambda v: normal(v) is not True).astype(bool)))
    return rules


def select_population(spec: PlanSpec, dataset: Dataset) -> Population:
    """The cases of ``dataset`` the plan's filters and conditions keep, and what each rule removed.

    Parameters
    ----------
    spec : PlanSpec
    dataset : Dataset

    Returns
    -------
    Population
        ``cases`` (rows of ``dataset.cases``, original order) and ``removed``: one ``{"rule", "n"}`` per rule
        that applies, the count of cases it removed from those the earlier rules kept.

    Raises
    ------
    analytics.plans.variables.VariableError
        A condition reads a column the dataset lacks.
    """
    cases = dataset.cases
    population = Population(cases=cases, n_start=len(cases))
    for rule, keep in _filters(spec, cases):
        keep = keep.reindex(population.cases.index).fillna(False).astype(bool)
        population.removed.append({"rule": rule, "n": int((~keep).sum())})
        population.cases = population.cases[keep]
    for condition in spec.conditions:
        values = variable_values(condition.variable, dataset, population.cases)
        keep = condition_mask(condition, values).to_numpy()
        population.removed.append({"rule": condition.describe(), "n": int((~keep).sum())})
        population.cases = population.cases[keep]
    return population
