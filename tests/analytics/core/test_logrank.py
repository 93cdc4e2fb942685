"""Log-rank (plain, stratified, rho = 1) against values R's survdiff computed (km_logrank_reference.R).

Tolerance: rtol 1e-6 (atol 1e-12 where R has exact zeros).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.core.exceptions import AnalysisInputError
from analytics.core.logrank import NO_EVENTS, ONE_GROUP, SINGULAR, logrank_test

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL, ATOL = 1e-6, 1e-12


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "km_logrank_reference.json").read_text())


def dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv")


CASES = reference()["logrank"]


def run(case: dict):
    return logrank_test(
        case["time"], case["event"], case["group"], case["strata"], data=dataset(case["dataset"]), rho=case["rho"]
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
class TestLogRankMatchesR:
    def test_it_gives_rs_chisq_df_and_p(self, case):
        result = run(case)
        assert result.ok
        assert result.df == case["df"]
        np.testing.assert_allclose([result.chisq, result.p], [case["chisq"], case["p"]], rtol=RTOL, atol=ATOL)

    def test_it_gives_rs_observed_expected_and_variance_per_group(self, case):
        result = run(case)
        assert [str(g) for g in result.groups] == [str(g) for g in case["groups"]]
        np.testing.assert_array_equal(result.n, case["n"])
        np.testing.assert_allclose(result.observed, case["observed"], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(result.expected, case["expected"], rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(result.variance, np.array(case["variance"]), rtol=RTOL, atol=ATOL)

    def test_it_names_its_method_and_settings(self, case):
        result = run(case)
        assert result.settings["rho"] == case["rho"]
        assert result.settings["stratified"] == (case["strata"] is not None)
        assert ("stratified" in result.method) == (case["strata"] is not None)


class TestLogRankDegenerateInput:
    def test_it_reports_one_group_with_a_message(self):
        result = logrank_test([1, 2, 3], [1, 1, 0], ["a", "a", "a"])
        assert result.message == ONE_GROUP and np.isnan(result.chisq)

    def test_it_reports_no_events_with_a_message(self):
        result = logrank_test([1, 2, 3, 4], [0, 0, 0, 0], ["a", "b", "a", "b"])
        assert result.message == NO_EVENTS and np.isnan(result.p)

    def test_it_reports_when_only_one_group_can_have_expected_events(self):
        # Group b leaves before the only event: its expected count is 0, as in R (chisq 0 on 0 df) we give no test.
        result = logrank_test([5, 1, 1], [1, 0, 0], ["a", "b", "b"])
        assert not result.ok and np.isnan(result.chisq)

    def test_it_reports_a_singular_variance_whatever_group_comes_first(self):
        # Group c's only event has one subject at risk (no variance); a and b inform only each other.
        time = [0, 0, 0, 1, 0, 0]
        event = [0, 0, 0, 1, 1, 0]
        strata = [0, 0, 0, 0, 1, 1]
        for labels in (["a", "a", "a", "c", "b", "a"], ["c", "c", "c", "a", "b", "c"]):
            result = logrank_test(time, event, labels, strata)
            assert result.message == SINGULAR and np.isnan(result.chisq)

    def test_it_requires_a_group(self):
        with pytest.raises(AnalysisInputError, match="group"):
            logrank_test([1, 2], [1, 0], None)

    def test_it_rejects_a_negative_rho(self):
        with pytest.raises(AnalysisInputError, match="rho"):
            logrank_test([1, 2], [1, 0], [0, 1], rho=-1)

    def test_it_rejects_missing_group_labels(self):
        with pytest.raises(AnalysisInputError, match="missing"):
            logrank_test([1, 2, 3], [1, 0, 1], ["a", None, "b"])


class TestLogRankTies:
    def test_it_merges_near_ties_as_rs_timefix_does(self):
        time = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0])
        event = [1, 1, 1, 0, 1, 1, 1, 0]
        group = ["a", "b", "a", "b", "a", "b", "b", "a"]
        jittered = time + np.array([0, 0, 2e-10, 0, 0, 4e-10, 0, 0])
        exact, near = logrank_test(time, event, group), logrank_test(jittered, event, group)
        assert near.chisq == pytest.approx(exact.chisq, rel=1e-12)
        np.testing.assert_allclose(near.variance, exact.variance, rtol=1e-12)


class TestLogRankAgreesWithLifelines:
    def test_it_gives_lifelines_multivariate_logrank_on_veteran(self):
        from lifelines.statistics import multivariate_logrank_test

        df = dataset("veteran")
        theirs = multivariate_logrank_test(df["time"], df["celltype"], df["status"])
        ours = logrank_test("time", "status", "celltype", data=df)
        assert ours.chisq == pytest.approx(theirs.test_statistic, rel=1e-9)
        assert ours.p == pytest.approx(theirs.p_value, rel=1e-9)

    def test_its_rho_one_is_lifelines_fleming_harrington_p1_q0(self):
        from lifelines.statistics import multivariate_logrank_test

        df = dataset("multicenter")
        theirs = multivariate_logrank_test(
            df["os_time"], df["risk"], df["os_event"], weightings="fleming-harrington", p=1, q=0
        )
        ours = logrank_test("os_time", "os_event", "risk", data=df, rho=1)
        assert ours.chisq == pytest.approx(theirs.test_statistic, rel=1e-9)
