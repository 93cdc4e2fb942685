"""Datasets for the plan tests: the synthetic dataset with the event-day columns and the assessments table that
another branch adds to the schema (added here until it lands), and small hand-made datasets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.plans.variables import ASSESSMENT_COLUMNS
from analytics.schema import ADVERSE_EVENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS, Dataset
from tests.analytics.reports.synthetic import make_dataset

__all__ = ["PlanDataset", "hand_dataset", "synthetic_dataset"]

EVENT_DAY_COLUMNS = ("relapse_days", "death_days", "second_malignancy_days", "induction_failure_days", "hsct_days")


@dataclass(frozen=True)
class PlanDataset(Dataset):
    """A Dataset with the assessments table (until analytics.schema.Dataset has it; harmless after)."""

    assessments: pd.DataFrame = None  # type: ignore[assignment]


def _with_days(cases: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    cases = cases.copy()
    os_time = pd.to_numeric(cases["os_time"], errors="coerce")
    dead = pd.to_numeric(cases["os_event"], errors="coerce") == 1
    relapsed = pd.to_numeric(cases["cir_event"], errors="coerce") == 1
    cases["death_days"] = np.where(dead, os_time, np.nan)
    cases["relapse_days"] = np.where(relapsed, pd.to_numeric(cases["cir_time"], errors="coerce"), np.nan)
    cases["induction_failure_days"] = np.where(cases["cr_status"] == "no_CR", 0.0, np.nan)
    cases["second_malignancy_days"] = np.nan
    hsct = cases["hsct"].map(bool)
    cases["hsct_days"] = np.where(hsct, rng.integers(90, 400, len(cases)), np.nan)
    return cases


def _assessments(cases: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for key, center in zip(cases["case_key"], cases["center"], strict=True):
        for day in (15, 33, 78):
            if rng.random() < 0.2:
                continue
            flow = float(rng.choice([0.0, 0.005, 0.02, 1.5]))
            pcr = str(rng.choice(["negative", "positive", "level"]))
            rows.append((key, center, day + 3, day, "M1", 2.0, flow, pcr))
    return pd.DataFrame(rows, columns=list(ASSESSMENT_COLUMNS))


def synthetic_dataset(n: int = 400, *, n_centers: int = 4, seed: int = 1) -> PlanDataset:
    """make_dataset() plus the event-day columns and an assessments table."""
    base = make_dataset(n, n_centers=n_centers, seed=seed)
    rng = np.random.default_rng(seed + 100)
    cases = _with_days(base.cases, rng)
    return PlanDataset(
        cases=cases,
        findings=base.findings,
        adverse_events=base.adverse_events,
        data_cut=base.data_cut,
        assessments=_assessments(cases, rng),
    )


def hand_dataset(
    rows: list[dict[str, Any]],
    *,
    findings: list[dict[str, Any]] | None = None,
    adverse_events: list[dict[str, Any]] | None = None,
    assessments: list[dict[str, Any]] | None = None,
) -> PlanDataset:
    """A dataset of the given cases (every other column None; case_key and center filled in when absent)."""
    columns = [*CASE_COLUMNS, *(c for c in EVENT_DAY_COLUMNS if c not in CASE_COLUMNS)]
    full = []
    for i, row in enumerate(rows):
        one = dict.fromkeys(columns)
        one.update(case_key=f"C{i:03d}", center="AAA", excluded=False)
        one.update(row)
        full.append(one)
    return PlanDataset(
        cases=pd.DataFrame(full, columns=columns),
        findings=pd.DataFrame(findings or [], columns=list(FINDING_COLUMNS)),
        adverse_events=pd.DataFrame(adverse_events or [], columns=list(ADVERSE_EVENT_COLUMNS)),
        data_cut="2026-11-01",
        assessments=pd.DataFrame(assessments or [], columns=list(ASSESSMENT_COLUMNS)),
    )
