"""Cumulative incidence and Gray's test against R (tests/analytics/reference/competing_reference.R).

R values: ``survival::survfit(Surv(time, factor(event)) ~ group)`` (Aalen-Johansen, infinitesimal-jackknife
std.err, conf.type log / log-log / plain), ``summary(fit, times=)``, ``cmprsk::cuminc`` (estimates, variances,
Gray's test). Tolerance rtol 1e-6 (atol 1e-12 for values that are 0 in R).

Deliberate differences from R, checked here:
- where R's CI is NA because the transform is undefined (log or log-log at an estimate of 0, log-log at 1),
  the engine gives the degenerate interval [estimate, estimate];
- Gray's p is the chi-square upper tail computed directly; cuminc's ``1 - pchisq()`` loses everything below
  about 1e-15 (it prints 1.3e-15 for 1.296e-15, and 0 for 2.7e-17), so p is compared with R's
  ``pchisq(lower.tail = FALSE)``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from analytics.core.competing import (
    ALL_CENSORED,
    GRAY_NO_EVENTS,
    GRAY_ONE_GROUP,
    NO_EVENTS_OF_INTEREST,
    cumulative_incidence,
    gray_test,
)
from analytics.core.exceptions import AnalysisInputError

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL, ATOL = 1e-6, 1e-12
CONF_SUFFIX = {"log": "log", "log-log": "loglog", "plain": "plain"}


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "competing_reference.json").read_text())


@cache
def dataset(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / name)


def as_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in np.atleast_1d(values)], dtype=float)


def assert_matches_r(actual, expected, what: str) -> None:
    actual = np.asarray(actual, dtype=float)
    expected = as_array(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs R {expected.shape}"
    present = ~np.isnan(expected)
    np.testing.assert_allclose(actual[present], expected[present], rtol=RTOL, atol=ATOL, err_msg=what)


CASES = sorted(reference()["cases"])
GROUPED = [name for name in CASES if reference()["cases"][name]["group"]]
STRATIFIED = [name for name in CASES if "gray_stratified" in reference()["cases"][name]]


def run(name: str, **kwargs):
    case = reference()["cases"][name]
    df = dataset(case["data"])
    return case, cumulative_incidence(
        case["time"], case["event"], case["group"], times=case["times"], data=df, **kwargs
    )


class TestCumulativeIncidenceMatchesSurvfit:
    @pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_the_full_survfit_curve(self, name: str, conf_type: str) -> None:
        case, results = run(name, conf_type=conf_type)
        assert [str(k) for k in results] == list(case["survfit"])
        for label, result in results.items():
            r = case["survfit"][str(label)]
            what = f"{name}/{label}/{conf_type}"
            assert_matches_r(result.time, r["time"], f"{what} time")
            assert_matches_r(result.n_risk, r["n_risk"], f"{what} n.risk")
            assert_matches_r(result.estimate, r["estimate"], f"{what} pstate")
            assert_matches_r(result.std_err, r["std_err"], f"{what} std.err")
            assert_matches_r(result.lower, r["lower_" + CONF_SUFFIX[conf_type]], f"{what} lower")
            assert_matches_r(result.upper, r["upper_" + CONF_SUFFIX[conf_type]], f"{what} upper")

    @pytest.mark.parametrize("conf_type", ["log", "log-log"])
    def test_it_gives_a_degenerate_interval_where_r_gives_na(self, conf_type: str) -> None:
        case, results = run("mgus2_sex", conf_type=conf_type)
        for label, result in results.items():
            na = np.isnan(as_array(case["survfit"][str(label)]["lower_" + CONF_SUFFIX[conf_type]]))
            assert na.any()
            np.testing.assert_array_equal(result.lower[na], result.estimate[na])
            np.testing.assert_array_equal(result.upper[na], result.estimate[na])
            assert set(np.unique(result.estimate[na])) <= {0.0, 1.0}

    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_summary_survfit_at_the_chosen_times(self, name: str) -> None:
        case, results = run(name, conf_type="log")
        for label, result in results.items():
            r = case["at"][str(label)]
            assert_matches_r(result.at_time, r["time"], f"{name}/{label} times")
            assert_matches_r(result.at_estimate, r["estimate"], f"{name}/{label} estimate")
            assert_matches_r(result.at_std_err, r["std_err"], f"{name}/{label} std.err")
            assert_matches_r(result.at_lower, r["lower"], f"{name}/{label} lower")
            assert_matches_r(result.at_upper, r["upper"], f"{name}/{label} upper")

    @pytest.mark.parametrize("name", CASES)
    def test_it_matches_cmprsk_cuminc_estimates_and_variances(self, name: str) -> None:
        case, results = run(name, variance="cmprsk")
        for label, result in results.items():
            r = case["cuminc"][str(label)]
            idx = np.searchsorted(result.time, r["time"], side="right") - 1
            estimate = np.where(idx >= 0, result.estimate[np.maximum(idx, 0)], 0.0)
            variance = np.where(idx >= 0, result.std_err[np.maximum(idx, 0)] ** 2, 0.0)
            assert_matches_r(estimate, r["estimate"], f"{name}/{label} cuminc est")
            assert_matches_r(variance, r["variance"], f"{name}/{label} cuminc var")

    def test_it_names_its_method_and_settings(self) -> None:
        _, results = run("mgus2_sex")
        result = results["F"]
        assert "Aalen-Johansen" in result.method
        assert "infinitesimal-jackknife" in result.method
        assert result.settings == {"conf_level": 0.95, "conf_type": "log-log", "variance": "ij", "cause": 1}
        assert result.ok
        assert (result.n, result.events, result.competing_events) == (631, 59, 370)


class TestGrayMatchesCmprsk:
    @pytest.mark.parametrize("name", GROUPED)
    def test_it_matches_cuminc_tests(self, name: str) -> None:
        case = reference()["cases"][name]
        res = gray_test(case["time"], case["event"], case["group"], data=dataset(case["data"]))
        r = case["gray"]
        np.testing.assert_allclose(res.chisq, r["chisq"], rtol=RTOL)
        assert res.df == r["df"]
        np.testing.assert_allclose(res.p, r["p_upper"], rtol=RTOL)
        np.testing.assert_allclose(res.p, r["p"], rtol=RTOL, atol=1e-15)
        assert res.ok and "Gray" in res.method

    @pytest.mark.parametrize("name", STRATIFIED)
    def test_it_matches_stratified_cuminc_tests(self, name: str) -> None:
        case = reference()["cases"][name]
        res = gray_test(case["time"], case["event"], case["group"], case["strata"], data=dataset(case["data"]))
        r = case["gray_stratified"]
        np.testing.assert_allclose(res.chisq, r["chisq"], rtol=RTOL)
        assert res.df == r["df"]
        np.testing.assert_allclose(res.p, r["p_upper"], rtol=RTOL)
        assert res.settings["stratified"] is True

    def test_it_takes_arrays_as_well_as_column_names(self) -> None:
        case = reference()["cases"]["multicenter_risk"]
        df = dataset(case["data"])
        by_name = gray_test("time", "cr_event", "risk", data=df)
        by_array = gray_test(df["time"].to_numpy(), df["cr_event"].to_list(), df["risk"].to_numpy())
        assert by_name.chisq == pytest.approx(by_array.chisq, rel=1e-12)


class TestDegenerateAndBadInput:
    def test_it_reports_one_group_in_grays_test(self) -> None:
        res = gray_test([1, 2, 3], [1, 2, 0], ["a", "a", "a"])
        assert res.message == GRAY_ONE_GROUP.format(count=1)
        assert np.isnan(res.chisq) and np.isnan(res.p)

    def test_it_reports_no_events_of_interest(self) -> None:
        res = gray_test([1, 2, 3, 4], [2, 0, 2, 0], ["a", "a", "b", "b"])
        assert res.message == GRAY_NO_EVENTS
        curves = cumulative_incidence([1, 2, 3, 4], [2, 0, 2, 0], ["a", "a", "b", "b"], times=[2])
        assert curves["a"].message == NO_EVENTS_OF_INTEREST.format(group="a")
        assert curves["a"].at_estimate.tolist() == [0.0]
        assert curves["a"].at_lower.tolist() == [0.0] and curves["a"].at_upper.tolist() == [0.0]

    def test_it_reports_all_censored(self) -> None:
        res = cumulative_incidence([5, 6, 7], [0, 0, 0], times=[6])["all"]
        assert res.message == ALL_CENSORED.format(group="all")
        assert not res.ok
        assert res.to_cli_dict()["message"] == res.message
        assert (res.estimate == 0).all() and (res.std_err == 0).all()

    def test_it_reports_a_singular_variance_instead_of_a_statistic(self) -> None:
        # Group b is entirely censored before the only event: it contributes nothing to the variance.
        res = gray_test([5, 1, 2], [1, 0, 0], ["a", "b", "b"])
        assert not res.ok and np.isnan(res.chisq)

    @pytest.mark.parametrize("rho", [0.5, -1.0])
    def test_a_weighted_grays_test_survives_a_pooled_incidence_past_one(self, rho: float) -> None:
        # The pooled null estimate reaches 1.25 at time 3 (groups lose people to cause 1 at different
        # rates) and a competing event follows at 6: (1 - F0)^rho was NaN there and the test raised.
        res = gray_test([1, 6, 3, 1, 2, 1], [1, 2, 1, 1, 1, 1], [3, 0, 2, 4, 4, 1], rho=rho)
        assert res.ok and np.isfinite(res.chisq) and res.df == 4
        assert res.chisq != pytest.approx(gray_test([1, 6, 3, 1, 2, 1], [1, 2, 1, 1, 1, 1], [3, 0, 2, 4, 4, 1]).chisq)

    def test_it_gives_nan_past_the_last_follow_up_and_zero_before_the_first_event(self) -> None:
        res = cumulative_incidence([2, 4, 6, 8], [1, 2, 1, 0], times=[1, 2, 8, 9])["all"]
        assert res.at_estimate[0] == 0.0 and res.at_estimate[1] == pytest.approx(0.25)
        assert res.at_estimate[2] == pytest.approx(0.25 + 0.5 * 1 / 2)
        assert np.isnan(res.at_estimate[3])
        assert res.to_cli_dict()["at"][3] == {"time": 9.0, "estimate": None, "se": None, "lower": None, "upper": None}

    @pytest.mark.parametrize(
        ("kwargs", "fragment"),
        [
            ({"time": [1, -2], "event": [1, 0]}, "must be >= 0"),
            ({"time": [1, 2], "event": [1, 3]}, "outside the allowed set"),
            ({"time": [1, 2, 3], "event": [1, 0]}, "same length"),
            ({"time": [1, 2], "event": [1, 0], "conf_type": "arcsine"}, "conf_type"),
            ({"time": [1, 2], "event": [1, 0], "variance": "greenwood"}, "variance"),
            ({"time": [1, 2], "event": [1, 0], "conf_level": 95}, "conf_level"),
            ({"time": ["a", "b"], "event": [1, 0]}, "numeric"),
        ],
    )
    def test_it_rejects_bad_input_with_one_clear_line(self, kwargs: dict, fragment: str) -> None:
        with pytest.raises(AnalysisInputError, match=fragment) as info:
            cumulative_incidence(**kwargs)
        assert "\n" not in str(info.value)

    def test_it_rejects_a_missing_column(self) -> None:
        with pytest.raises(AnalysisInputError, match="not found"):
            cumulative_incidence("t", "e", data=pd.DataFrame({"time": [1], "event": [1]}))


class TestCliShape:
    def test_to_cli_dict_lists_the_requested_times(self) -> None:
        _, results = run("multicenter_sex")
        out = results["F"].to_cli_dict()
        assert [row["time"] for row in out["at"]] == [365.0, 730.0, 1825.0]
        assert set(out["at"][0]) == {"time", "estimate", "se", "lower", "upper"}
        assert out["n"] == results["F"].n and "message" not in out
        json.dumps(out)

    def test_to_dict_is_json_ready(self) -> None:
        _, results = run("mgus2_all")
        json.dumps(results["all"].to_dict())
        json.dumps(gray_test([1, 2, 3, 4], [1, 1, 2, 1], [0, 0, 1, 1]).to_cli_dict())


class TestAgreesWithLifelines:
    def test_without_competing_events_it_is_one_minus_kaplan_meier(self) -> None:
        df = dataset("mgus2.csv")
        event = np.where(df["event"] == 2, 0, df["event"])
        res = cumulative_incidence(df["etime"], event)["all"]
        kmf = KaplanMeierFitter().fit(df["etime"], event)
        km = kmf.survival_function_at_times(res.time).to_numpy()
        np.testing.assert_allclose(res.estimate, 1.0 - km, rtol=1e-10, atol=1e-12)


def _weighted_cif(t: np.ndarray, e: np.ndarray, w: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """A deliberately plain, loop-based weighted Aalen-Johansen CIF, for the influence check below."""
    surv, cif, out = 1.0, 0.0, []
    for s in grid:
        at_risk = w[t >= s].sum()
        d1 = w[(t == s) & (e == 1)].sum()
        d = w[(t == s) & (e > 0)].sum()
        cif += surv * d1 / at_risk
        surv *= 1 - d / at_risk
        out.append(cif)
    return np.array(out)


class TestInfinitesimalJackknife:
    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_the_variance_is_the_sum_of_squared_numerical_influences(self, seed: int) -> None:
        # Independent of R: differentiate the weighted estimator by central differences, subject by subject.
        rng = np.random.default_rng(seed)
        t = rng.integers(1, 12, 40).astype(float)
        e = rng.integers(0, 3, 40)
        res = cumulative_incidence(t, e)["all"]
        h = 1e-6
        influence = []
        for i in range(t.size):
            up, down = np.ones(t.size), np.ones(t.size)
            up[i] += h
            down[i] -= h
            influence.append((_weighted_cif(t, e, up, res.time) - _weighted_cif(t, e, down, res.time)) / (2 * h))
        variance = (np.array(influence) ** 2).sum(axis=0)
        np.testing.assert_allclose(res.std_err**2, variance, rtol=1e-6, atol=1e-12)


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------

rows = st.lists(
    st.tuples(st.integers(0, 15), st.integers(0, 2), st.sampled_from(["a", "b", "c"])), min_size=1, max_size=40
)


def _frame(data: list) -> pd.DataFrame:
    return pd.DataFrame(data, columns=["time", "event", "group"])


class TestProperties:
    @settings(max_examples=150, deadline=None)
    @given(rows, st.sampled_from(["log", "log-log", "plain"]), st.sampled_from(["ij", "cmprsk"]))
    def test_cif_is_non_decreasing_in_0_1_and_cis_contain_it(self, data, conf_type, variance) -> None:
        df = _frame(data)
        for res in cumulative_incidence(
            "time", "event", "group", times=[0, 5, 10], data=df, conf_type=conf_type, variance=variance
        ).values():
            assert (np.diff(res.estimate) >= -1e-12).all()
            assert ((res.estimate >= 0) & (res.estimate <= 1 + 1e-12)).all()
            assert (res.lower <= res.estimate + 1e-12).all() and (res.estimate <= res.upper + 1e-12).all()
            assert ((res.lower >= 0) & (res.upper <= 1 + 1e-12)).all()
            assert np.isfinite(res.std_err).all()

    @settings(max_examples=100, deadline=None)
    @given(rows, st.randoms(use_true_random=False))
    def test_permuting_rows_changes_nothing(self, data, rnd) -> None:
        df = _frame(data)
        shuffled = df.sample(frac=1.0, random_state=rnd.randint(0, 10**6)).reset_index(drop=True)
        a = cumulative_incidence("time", "event", "group", data=df)
        b = cumulative_incidence("time", "event", "group", data=shuffled)
        assert list(a) == list(b)
        for label in a:
            np.testing.assert_allclose(a[label].estimate, b[label].estimate, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(a[label].std_err, b[label].std_err, rtol=1e-9, atol=1e-15)
        ga = gray_test("time", "event", "group", data=df)
        gb = gray_test("time", "event", "group", data=shuffled)
        assert ga.message == gb.message
        if ga.ok:
            assert gb.chisq == pytest.approx(ga.chisq, rel=1e-9, abs=1e-12)

    @settings(max_examples=100, deadline=None)
    @given(rows)
    def test_relabelling_groups_changes_nothing_in_grays_test(self, data) -> None:
        df = _frame(data)
        relabelled = df.assign(group=df["group"].map({"a": "z", "b": "y", "c": "x"}))
        ga = gray_test("time", "event", "group", data=df)
        gb = gray_test("time", "event", "group", data=relabelled)
        assert ga.ok == gb.ok
        if ga.ok:
            assert gb.chisq == pytest.approx(ga.chisq, rel=1e-7, abs=1e-10)

    @settings(max_examples=60, deadline=None)
    @given(rows)
    def test_one_stratum_equals_the_unstratified_test(self, data) -> None:
        df = _frame(data).assign(stratum="s")
        plain = gray_test("time", "event", "group", data=df)
        stratified = gray_test("time", "event", "group", "stratum", data=df)
        assert plain.ok == stratified.ok
        if plain.ok:
            assert stratified.chisq == pytest.approx(plain.chisq, rel=1e-12)
