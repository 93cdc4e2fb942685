"""The analysis-ready dataset behind a report as CSV (pseudonymized: the schema has no dates of birth)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from analytics.schema import ADVERSE_EVENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS, Dataset

__all__ = ["dataset_csv"]

_TABLES = {"cases": CASE_COLUMNS, "findings": FINDING_COLUMNS, "adverse_events": ADVERSE_EVENT_COLUMNS}


def _safe(value: object) -> object:
    # Spreadsheets run a cell starting with = + @ as a formula; keep it text.
    if isinstance(value, str) and value.startswith(("=", "+", "@")):
        return "'" + value
    return value


def dataset_csv(dataset: Dataset, table: Literal["cases", "findings", "adverse_events"] = "cases") -> bytes:
    """One table of the dataset as UTF-8 CSV, with exactly the schema's columns in the schema's order.

    Parameters
    ----------
    dataset : analytics.schema.Dataset
    table : {"cases", "findings", "adverse_events"}
        Which table; the cases table (one row per case, with the derived endpoints) by default.

    Returns
    -------
    bytes
    """
    columns = list(_TABLES[table])
    frame: pd.DataFrame = getattr(dataset, table)[columns]
    frame = frame.apply(lambda col: col.map(_safe) if col.dtype == object else col)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
