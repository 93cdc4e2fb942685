"""The analysis frame: one row per case of the population that an analysis compares (see ``result.py``).

Columns: ``case_key``, ``center``, ``group`` (a Categorical whose categories are the group labels in the plan's
order), the outcome (``outcome`` 0/1, or ``time`` in days and ``status`` 0/1, 0/1/2 for relapse), and
``cov_0``, ``cov_1``, ... (yes/no covariates as 0.0/1.0, numbers as floats, anything else as text). A case that
cannot be compared (outcome unknown, exposure unknown or in no group, a covariate unknown, an event or censoring
before the landmark) is left out and counted under its reason in ``excluded``. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analytics.plans.spec import TIME_TO_EVENT, Analysis, Group, Outcome, Variable
from analytics.plans.values import level_label, normal
from analytics.plans.variables import (
    EVENT_DAYS,
    MISSING_COLUMN,
    NOT_YET_IS_NO,
    VariableError,
    exposure_times,
    variable_values,
)
from analytics.plans.words import gettext_noop
from analytics.schema import Dataset

__all__ = [
    "ALL_CASES",
    "CR_EVALUABLE",
    "AnalysisFrame",
    "build_frame",
    "default_groups",
    "is_time_to_event",
]

ALL_CASES = gettext_noop("All cases")
CR_EVALUABLE = ("CR", "no_CR", "induction_death")
TIME_COLUMNS = {"os": ("os_time", "os_event"), "efs": ("efs_time", "efs_event"), "relapse": ("cir_time", "cir_event")}

OUTCOME_UNKNOWN = {
    "os": gettext_noop("no known overall survival time"),
    "efs": gettext_noop("no known event-free survival time"),
    "relapse": gettext_noop("not at risk of relapse (not in CR) or no known time"),
    "composite": gettext_noop("no known follow-up time"),
    "cr": gettext_noop("not evaluable for CR (response unknown)"),
    "trm": gettext_noop("treatment-related death unknown"),
    "binary": gettext_noop("outcome unknown"),
}
EVENT_BEFORE_LANDMARK = gettext_noop("event before the landmark (day {days})")
CENSORED_BEFORE_LANDMARK = gettext_noop("censored before the landmark (day {days})")
EXPOSURE_UNKNOWN = gettext_noop("exposure unknown")
EXPOSURE_UNKNOWN_AT_LANDMARK = gettext_noop("exposure unknown at the landmark")
NOT_IN_GROUP = gettext_noop("exposure in none of the compared groups")
COVARIATE_UNKNOWN = gettext_noop("covariate unknown: {label}")


def is_time_to_event(analysis: Analysis) -> bool:
    """Whether the analysis' outcome is read as time and status (its method is km, cif or cox)."""
    return analysis.method != "proportions" and analysis.outcome.kind in TIME_TO_EVENT


@dataclass
class AnalysisFrame:
    """The frame, the group labels in order with their levels, the covariate labels, and the cases left out."""

    frame: pd.DataFrame
    groups: list[str]
    levels: dict[str, list[Any]]  # group label -> its levels (normalized); empty for "All cases"
    observed_levels: list[Any]  # the exposure's levels among the whole population (normalized)
    covariate_labels: list[str]
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    time_to_event: bool = False

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def n_events(self) -> int:
        column = "status" if self.time_to_event else "outcome"
        return int((self.frame[column] == 1).sum()) if len(self.frame) else 0

    def group_counts(self) -> dict[str, int]:
        counts = self.frame["group"].value_counts()
        return {g: int(counts.get(g, 0)) for g in self.groups}


def _need(cases: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        if column not in cases.columns:
            raise VariableError(MISSING_COLUMN.format(column=column, table="cases", name="the outcome"))


def _flag(values: pd.Series) -> pd.Series:
    def one(v: Any) -> float:
        n = normal(v)
        return float(n) if isinstance(n, bool) else np.nan

    return values.map(one).astype(float)


def _binary_outcome(outcome: Outcome, dataset: Dataset, cases: pd.DataFrame) -> pd.Series:
    """0/1 per case (NaN where unknown), indexed by case_key."""
    keys = pd.Index(cases["case_key"].astype(str), name="case_key")
    if outcome.kind == "cr":
        _need(cases, "cr_status")
        status = pd.Series(cases["cr_status"].to_numpy(), index=keys).map(lambda v: str(v) if normal(v) else None)
        return status.map(lambda s: float(s == "CR") if s in CR_EVALUABLE else np.nan).astype(float)
    if outcome.kind == "trm":
        _need(cases, "trm")
        return _flag(pd.Series(cases["trm"].to_numpy(), index=keys))
    if outcome.kind == "toxicity":
        variable = Variable.of("toxicity", min_grade=outcome.min_grade)
    elif outcome.kind == "composite":
        variable = Variable.of("composite", events=list(outcome.events))
    else:
        assert outcome.variable is not None  # check_spec refuses a binary outcome without one
        variable = outcome.variable
    return _flag(variable_values(variable, dataset, cases))


def _time_outcome(outcome: Outcome, cases: pd.DataFrame) -> pd.DataFrame:
    """time and status per case (NaN where unknown), indexed by case_key."""
    keys = pd.Index(cases["case_key"].astype(str), name="case_key")
    if outcome.kind in TIME_COLUMNS:
        t_col, e_col = TIME_COLUMNS[outcome.kind]
        _need(cases, t_col, e_col)
        time = pd.to_numeric(cases[t_col], errors="coerce").to_numpy(float)
        status = pd.to_numeric(cases[e_col], errors="coerce").to_numpy(float)
    else:
        columns = [EVENT_DAYS[e] for e in outcome.events]
        _need(cases, "os_time", *columns)
        first = np.column_stack([pd.to_numeric(cases[c], errors="coerce").to_numpy(float) for c in columns])
        with np.errstate(all="ignore"):
            first = np.where(
                np.isnan(first).all(axis=1), np.nan, np.nanmin(np.where(np.isnan(first), np.inf, first), axis=1)
            )
        follow = pd.to_numeric(cases["os_time"], errors="coerce").to_numpy(float)
        time = np.where(np.isnan(first), follow, first)
        status = np.where(np.isnan(first), np.where(np.isnan(follow), np.nan, 0.0), 1.0)
    both = ~(np.isnan(time) | np.isnan(status))
    return pd.DataFrame({"time": np.where(both, time, np.nan), "status": np.where(both, status, np.nan)}, index=keys)


def _at_landmark(variable: Variable, values: pd.Series, dataset: Dataset, cases: pd.DataFrame, days: int) -> pd.Series:
    """The values as known ``days`` after diagnosis: a value decided later is "no" for a transplant, remission
    or event that had not happened yet, and unknown for the others (MRD)."""
    times = exposure_times(variable, dataset, cases)
    if times is None:
        return values
    times = times.reindex(values.index)
    known = times <= days
    not_yet_is_no = variable.name in NOT_YET_IS_NO and variable.cutoff is None

    def one(value: Any, when: float, by_then: bool) -> Any:
        v = normal(value)
        if v is None or by_then:
            return value
        if not_yet_is_no:
            # Never happened (False, no time) stays no; happened later is no at the landmark; happened at an
            # unknown time is unknown.
            return False if v is False or not np.isnan(when) else None
        return None

    return pd.Series(
        [one(v, w, k) for v, w, k in zip(values, times, known, strict=True)], index=values.index, dtype=object
    )


def default_groups(values: pd.Series) -> tuple[Group, ...]:
    """Every observed level in a stable order: "yes" then "no" for yes/no variables, numbers ascending, then text
    in code-point order."""
    levels = {normal(v) for v in values} - {None}
    if levels <= {True, False}:
        return (Group("yes", (True,)), Group("no", (False,)))
    numbers = sorted(v for v in levels if isinstance(v, float))
    texts = sorted(str(v) for v in levels if not isinstance(v, float))
    return tuple(Group(level_label(v), (v,)) for v in [*numbers, *texts])


def _covariate(values: pd.Series) -> pd.Series:
    known = [normal(v) for v in values if normal(v) is not None]
    if known and all(isinstance(v, bool) for v in known):
        return _flag(values)
    if known and all(isinstance(v, float) for v in known):
        return values.map(lambda v: normal(v) if normal(v) is not None else np.nan).astype(float)
    return values.map(lambda v: None if normal(v) is None else str(v)).astype(object)


def build_frame(analysis: Analysis, dataset: Dataset, cases: pd.DataFrame) -> AnalysisFrame:
    """The analysis frame of one analysis on the population ``cases``.

    Parameters
    ----------
    analysis : Analysis
    dataset : Dataset
        For the computed variables' tables.
    cases : pandas.DataFrame
        The population (``population.select_population(...).cases``).

    Returns
    -------
    AnalysisFrame
        The frame and the counts of cases left out per reason, in the order the reasons apply: outcome unknown,
        event or censoring before the landmark, exposure unknown (at the landmark), exposure in no group,
        covariate unknown.

    Raises
    ------
    analytics.plans.variables.VariableError
        The dataset lacks a column the outcome, exposure or a covariate needs.
    """
    keys = pd.Index(cases["case_key"].astype(str), name="case_key")
    base = pd.DataFrame({"case_key": keys, "center": cases["center"].astype(str).to_numpy()}, index=keys)
    excluded: dict[str, int] = {}
    notes: list[str] = []

    def drop(mask: np.ndarray | pd.Series, reason: str) -> None:
        nonlocal base
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            excluded[reason] = excluded.get(reason, 0) + int(mask.sum())
        base = base[~mask]

    tte = is_time_to_event(analysis)
    if tte:
        outcome = _time_outcome(analysis.outcome, cases)
        base = base.join(outcome)
        drop(base["time"].isna(), OUTCOME_UNKNOWN[analysis.outcome.kind])
    else:
        base["outcome"] = _binary_outcome(analysis.outcome, dataset, cases)
        drop(base["outcome"].isna(), OUTCOME_UNKNOWN.get(analysis.outcome.kind, OUTCOME_UNKNOWN["binary"]))
        base["outcome"] = base["outcome"].astype(int)

    landmark = analysis.landmark_days if tte else None
    if landmark is not None:
        early = base["time"] <= landmark
        drop(early & (base["status"] > 0), EVENT_BEFORE_LANDMARK.format(days=landmark))
        drop(base["time"] <= landmark, CENSORED_BEFORE_LANDMARK.format(days=landmark))
        base["time"] = base["time"] - landmark
        notes.append(
            f"Landmark at day {landmark}: cases event-free and followed beyond it; times counted from it; "
            "exposure as known on that day."
        )
    if tte:
        base["status"] = base["status"].astype(int)

    indexed = cases.set_index(keys)
    observed: list[Any] = []
    if analysis.exposure is None:
        groups: tuple[Group, ...] = (Group(ALL_CASES, ()),)
        base["group"] = ALL_CASES
    else:
        whole = variable_values(analysis.exposure, dataset, cases)
        observed = sorted({normal(v) for v in whole} - {None}, key=lambda v: (type(v).__name__, str(v)))
        values = variable_values(analysis.exposure, dataset, indexed.loc[base.index])
        drop(values.map(normal).isna().to_numpy(), EXPOSURE_UNKNOWN)
        values = values[base.index]
        if landmark is not None:
            values = _at_landmark(analysis.exposure, values, dataset, indexed.loc[base.index], landmark)
            drop(values.map(normal).isna().to_numpy(), EXPOSURE_UNKNOWN_AT_LANDMARK)
            values = values[base.index]
        groups = analysis.groups or default_groups(whole)
        label_of = {normal(level): g.label for g in groups for level in g.levels}
        labels = values.map(lambda v: label_of.get(normal(v)))
        drop(labels.isna().to_numpy(), NOT_IN_GROUP)
        base["group"] = labels[base.index]
    order = [g.label for g in groups]
    base["group"] = pd.Categorical(base["group"], categories=order)

    labels_ = []
    for i, covariate in enumerate(analysis.covariates):
        rows = indexed.loc[base.index]
        values = variable_values(covariate, dataset, rows)
        if landmark is not None:
            values = _at_landmark(covariate, values, dataset, rows, landmark)
        label = covariate.describe()
        labels_.append(label)
        base[f"cov_{i}"] = _covariate(values).to_numpy()
        drop(values.map(normal).isna().to_numpy(), COVARIATE_UNKNOWN.format(label=label))

    frame = base.reset_index(drop=True)
    return AnalysisFrame(
        frame=frame,
        groups=order,
        levels={g.label: [normal(v) for v in g.levels] for g in groups},
        observed_levels=observed,
        covariate_labels=labels_,
        excluded=excluded,
        notes=notes,
        time_to_event=tte,
    )
