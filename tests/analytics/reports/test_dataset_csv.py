"""The dataset CSV is byte for byte what pandas writes for the inert cells, however its numbers are written."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analytics.reports import dataset_csv
from analytics.reports.cells import csv_frame
from analytics.schema import TABLES

# Numbers whose text a faster writer could get wrong: exponents, shortest round trip, signed zero, infinities.
AWKWARD = [1e16, 1.5e-5, 0.1 + 0.2, 0.0, -0.0, np.nan, np.inf, -np.inf, 123456789.125, 2.0**60, 5e-324, 1e22, 12.0, 7]


def _pandas_csv(dataset, table):
    frame = dataset.table(table)[list(TABLES[table])]
    return csv_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_is_written_as_pandas_writes_it(dataset, table):
    assert dataset_csv(dataset, table) == _pandas_csv(dataset, table)


def test_awkward_numbers_and_empty_float_columns_are_written_as_pandas_writes_them(dataset):
    cases = dataset.cases.copy()
    cases["lab_wbc_baseline"] = [AWKWARD[i % len(AWKWARD)] for i in range(len(cases))]
    cases["lab_alt_post"] = np.nan
    cases["lab_ast_post"] = cases["lab_ast_post"].astype("float32")
    awkward = dataclasses.replace(dataset, cases=cases)
    assert dataset_csv(awkward) == _pandas_csv(awkward, "cases")
    assert b",1e+16," in dataset_csv(awkward) and b",-0.0," in dataset_csv(awkward) and b",0.0," in dataset_csv(awkward)
