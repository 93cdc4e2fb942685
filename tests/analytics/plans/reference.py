"""The R reference of the plan methods (tests/analytics/reference/plans_reference.R) and its dataset, as analysis
frames (one row per case: case_key, center, group, time, status or outcome, cov_<i>)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from analytics.plans.spec import Analysis, Group, Outcome, Variable

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL = 1e-6

RISK_GROUPS = ("unfavorable", "intermediate", "favorable")  # the reference (favorable) last
KMT2A_GROUPS = ("rearranged", "germline")
LANDMARK_GROUPS = ("HSCT by day 180", "no HSCT by day 180")


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "plans_reference.json").read_text())


@cache
def dataset() -> pd.DataFrame:
    """data/plans.csv as R reads it: empty cells are missing; age < 6 months is yes/no."""
    d = pd.read_csv(REFERENCE / "data" / "plans.csv", keep_default_na=False, na_values=[""])
    d["age_lt6m"] = d["age_lt6m"].astype(bool)
    return d


def groups(labels: tuple[str, ...]) -> tuple[Group, ...]:
    return tuple(Group(label, (label,)) for label in labels)


def frame(
    exposure: str, *, outcome: str = "os", covariates: tuple[str, ...] = (), data: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The analysis frame the plan engine builds: ``group`` from an exposure column, the outcome's columns and
    one ``cov_<i>`` per covariate (a yes/no column with missing values becomes object dtype, as from the ORM)."""
    d = dataset() if data is None else data
    out = pd.DataFrame({"case_key": d["case_key"], "center": d["center"], "group": d[exposure].astype(object)})
    if outcome == "os":
        out["time"], out["status"] = d["os_time"], d["os_event"]
    elif outcome == "relapse":
        out["time"], out["status"] = d["time"], d["status"]
    else:
        out["outcome"] = d[outcome]
    for i, name in enumerate(covariates):
        out[f"cov_{i}"] = d[name]
    return out


VARIABLES = {  # the dataset's columns as the registry's variables
    "risk": "risk_class",
    "kmt2a": "kmt2a_status",
    "hsct": "hsct",
    "age_lt6m": "age_lt_6m",
    "sex": "sex",
    "wbc": "lab_wbc_baseline",
}


def cox_analysis(
    key: str,
    group_labels: tuple[str, ...],
    *,
    exposure: str = "risk",
    outcome: str = "os",
    covariates: tuple[str, ...] = (),
    stratify: bool = False,
    pool: bool = False,
) -> Analysis:
    return Analysis(
        key=key,
        title=key,
        outcome=Outcome(outcome),
        method="cox",
        exposure=Variable.of(VARIABLES[exposure]),
        groups=groups(group_labels),
        covariates=tuple(Variable.of(VARIABLES[c]) for c in covariates),
        stratify_center=stratify,
        pool_centers=pool,
    )
