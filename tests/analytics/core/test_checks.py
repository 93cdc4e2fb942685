"""The named input checks: one clear AnalysisInputError message each, and the cleaned arrays otherwise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.core._checks import (
    check_columns,
    check_durations,
    check_event_codes,
    check_group_codes,
    check_labels,
    check_positive,
    check_same_length,
    check_times,
)
from analytics.core.exceptions import AnalysisInputError


class TestCheckColumns:
    def test_it_accepts_present_columns_and_ignores_none(self):
        check_columns(pd.DataFrame({"a": [1], "b": [2]}), ["a", None, "b"])

    def test_it_names_every_missing_column_and_what_is_there(self):
        with pytest.raises(AnalysisInputError, match=r"x, y .*available: a"):
            check_columns(pd.DataFrame({"a": [1]}), ["a", "x", "y"])


class TestCheckDurations:
    def test_it_returns_a_float_array(self):
        out = check_durations(pd.Series([1, 2, 3]), "t")
        assert out.dtype == float and out.tolist() == [1.0, 2.0, 3.0]

    def test_it_accepts_numeric_strings_from_a_csv(self):
        assert check_durations(pd.Series(["1", "2.5"]), "t").tolist() == [1.0, 2.5]

    def test_it_rejects_non_numeric_values_naming_one(self):
        with pytest.raises(AnalysisInputError, match=r"os_days must be numeric; found 'ten'"):
            check_durations(pd.Series(["1", "ten"]), "os_days")

    def test_it_rejects_negative_values(self):
        with pytest.raises(AnalysisInputError, match=r"os_days must be >= 0; found 1 negative"):
            check_durations([3, -1], "os_days")

    def test_it_rejects_missing_and_infinite_values(self):
        with pytest.raises(AnalysisInputError, match="2 missing or non-finite"):
            check_durations([1, np.nan, np.inf], "t")

    def test_it_rejects_empty_input(self):
        with pytest.raises(AnalysisInputError, match="empty"):
            check_durations([], "t")

    def test_a_message_is_one_line(self):
        with pytest.raises(AnalysisInputError) as err:
            check_durations(pd.Series(["a\nb"]), "t")
        assert "\n" not in str(err.value)


class TestCheckEventCodes:
    def test_it_returns_ints_and_accepts_booleans_and_whole_floats(self):
        assert check_event_codes([True, False, 1.0], (0, 1), "e").tolist() == [1, 0, 1]

    def test_it_rejects_codes_outside_the_allowed_set(self):
        with pytest.raises(AnalysisInputError, match=r"cr_event has code\(s\) 3 outside the allowed set \[0, 1, 2\]"):
            check_event_codes([0, 1, 2, 3], (0, 1, 2), "cr_event")

    def test_it_rejects_fractional_codes(self):
        with pytest.raises(AnalysisInputError, match=r"0\.5"):
            check_event_codes([0, 0.5], (0, 1), "e")

    def test_it_rejects_missing_codes(self):
        with pytest.raises(AnalysisInputError, match="missing"):
            check_event_codes(pd.Series([0, None]), (0, 1), "e")


class TestOtherChecks:
    def test_check_times_allows_an_empty_list(self):
        assert check_times([], "times").size == 0

    def test_check_labels_rejects_missing_labels(self):
        with pytest.raises(AnalysisInputError, match="center has 1 missing"):
            check_labels(pd.Series(["C01", None]), "center")

    def test_check_same_length_names_the_arrays(self):
        with pytest.raises(AnalysisInputError, match="time, event"):
            check_same_length(time=[1, 2], event=[1])

    def test_check_positive_rejects_zero_and_text(self):
        with pytest.raises(AnalysisInputError, match="> 0"):
            check_positive(0, "horizon")
        with pytest.raises(AnalysisInputError, match="numeric"):
            check_positive("soon", "horizon")


class TestCheckGroupCodes:
    def test_it_codes_labels_in_sorted_order(self):
        codes, labels = check_group_codes(pd.Series(["unfavorable", "favorable", "unfavorable"]), "risk")
        assert labels == ["favorable", "unfavorable"] and codes.tolist() == [1, 0, 1]

    def test_it_returns_plain_python_labels_for_numbers(self):
        codes, labels = check_group_codes(np.array([2, 1, 2]), "trt")
        assert labels == [1, 2] and type(labels[0]) is int and codes.tolist() == [1, 0, 1]

    def test_it_accepts_a_list(self):
        assert check_group_codes(["b", "a"], "g")[1] == ["a", "b"]

    def test_it_rejects_missing_labels(self):
        with pytest.raises(AnalysisInputError, match="center has 2 missing"):
            check_group_codes(pd.Series(["C01", None, np.nan]), "center")
