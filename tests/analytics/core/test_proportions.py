"""Confidence intervals for a proportion against R (tests/analytics/reference/proportions_reference.R).

Wilson = prop.test(x, n, correct = FALSE)$conf.int, Wilson with continuity correction = prop.test(x, n)$conf.int,
Clopper-Pearson = binom.test(x, n)$conf.int, over every x for n <= 10 and the edges for n up to 1000, at levels
0.90, 0.95 and 0.99. Tolerance: rtol 1e-6 (atol 1e-12 where R gives 0).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.core.exceptions import AnalysisInputError
from analytics.core.tables import (
    BAD_CONF_LEVEL,
    BAD_PROPORTION_COUNTS,
    CORRECT_NEEDS_WILSON,
    NO_TRIALS,
    UNKNOWN_CI_METHOD,
    proportion_ci,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "proportions_reference.json"
RTOL, ATOL = 1e-6, 1e-12


@cache
def reference() -> list[dict]:
    return json.loads(REFERENCE.read_text())["cases"]


INTERVALS = {
    "wilson": {"method": "wilson", "correct": False},
    "wilson_cc": {"method": "wilson", "correct": True},
    "clopper_pearson": {"method": "clopper-pearson"},
}


@pytest.mark.parametrize("interval", list(INTERVALS))
def test_it_gives_rs_intervals_on_the_whole_grid(interval: str) -> None:
    for case in reference():
        res = proportion_ci(case["x"], case["n"], conf_level=case["conf_level"], **INTERVALS[interval])
        what = f"{interval} x={case['x']} n={case['n']} level={case['conf_level']}"
        assert res.estimate == pytest.approx(case["estimate"], rel=RTOL, abs=ATOL), what
        assert [res.lower, res.upper] == pytest.approx(case[interval], rel=RTOL, abs=ATOL), what


def test_the_reference_covers_the_edges() -> None:
    pairs = {(c["x"], c["n"]) for c in reference()}
    assert {(0, 1), (1, 1), (0, 1000), (1000, 1000), (10, 20)} <= pairs


class TestEdges:
    @pytest.mark.parametrize("kwargs", list(INTERVALS.values()))
    def test_it_starts_at_0_with_no_successes_and_ends_at_1_with_all(self, kwargs) -> None:
        none, every = proportion_ci(0, 12, **kwargs), proportion_ci(12, 12, **kwargs)
        assert none.estimate == 0 and none.lower == 0 and 0 < none.upper < 1
        assert every.estimate == 1 and every.upper == 1 and 0 < every.lower < 1

    def test_one_case_gives_rs_exact_interval(self) -> None:
        # binom.test(1, 1)$conf.int: [0.025, 1]; binom.test(0, 1)$conf.int: [0, 0.975]
        assert [proportion_ci(1, 1, method="clopper-pearson").lower] == pytest.approx([0.025])
        assert [proportion_ci(0, 1, method="clopper-pearson").upper] == pytest.approx([0.975])

    def test_the_correction_vanishes_at_half_as_in_prop_test(self) -> None:
        # prop.test caps its continuity correction at |x - n/2|: prop.test(10, 20)$conf.int is the uncorrected one.
        corrected, plain = proportion_ci(10, 20, correct=True), proportion_ci(10, 20)
        assert (corrected.lower, corrected.upper) == (plain.lower, plain.upper)
        assert proportion_ci(9, 20, correct=True).lower < proportion_ci(9, 20).lower

    def test_it_accepts_whole_floats_and_numpy_integers(self) -> None:
        assert proportion_ci(np.int64(3), 10.0).n == 10


class TestBadInput:
    def test_it_refuses_n_0_with_a_clear_message(self) -> None:
        with pytest.raises(AnalysisInputError) as err:
            proportion_ci(0, 0)
        assert str(err.value) == NO_TRIALS

    @pytest.mark.parametrize(
        "x, n", [(5, 4), (-1, 4), (1.5, 4), (1, 4.5), (1, -3), (True, 4), ("1", 4), (1, float("nan"))]
    )
    def test_it_refuses_counts_that_are_not_0_to_n(self, x, n) -> None:
        with pytest.raises(AnalysisInputError) as err:
            proportion_ci(x, n)
        assert str(err.value) == BAD_PROPORTION_COUNTS.format(x=x, n=n)

    def test_it_refuses_an_unknown_method(self) -> None:
        with pytest.raises(AnalysisInputError) as err:
            proportion_ci(1, 4, method="wald")
        assert str(err.value) == UNKNOWN_CI_METHOD.format(allowed="wilson, clopper-pearson", value="wald")

    @pytest.mark.parametrize("level", [0, 1, 95, -0.5])
    def test_it_refuses_a_level_outside_0_1(self, level) -> None:
        with pytest.raises(AnalysisInputError) as err:
            proportion_ci(1, 4, conf_level=level)
        assert str(err.value) == BAD_CONF_LEVEL.format(value=level)

    def test_it_refuses_a_continuity_correction_for_clopper_pearson(self) -> None:
        with pytest.raises(AnalysisInputError) as err:
            proportion_ci(1, 4, method="clopper-pearson", correct=True)
        assert str(err.value) == CORRECT_NEEDS_WILSON


class TestNamesAndProperties:
    def test_it_names_its_interval_and_settings(self) -> None:
        assert proportion_ci(3, 10).method == "proportion with Wilson score 95% CI"
        assert (
            proportion_ci(3, 10, correct=True).method
            == "proportion with Wilson score with continuity correction 95% CI"
        )
        res = proportion_ci(3, 10, method="clopper-pearson", conf_level=0.9)
        assert res.method == "proportion with Clopper-Pearson exact 90% CI"
        assert res.settings == {"method": "clopper-pearson", "conf_level": 0.9, "correct": False}
        assert res.to_dict()["upper"] == pytest.approx(res.upper)

    @given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
    def test_every_interval_holds_the_estimate_and_the_correction_widens_it(self, xn) -> None:
        x, n = xn
        wilson, corrected = proportion_ci(x, n), proportion_ci(x, n, correct=True)
        exact = proportion_ci(x, n, method="clopper-pearson")
        for res in (wilson, corrected, exact):
            assert 0 <= res.lower <= res.estimate <= res.upper <= 1
        assert corrected.lower <= wilson.lower and corrected.upper >= wilson.upper
