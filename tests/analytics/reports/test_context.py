"""Group labels: the fast path for text and flag columns gives exactly what labelling each cell gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.reports.context import UNKNOWN, _label, label_of

COLUMNS = {
    "text": ["ALL", None, "AML", np.nan, "ALL", pd.NA, "unknown", ""],
    "flags": [True, False, None, np.bool_(True), np.nan, False],
    "bool dtype": pd.Series([True, False, True], dtype=bool),
    "text with NaT": ["ALL", pd.NaT, None],
    "flags and numbers": [True, 1, 1.0, 0, False, None],
    "numbers": [1.0, np.nan, 2.5, -0.0],
    "integers": pd.Series([3, 1, 3], dtype="int64"),
    "empty": pd.Series([], dtype=object),
    "all missing": [None, np.nan],
}


@pytest.mark.parametrize("values", COLUMNS.values(), ids=COLUMNS.keys())
def test_labels_are_those_of_each_cell(values):
    series = pd.Series(values, index=range(10, 10 + len(values)), name="col")
    expected = pd.Series([_label(v) for v in series.tolist()], index=series.index, name="col", dtype=object)
    pd.testing.assert_series_equal(label_of(series), expected.astype(str))


def test_missing_values_and_flags_are_named():
    labels = label_of(pd.Series([True, None, False, np.nan]))
    assert labels.tolist() == ["yes", UNKNOWN, "no", UNKNOWN]
    assert label_of(pd.Series(["x", pd.NaT])).tolist() == ["x", "NaT"]
