"""Kaplan-Meier against values R's survival package computed (tests/analytics/reference/km_logrank_reference.R).

Tolerance: rtol 1e-6 (atol 1e-12 for values that are 0 in R); R's NA must be NaN or infinite here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.core.exceptions import AnalysisInputError
from analytics.core.km import AFTER_FOLLOW_UP, DEFAULT_CONF_TYPE, confidence_limits, kaplan_meier

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL, ATOL = 1e-6, 1e-12


@cache
def reference() -> dict:
    return json.loads((REFERENCE / "km_logrank_reference.json").read_text())


def dataset(name: str) -> pd.DataFrame:
    inline = reference()["inline"]
    if name in inline:
        return pd.DataFrame(inline[name])
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv")


def as_array(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in np.atleast_1d(values)], dtype=float)


def assert_matches_r(actual, expected, what: str) -> None:
    actual = np.asarray(actual, dtype=float)
    expected = as_array(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs R {expected.shape}"
    missing = np.isnan(expected)
    assert not np.isfinite(actual[missing]).any(), f"{what}: R has NA at {np.flatnonzero(missing)}"
    np.testing.assert_allclose(actual[~missing], expected[~missing], rtol=RTOL, atol=ATOL, err_msg=what)


KM_CASES = reference()["km"]


def fit_case(case: dict):
    df = dataset(case["dataset"])
    return kaplan_meier(case["time"], case["event"], case["group"], data=df, conf_type=case["conf_type"])


def curve_for(fit, r_curve: dict):
    by_label = {str(k): v for k, v in fit.curves.items()}
    return by_label[str(r_curve["group"])]


@pytest.mark.parametrize("case", KM_CASES, ids=[c["id"] for c in KM_CASES])
class TestKaplanMeierMatchesR:
    def test_it_has_the_same_groups_counts_and_times(self, case):
        fit = fit_case(case)
        assert sorted(map(str, fit.curves)) == sorted(str(c["group"]) for c in case["curves"])
        for r in case["curves"]:
            curve = curve_for(fit, r)
            assert curve.n == r["n"] and curve.events == r["events"]
            assert_matches_r(curve.time, r["time"], "time")
            assert_matches_r(curve.n_risk, r["n_risk"], "n.risk")
            assert_matches_r(curve.n_event, r["n_event"], "n.event")
            assert_matches_r(curve.n_censor, r["n_censor"], "n.censor")

    def test_it_gives_rs_survival_greenwood_se_and_limits(self, case):
        fit = fit_case(case)
        for r in case["curves"]:
            curve = curve_for(fit, r)
            assert_matches_r(curve.survival, r["survival"], "surv")
            assert_matches_r(curve.log_std_err, r["log_std_err"], "std.err")
            assert_matches_r(curve.lower, r["lower"], f"lower ({case['conf_type']})")
            assert_matches_r(curve.upper, r["upper"], f"upper ({case['conf_type']})")

    def test_it_gives_rs_median_and_its_confidence_interval(self, case):
        # R's quantile() and print() agree on the limits except where a confidence curve rises again after it
        # reaches 0.5 (whole aml, "log"): there the limit is the first time it reaches 0.5, print()'s value.
        fit = fit_case(case)
        for r in case["curves"]:
            med = curve_for(fit, r).median()
            assert_matches_r(
                [med.median, med.lower, med.upper],
                [r["median"], r["table_lower"], r["table_upper"]],
                "median, lower, upper",
            )
            if case["id"] != "aml_all_log":
                assert_matches_r([med.lower, med.upper], [r["median_lower"], r["median_upper"]], "quantile()")

    def test_it_gives_rs_estimates_at_chosen_times(self, case):
        fit = fit_case(case)
        times = as_array(case["times"])
        for r in case["curves"]:
            curve = curve_for(fit, r)
            extended = curve.at(times, extend=True)
            for name, attr in [
                ("survival", "survival"),
                ("std_err", "std_err"),
                ("lower", "lower"),
                ("upper", "upper"),
                ("n_risk", "n_risk"),
            ]:
                assert_matches_r(getattr(extended, attr), r["at_extend"][name], f"extend=TRUE {name}")
            # extend=FALSE: R drops the times after the last observed time; we keep them as NaN, or as R's
            # extend=TRUE values once the curve has reached 0.
            plain = curve.at(times)
            kept = np.isin(times, as_array(r["at"]["time"]))
            if r["survival"][-1] == 0:
                for name in ("survival", "std_err", "lower", "upper"):
                    assert_matches_r(getattr(plain, name)[~kept], as_array(r["at_extend"][name])[~kept], name)
            else:
                assert np.isnan(plain.survival[~kept]).all()
            assert (plain.n_risk[~kept] == 0).all()
            for name in ("survival", "std_err", "lower", "upper", "n_risk"):
                assert_matches_r(getattr(plain, name)[kept], r["at"][name], f"extend=FALSE {name}")

    def test_it_gives_rs_restricted_mean_and_its_se(self, case):
        fit = fit_case(case)
        for r in case["curves"]:
            rm = curve_for(fit, r).rmst(r["rmean"]["horizon"])
            assert_matches_r([rm.estimate, rm.std_err], [r["rmean"]["estimate"], r["rmean"]["std_err"]], "rmean")


class TestKaplanMeierRules:
    def test_it_takes_the_midpoint_where_the_curve_is_flat_at_one_half(self):
        curve = kaplan_meier([1, 2, 3, 4], [1, 1, 0, 1])["all"]
        assert curve.median().median == 3.0  # S = 0.5 on [2, 4): (2 + 4) / 2

    def test_it_gives_rs_upper_limit_45_for_the_median_of_the_whole_aml_data(self):
        # The "log" upper curve first drops below 0.5 at 45, then rises to 0.46 at 48 (R print(fit): 45).
        fit = kaplan_meier("time", "status", data=dataset("aml"), conf_type="log")
        med = fit["all"].median()
        assert (med.median, med.lower, med.upper) == (27.0, 18.0, 45.0)

    def test_it_gives_0_after_the_last_event_once_the_curve_has_reached_0(self):
        at = kaplan_meier([1, 2, 3, 3], [0, 1, 1, 1])["all"].at([2, 3, 4, 10])
        assert at.survival.tolist() == [pytest.approx(2 / 3), 0.0, 0.0, 0.0]
        assert at.ok and at.n_risk.tolist() == [3, 2, 0, 0]
        assert np.isnan(at.lower[1:]).all() and np.isnan(at.upper[1:]).all()

    def test_it_says_which_times_are_after_the_last_follow_up(self):
        at = kaplan_meier([1, 2, 3], [1, 0, 0])["all"].at([2, 5, 7])  # last case censored: S stays at 2/3
        assert at.message == AFTER_FOLLOW_UP.format(times="5, 7", last=3.0)
        assert np.isnan(at.survival[1:]).all() and at.survival[0] == pytest.approx(2 / 3)
        assert kaplan_meier([1, 2, 3], [1, 0, 0])["all"].at([5], extend=True).ok

    def test_it_defaults_to_log_log_limits_inside_zero_one(self):
        fit = kaplan_meier(*(dataset("aml")[c] for c in ("time", "status")))
        curve = fit["all"]
        assert curve.conf_type == DEFAULT_CONF_TYPE == "log-log"
        finite = np.isfinite(curve.lower)
        assert (curve.lower[finite] > 0).all() and (curve.upper[finite] < 1).all()

    def test_it_truncates_the_log_upper_limit_at_one_as_r_does(self):
        lower, upper = confidence_limits(np.array([0.95]), np.array([0.2]), "log")
        assert upper[0] == 1.0 and lower[0] == pytest.approx(0.95 * np.exp(-1.959963984540054 * 0.2))

    def test_it_reports_a_group_without_events_with_a_message(self):
        fit = kaplan_meier([1, 2, 3, 4], [1, 0, 1, 0], ["a", "b", "a", "b"])
        assert fit["a"].ok
        assert not fit["b"].ok and "no events" in fit["b"].message
        assert (fit["b"].survival == 1).all()
        assert np.isnan(fit["b"].median().median)

    def test_it_reports_all_censored_input_with_a_message_not_a_crash(self):
        fit = kaplan_meier([1, 2, 3], [0, 0, 0])
        assert fit.message and fit.events == 0

    def test_it_names_its_method_and_settings(self):
        fit = kaplan_meier([1, 2, 3], [1, 0, 1], conf_type="plain", conf_level=0.9)
        assert "Kaplan-Meier" in fit.method and "plain" in fit.method
        assert fit.settings["conf_type"] == "plain" and fit.settings["conf_level"] == 0.9

    def test_it_rejects_an_unknown_conf_type(self):
        with pytest.raises(AnalysisInputError, match="conf_type"):
            kaplan_meier([1, 2], [1, 1], conf_type="logit")

    def test_it_rejects_negative_times_naming_the_column(self):
        df = pd.DataFrame({"os_days": [1, -2], "dead": [1, 0]})
        with pytest.raises(AnalysisInputError, match="os_days"):
            kaplan_meier("os_days", "dead", data=df)

    def test_it_rejects_a_missing_column(self):
        with pytest.raises(AnalysisInputError, match="nope"):
            kaplan_meier("time", "nope", data=dataset("aml"))

    def test_its_json_form_has_the_cli_keys(self):
        curve = kaplan_meier("time", "status", "x", data=dataset("aml"))["Maintained"]
        out = curve.to_cli_dict(times=[10, 1000], rmst_horizon=100)
        assert set(out) == {"n", "events", "median", "median_ci", "rmst", "at", "curve"}
        assert set(out["curve"]) == {"time", "survival", "lower", "upper", "at_risk"}
        assert out["at"][1]["survival"] is None and out["at"][1]["at_risk"] == 0
        assert set(out["at"][0]) == {"time", "survival", "se", "lower", "upper", "at_risk"}


class TestKaplanMeierAgreesWithLifelines:
    def test_it_gives_lifelines_survival_and_log_log_limits_on_lung(self):
        from lifelines import KaplanMeierFitter

        df = dataset("lung")
        curve = kaplan_meier("time", "status", data=df)["all"]
        kmf = KaplanMeierFitter().fit(df["time"], df["status"])
        theirs = kmf.survival_function_["KM_estimate"].reindex(curve.time)
        np.testing.assert_allclose(curve.survival, theirs.to_numpy(), rtol=1e-10)
        ci = kmf.confidence_interval_.reindex(curve.time)
        inner = (curve.survival < 1) & (curve.survival > 0)
        np.testing.assert_allclose(curve.lower[inner], ci.iloc[:, 0].to_numpy()[inner], rtol=1e-8)
        np.testing.assert_allclose(curve.upper[inner], ci.iloc[:, 1].to_numpy()[inner], rtol=1e-8)

    def test_it_gives_lifelines_median_where_no_flat_stretch_sits_at_one_half(self):
        from lifelines import KaplanMeierFitter

        df = dataset("veteran")
        for label, curve in kaplan_meier("time", "status", "celltype", data=df).curves.items():
            part = df[df["celltype"] == label]
            kmf = KaplanMeierFitter().fit(part["time"], part["status"])
            assert curve.median().median == pytest.approx(kmf.median_survival_time_)
