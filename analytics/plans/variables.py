"""The value of a plan's variable for every case, and, where it has one, the time it became known.

A dataset column is read as it is (a ``cutoff`` makes "value >= cutoff"); the computed variables
(``spec.COMPUTED``) are built from the findings, adverse events and assessments tables. Every function returns a
Series indexed by ``case_key`` over the cases it is given; None where the value is unknown. No Django here.

Times (for landmark analyses) are days from diagnosis: ``hsct`` -> ``hsct_days``, ``cr`` -> ``cr_time``,
``mrd_positive`` -> the day (from diagnosis) of the assessment that decided it, ``composite`` -> its first event.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from analytics.plans.spec import Variable
from analytics.plans.values import is_missing
from analytics.plans.words import gettext_noop
from analytics.schema import Dataset

__all__ = [
    "ASSESSMENT_COLUMNS",
    "EVENT_DAYS",
    "MISSING_COLUMN",
    "NOT_YET_IS_NO",
    "VariableError",
    "assessments_of",
    "exposure_times",
    "needed_columns",
    "variable_values",
]

ASSESSMENT_COLUMNS = ("case_key", "center", "days", "day", "marrow", "marrow_blasts", "mrd_flow_pct", "mrd_pcr")
EVENT_DAYS = {
    "induction_failure": "induction_failure_days",
    "relapse": "relapse_days",
    "death": "death_days",
    "second_malignancy": "second_malignancy_days",
}
TIME_COLUMNS = {"hsct": "hsct_days", "cr": "cr_time"}
DEFAULT_FLOW_THRESHOLD = 0.01  # percent: 10^-4, the sensitivity flow MRD reports
PCR_POSITIVE = ("positive", "level")  # registry.choices.PCRResult: a level given is positive too
# Variables whose "not yet" at a landmark is "no" (a transplant or remission that had not happened); for the
# others (MRD) a value decided after the landmark was not known then.
NOT_YET_IS_NO = ("hsct", "cr", "composite")

MISSING_COLUMN = gettext_noop("The dataset has no column {column!r} ({table}), which {name} needs.")


class VariableError(ValueError):
    """A variable the dataset cannot give (a column it lacks)."""


def assessments_of(dataset: Dataset) -> pd.DataFrame:
    """The dataset's response assessments (an empty table when the dataset has none)."""
    frame = getattr(dataset, "assessments", None)
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ASSESSMENT_COLUMNS})
    return frame


def needed_columns(variable: Variable) -> list[tuple[str, str]]:
    """(table, column) pairs the variable reads."""
    if variable.name == "toxicity":
        return [("adverse_events", c) for c in ("case_key", "grade", "phase")]
    if variable.name == "mrd_positive":
        return [("assessments", c) for c in ("case_key", "days", "day", "mrd_flow_pct", "mrd_pcr")]
    if variable.name == "finding_gene":
        return [("findings", c) for c in ("case_key", "abnormality", "fusion")]
    if variable.name == "composite":
        return [("cases", EVENT_DAYS[e]) for e in variable.param("events") or ()]
    return [("cases", variable.name)]


def _check(variable: Variable, dataset: Dataset) -> None:
    tables = {
        "cases": dataset.cases,
        "findings": dataset.findings,
        "adverse_events": dataset.adverse_events,
        "assessments": assessments_of(dataset),
    }
    for table, column in needed_columns(variable):
        if column not in tables[table].columns:
            raise VariableError(MISSING_COLUMN.format(column=column, table=table, name=variable.describe()))


def _keys(cases: pd.DataFrame) -> pd.Index:
    return pd.Index(cases["case_key"].astype(str), name="case_key")


def _column(cases: pd.DataFrame, name: str) -> pd.Series:
    values = [None if is_missing(v) else v for v in cases[name].tolist()]
    return pd.Series(values, index=_keys(cases), dtype=object, name=name)


def _cut(series: pd.Series, cutoff: float) -> pd.Series:
    def one(v: Any) -> Any:
        if v is None:
            return None
        try:
            return float(v) >= cutoff
        except (TypeError, ValueError):
            return None

    return series.map(one).astype(object)


def _flags(keys: pd.Index, hits: set[str]) -> pd.Series:
    return pd.Series([k in hits for k in keys], index=keys, dtype=object)


def _toxicity(variable: Variable, dataset: Dataset, keys: pd.Index) -> pd.Series:
    events = dataset.adverse_events
    grade = pd.to_numeric(events["grade"], errors="coerce")
    hit = grade >= float(variable.param("min_grade"))
    phase = variable.param("phase")
    if phase:
        hit &= events["phase"].astype(str) == str(phase)
    return _flags(keys, set(events.loc[hit, "case_key"].astype(str)))


def _mrd_window(variable: Variable, dataset: Dataset) -> pd.DataFrame:
    """Assessments in the treatment-day window with a result by the method, and whether each is positive."""
    table = assessments_of(dataset)
    day = pd.to_numeric(table["day"], errors="coerce")
    lo, hi = variable.param("day_from"), variable.param("day_to")
    inside = day.notna()
    if lo is not None:
        inside &= day >= float(lo)
    if hi is not None:
        inside &= day <= float(hi)
    if variable.param("method") == "flow":
        value = pd.to_numeric(table["mrd_flow_pct"], errors="coerce")
        threshold = float(variable.param("flow_threshold", DEFAULT_FLOW_THRESHOLD))
        known, positive = value.notna(), value >= threshold
    else:
        value = table["mrd_pcr"].map(lambda v: None if is_missing(v) else str(v).strip().lower())
        known, positive = value.notna() & (value != ""), value.isin(PCR_POSITIVE)
    rows = table[inside & known]
    return pd.DataFrame(
        {
            "case_key": rows["case_key"].astype(str),
            "days": pd.to_numeric(rows["days"], errors="coerce"),
            "positive": positive[inside & known].astype(bool),
        }
    )


def _mrd(variable: Variable, dataset: Dataset, keys: pd.Index) -> tuple[pd.Series, pd.Series]:
    window = _mrd_window(variable, dataset)
    value = pd.Series([None] * len(keys), index=keys, dtype=object)
    when = pd.Series(np.nan, index=keys, dtype=float)
    for key, rows in window.groupby("case_key", sort=False):
        if key not in value.index:
            continue
        pos = rows[rows["positive"]]
        # Positive once any assessment in the window is: known from the first positive one; negative only when
        # every one is, known from the last of them.
        if len(pos):
            value[key], when[key] = True, pos["days"].min()
        else:
            value[key], when[key] = False, rows["days"].max()
    return value, when


_TOKEN = re.compile(r"[A-Za-z0-9]+")


def _finding_gene(variable: Variable, dataset: Dataset, keys: pd.Index) -> pd.Series:
    genes = {str(g).upper() for g in variable.param("genes") or ()}
    findings = dataset.findings
    seen = set(findings["case_key"].astype(str))
    hits = set()
    for key, abnormality, fusion in zip(
        findings["case_key"].astype(str), findings["abnormality"], findings["fusion"], strict=True
    ):
        words = {w.upper() for text in (abnormality, fusion) if not is_missing(text) for w in _TOKEN.findall(str(text))}
        if words & genes:
            hits.add(key)
    return pd.Series([(k in hits) if k in seen else None for k in keys], index=keys, dtype=object)


def _first_event(variable: Variable, cases: pd.DataFrame) -> pd.Series:
    columns = [EVENT_DAYS[e] for e in variable.param("events") or ()]
    days = pd.DataFrame({c: pd.to_numeric(cases[c], errors="coerce").to_numpy() for c in columns}, index=_keys(cases))
    return days.min(axis=1, skipna=True)


def variable_values(variable: Variable, dataset: Dataset, cases: pd.DataFrame) -> pd.Series:
    """The variable's value for each of ``cases`` (a Series indexed by ``case_key``; None where unknown).

    Parameters
    ----------
    variable : Variable
        A column of the cases table (with an optional ``cutoff``) or a computed variable.
    dataset : Dataset
        Where the computed variables read their tables.
    cases : pandas.DataFrame
        The cases (rows of ``dataset.cases``, e.g. a plan's population).

    Returns
    -------
    pandas.Series
        Object dtype. toxicity: True/False (a case without adverse events is False); mrd_positive: True/False,
        None without an assessment in the window; finding_gene: True/False, None for a case without findings;
        composite: True/False.

    Raises
    ------
    VariableError
        The dataset lacks a column the variable needs.
    """
    _check(variable, dataset)
    keys = _keys(cases)
    if variable.name == "toxicity":
        values = _toxicity(variable, dataset, keys)
    elif variable.name == "mrd_positive":
        values = _mrd(variable, dataset, keys)[0]
    elif variable.name == "finding_gene":
        values = _finding_gene(variable, dataset, keys)
    elif variable.name == "composite":
        values = _first_event(variable, cases).notna().astype(object)
    else:
        values = _column(cases, variable.name)
    if variable.cutoff is not None:
        values = _cut(values, float(variable.cutoff))
    return values.rename(variable.describe())


def exposure_times(variable: Variable, dataset: Dataset, cases: pd.DataFrame) -> pd.Series | None:
    """Days from diagnosis at which the variable's value became known (NaN where unknown); None when the variable
    has no such time (it is known at diagnosis)."""
    keys = _keys(cases)
    if variable.name in TIME_COLUMNS:
        column = TIME_COLUMNS[variable.name]
        if column not in cases.columns:
            raise VariableError(MISSING_COLUMN.format(column=column, table="cases", name=variable.describe()))
        return pd.Series(pd.to_numeric(cases[column], errors="coerce").to_numpy(float), index=keys)
    if variable.name == "mrd_positive":
        _check(variable, dataset)
        return _mrd(variable, dataset, keys)[1]
    if variable.name == "composite":
        _check(variable, dataset)
        return _first_event(variable, cases)
    return None
