"""One check that two datasets hold exactly the same frames: pandas' comparison, and the Python type and repr of
every value of the object columns (assert_frame_equal takes 3 for 3.0 and None for NaN there)."""

from __future__ import annotations

import pandas as pd

from analytics.schema import TABLES, Dataset


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for column in expected.columns:
        if expected[column].dtype == object:
            assert list(map(repr, got[column])) == list(map(repr, expected[column])), column


def assert_same_dataset(got: Dataset, expected: Dataset) -> None:
    assert got.data_cut == expected.data_cut
    for table in TABLES:
        assert_same_frame(got.table(table), expected.table(table))
