"""The analysis-ready dataset behind a report as CSV (pseudonymized: the schema has no dates of birth)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from analytics.schema import TABLES, Dataset

from .cells import csv_frame

__all__ = ["dataset_csv"]


def dataset_csv(
    dataset: Dataset, table: Literal["cases", "findings", "adverse_events", "assessments"] = "cases"
) -> bytes:
    """One table of the dataset as UTF-8 CSV, with exactly the schema's columns in the schema's order.

    Parameters
    ----------
    dataset : analytics.schema.Dataset
    table : {"cases", "findings", "adverse_events", "assessments"}
        Which table; the cases table (one row per case, with the derived endpoints) by default.

    Returns
    -------
    bytes
        Text a spreadsheet could run as a formula is written with a leading ``'`` (``analytics.reports.cells``).
    """
    columns = list(TABLES[table])
    frame: pd.DataFrame = dataset.table(table)[columns]
    # CRLF rows (RFC 4180): the csv writer then quotes a field holding a lone CR, which would otherwise end the
    # row for every reader and shift the columns after it.
    return csv_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
