"""Pooling per-center hazard ratios against metafor (tests/analytics/reference/meta_reference.R).

R values: ``metafor::rma(yi, sei, method = "FE")`` and ``method = "DL"`` on per-center Cox log HRs of the
synthetic multicenter cohort (tau² small) and on metafor's BCG trials (tau² = 0.31). Tolerance rtol 1e-6.
I² is compared with metafor's ``I2`` (percent): for DerSimonian-Laird it equals max(0, (Q - df) / Q).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.exceptions import AnalysisInputError
from analytics.core.meta import (
    NO_CENTERS,
    ONE_CENTER,
    REASON_FIT_MESSAGE,
    REASON_LOG_HR,
    REASON_SE,
    pool_hazard_ratios,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL = 1e-6


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "meta_reference.json").read_text())


CASES = sorted(reference()["cases"])


def rows(name: str) -> list[tuple]:
    i = reference()["cases"][name]["input"]
    return list(zip(i["center"], i["log_hr"], i["se"], strict=True))


class TestPoolingMatchesMetafor:
    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_fixed_and_random_effects(self, name: str) -> None:
        r = reference()["cases"][name]
        res = pool_hazard_ratios(rows(name))
        for model in ("fixed", "random"):
            for key in ("log_hr", "se", "z", "p", "hr", "hr_lower", "hr_upper"):
                actual = getattr(res, f"{model}_{key}")
                np.testing.assert_allclose(actual, r[model][key], rtol=RTOL, err_msg=f"{name} {model} {key}")

    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_heterogeneity(self, name: str) -> None:
        r = reference()["cases"][name]
        res = pool_hazard_ratios(rows(name))
        np.testing.assert_allclose(res.tau2, r["tau2"], rtol=RTOL)
        np.testing.assert_allclose(res.q, r["q"], rtol=RTOL)
        assert res.q_df == r["q_df"]
        np.testing.assert_allclose(res.q_p, r["q_p"], rtol=RTOL)
        np.testing.assert_allclose(res.i2, r["i2_random"], rtol=RTOL)
        np.testing.assert_allclose(res.i2, r["i2_fixed"], rtol=RTOL)
        assert res.i2 == pytest.approx(100 * max(0.0, (res.q - res.q_df) / res.q))

    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_the_weights(self, name: str) -> None:
        r = reference()["cases"][name]
        res = pool_hazard_ratios(rows(name))
        np.testing.assert_allclose([c.weight_fixed for c in res.centers], r["weight_fixed"], rtol=RTOL)
        np.testing.assert_allclose([c.weight_random for c in res.centers], r["weight_random"], rtol=RTOL)

    def test_it_accepts_a_dataframe(self) -> None:
        i = reference()["cases"]["multicenter_age_lt6m"]["input"]
        df = pd.DataFrame({"site": i["center"], "coef": i["log_hr"], "se_coef": i["se"]})
        res = pool_hazard_ratios(df, center_col="site", log_hr_col="coef", se_col="se_coef")
        assert res.random_hr == pytest.approx(reference()["cases"]["multicenter_age_lt6m"]["random"]["hr"])
        assert [c.center for c in res.centers] == i["center"]


class TestExcludedAndDegenerate:
    def test_it_lists_non_estimable_centers_with_their_reason(self) -> None:
        extra = [
            ("X1", None, 0.3),
            ("X2", math.inf, 0.3),
            ("X3", 0.2, 0.0),
            ("X4", 0.2, math.nan),
            ("X5", -18.0, 2400.0, "no events in one arm: monotone likelihood"),
        ]
        res = pool_hazard_ratios(rows("bcg") + extra)
        assert res.k == 13
        assert [(e.center, e.reason) for e in res.excluded] == [
            ("X1", REASON_LOG_HR),
            ("X2", REASON_LOG_HR),
            ("X3", REASON_SE),
            ("X4", REASON_SE),
            ("X5", REASON_FIT_MESSAGE.format(message="no events in one arm: monotone likelihood")),
        ]
        np.testing.assert_allclose(res.random_log_hr, reference()["cases"]["bcg"]["random"]["log_hr"], rtol=RTOL)

    def test_it_reads_the_message_column_of_a_dataframe(self) -> None:
        df = pd.DataFrame(
            {"center": ["A", "B", "C"], "log_hr": [0.1, 0.4, 0.2], "se": [0.2, 0.3, 0.25], "message": [None, "x", ""]}
        )
        res = pool_hazard_ratios(df)
        assert [c.center for c in res.centers] == ["A", "C"]
        assert res.excluded[0].center == "B"

    def test_it_reports_no_estimable_center(self) -> None:
        res = pool_hazard_ratios([("A", None, None)])
        assert res.message == NO_CENTERS and not res.ok
        assert math.isnan(res.fixed_hr) and res.k == 0
        json.dumps(res.to_cli_dict())

    def test_it_reports_a_single_center(self) -> None:
        res = pool_hazard_ratios([("A", 0.5, 0.2), ("B", None, 0.1)])
        assert res.message == ONE_CENTER
        assert res.fixed_hr == pytest.approx(math.exp(0.5)) and res.random_hr == pytest.approx(math.exp(0.5))
        assert res.q == 0 and res.q_df == 0 and math.isnan(res.i2) and res.tau2 == 0

    def test_it_gives_zero_i2_and_tau2_when_q_is_below_its_df(self) -> None:
        res = pool_hazard_ratios([("A", 0.3, 0.2), ("B", 0.31, 0.2), ("C", 0.29, 0.25)])
        assert res.q < res.q_df
        assert res.i2 == 0 and res.tau2 == 0
        assert res.random_log_hr == pytest.approx(res.fixed_log_hr)

    @pytest.mark.parametrize(
        "estimates",
        [[("A", 0.1)], [("A", 0.1, 0.2), ("A", 0.3, 0.2)], pd.DataFrame({"center": ["A"], "log_hr": [0.1]})],
    )
    def test_it_rejects_malformed_input(self, estimates) -> None:
        with pytest.raises(AnalysisInputError):
            pool_hazard_ratios(estimates)

    def test_it_names_its_method_and_settings(self) -> None:
        res = pool_hazard_ratios(rows("bcg"))
        assert "DerSimonian-Laird" in res.method and "fixed-effect" in res.method
        assert res.settings["conf_level"] == 0.95
        out = res.to_cli_dict()
        assert set(out) >= {"fixed", "random", "heterogeneity", "centers", "excluded"}
        json.dumps(out)


estimate_lists = st.lists(
    st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(0.05, 2.0, allow_nan=False)), min_size=2, max_size=12
)


class TestProperties:
    @settings(max_examples=100, deadline=None)
    @given(estimate_lists, st.randoms(use_true_random=False))
    def test_order_of_centers_changes_nothing(self, data, rnd) -> None:
        named = [(f"C{i}", y, s) for i, (y, s) in enumerate(data)]
        shuffled = named[:]
        rnd.shuffle(shuffled)
        a, b = pool_hazard_ratios(named), pool_hazard_ratios(shuffled)
        for key in ("fixed_log_hr", "random_log_hr", "tau2", "q", "i2"):
            assert getattr(b, key) == pytest.approx(getattr(a, key), rel=1e-9, abs=1e-12)

    @settings(max_examples=100, deadline=None)
    @given(estimate_lists)
    def test_intervals_contain_the_estimates_and_i2_is_a_percentage(self, data) -> None:
        res = pool_hazard_ratios([(f"C{i}", y, s) for i, (y, s) in enumerate(data)])
        assert res.fixed_hr_lower <= res.fixed_hr <= res.fixed_hr_upper
        assert res.random_hr_lower <= res.random_hr <= res.random_hr_upper
        assert 0 <= res.i2 <= 100 and res.tau2 >= 0
        assert res.random_se >= res.fixed_se * (1 - 1e-12)
        assert sum(c.weight_fixed for c in res.centers) == pytest.approx(100)
