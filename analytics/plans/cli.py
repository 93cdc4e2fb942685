"""``python -m analytics plan PLAN.json DATASET_DIR``: execute a plan on a dataset's CSV files, print the results.

DATASET_DIR holds the CSV files of a dataset export (``cases.csv``, ``findings.csv``, ``adverse_events.csv``
and, when the export has it, ``assessments.csv``), read back as ``analytics.datafiles`` writes them: booleans
TRUE/FALSE, missing cells empty, a ``'`` in front of text a spreadsheet would run. PLAN.json is a plan spec
(``PlanSpec.as_dict()``), or ``{"spec": {...}, "id": ..., "version": ...}``. No Django here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.core.exceptions import AnalysisInputError
from analytics.datafiles.text import CSV_FALSE, CSV_TRUE
from analytics.plans.document import plan_document
from analytics.plans.execute import execute_plan
from analytics.plans.spec import PlanSpec, SpecError
from analytics.reports.cells import is_formula_like
from analytics.schema import Dataset, check_dataset

__all__ = ["load_dataset_dir", "load_plan", "run_plan_file"]

PLAN_NOT_READABLE = "cannot read the plan {path}: {reason}"
TABLE_NOT_READABLE = "cannot read {path}: {reason}"
TABLES = ("cases", "findings", "adverse_events")


def _cell(text: str) -> Any:
    if text == "":
        return None
    if text == CSV_TRUE:
        return True
    if text == CSV_FALSE:
        return False
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def _column(values: pd.Series) -> pd.Series:
    cells = values.map(_cell)
    known = cells.dropna()
    if len(known) and known.map(lambda v: isinstance(v, str)).all():
        numbers = pd.to_numeric(known, errors="coerce")
        if numbers.notna().all():
            return pd.to_numeric(cells, errors="coerce")
    return cells.astype(object)


def _read(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise AnalysisInputError(TABLE_NOT_READABLE.format(path=path.name, reason="no such file")) from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise AnalysisInputError(TABLE_NOT_READABLE.format(path=path.name, reason=reason)) from None
    out = pd.DataFrame({c: _column(raw[c]) for c in raw.columns})
    for key in ("case_key", "center"):
        if key in out.columns:
            out[key] = raw[key].map(_cell).astype(object)
    return out


def load_dataset_dir(directory: str | Path) -> Dataset:
    """The Dataset in a directory of CSV files (``assessments`` attached when ``assessments.csv`` is there)."""
    folder = Path(directory)
    tables: dict[str, Any] = {name: _read(folder / f"{name}.csv") for name in TABLES}
    if (folder / "assessments.csv").exists():  # older exports have no assessments: the table stays empty
        tables["assessments"] = _read(folder / "assessments.csv")
    dataset = Dataset(data_cut="", **tables)
    check_dataset(dataset)
    return dataset


def load_plan(path: str | Path) -> tuple[PlanSpec, dict[str, Any]]:
    """The plan spec in a JSON file and the metadata beside it (``id``, ``version``, ...)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AnalysisInputError(PLAN_NOT_READABLE.format(path=Path(path).name, reason=exc)) from None
    if not isinstance(data, dict):
        raise AnalysisInputError(PLAN_NOT_READABLE.format(path=Path(path).name, reason="not a JSON object"))
    meta: dict[str, Any] = {}
    if "spec" in data:
        meta = {k: v for k, v in data.items() if k != "spec"}
        data = data["spec"]
    try:
        return PlanSpec.from_dict(data), meta
    except (SpecError, KeyError, TypeError, ValueError) as exc:
        raise AnalysisInputError(PLAN_NOT_READABLE.format(path=Path(path).name, reason=exc)) from None


def run_plan_file(plan_path: str | Path, dataset_dir: str | Path) -> bytes:
    """Execute the plan in ``plan_path`` on the dataset in ``dataset_dir``; the results as the JSON document."""
    spec, meta = load_plan(plan_path)
    dataset = load_dataset_dir(dataset_dir)
    return plan_document(execute_plan(spec, dataset, plan_meta=meta))
