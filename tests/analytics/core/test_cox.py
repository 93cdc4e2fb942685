"""Cox proportional hazards against R's survival::coxph (values in reference/cox_reference.json), lifelines,
and properties that must hold whatever the data.

The reference values were made by reference/cox_reference.R (R 4.2, survival 3.5); R is not needed to run
these tests. Every quantity is compared at rtol = 1e-6. Our fit iterates past R's stopping point
(relative log-likelihood change < 1e-9), so coefficients agree with R to about 1e-8 relative, not to the
last digit; everything else R computes from those coefficients agrees to the same order.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.cox import CoxResult, cox_ph
from analytics.core.cox.fit import (
    COLLINEAR,
    INFINITE_COEF,
    NO_EVENTS,
    NO_INFORMATION,
    NO_VARIANCE,
    NO_VARIANCE_IN_STRATA,
    NOT_CONVERGED,
)
from analytics.core.exceptions import AnalysisInputError, ConvergenceWarning, DegenerateDataWarning

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL = 1e-6
CASES = json.loads((REFERENCE / "cox_reference.json").read_text())["cases"]


def load(name: str) -> pd.DataFrame:
    df = pd.read_csv(REFERENCE / "data" / f"{name}.csv")
    if name == "lung":  # the R script's years with rounding noise, computed the same way
        df["years"] = df["time"] / 365.25 * (1 + 1e-12 * (np.arange(1, len(df) + 1) % 2))
    if name == "multicenter":
        df["relapse"] = (df["cr_event"] == 1).astype(int)  # the R script's Surv(time, cr_event == 1)
        df["const"] = 1.0  # the R script's not-estimable covariates
        df["both"] = df["age_lt6m"] + df["wbc300"]
    return df


def fit_case(case: dict) -> CoxResult:
    with warnings.catch_warnings():
        # multicenter_not_estimable warns on purpose; its message is checked below.
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return cox_ph(
            load(case["data"]),
            time=case["time"],
            event=case["event"],
            covariates=case["covariates"],
            ties=case["ties"],
            strata=case["strata"],
        )


@pytest.fixture(scope="module", params=sorted(CASES), ids=str)
def case_and_fit(request):
    case = CASES[request.param]
    return case, fit_case(case)


def estimable(case: dict) -> list[int]:
    return [i for i, c in enumerate(case["coef"]) if c is not None]


def close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol)


class TestAgainstR:
    def test_it_names_the_terms_as_r_does(self, case_and_fit):
        case, fit = case_and_fit
        assert list(fit.terms) == case["terms"]

    def test_it_counts_rows_events_and_dropped_rows_as_r(self, case_and_fit):
        case, fit = case_and_fit
        assert (fit.n, fit.n_events, fit.n_dropped) == (case["n"], case["nevent"], case["n_dropped"])
        assert fit.settings["n_dropped"] == case["n_dropped"]

    def test_coefficients_standard_errors_and_hazard_ratios_match(self, case_and_fit):
        case, fit = case_and_fit
        close(fit.coef, case["coef"])  # NA in R, NaN here
        keep = estimable(case)
        close(np.asarray(fit.se)[keep], np.asarray(case["se"])[keep])  # R's se of an NA coefficient is 0
        assert np.isnan(np.delete(np.asarray(fit.se), keep)).all()
        close(fit.hr, case["hr"])
        close(fit.hr_lower, case["hr_lower"])
        close(fit.hr_upper, case["hr_upper"])
        close(fit.z, case["z"])
        close(fit.p, case["p"])
        close(fit.var, np.asarray(case["var"])[np.ix_(keep, keep)])  # ours leaves the NA rows out

    def test_loglik_and_the_three_global_tests_match(self, case_and_fit):
        case, fit = case_and_fit
        close(fit.loglik, case["loglik"])
        for name in ("lr", "wald", "score"):
            close(getattr(fit, f"{name}_chisq"), case[name]["chisq"])
            close(getattr(fit, f"{name}_p"), case[name]["p"])
            assert getattr(fit, f"{name}_df") == case[name]["df"]

    def test_concordance_its_standard_error_and_pair_counts_match(self, case_and_fit):
        case, fit = case_and_fit
        close(fit.concordance, case["concordance"])
        close(fit.concordance_se, case["concordance_se"])
        counts = case["concordance_counts"]
        assert fit.concordance_counts == {
            "concordant": counts["concordant"],
            "discordant": counts["discordant"],
            "tied_x": counts["tied.x"],
            "tied_y": counts["tied.y"],
            "tied_xy": counts["tied.xy"],
        }

    def test_it_takes_as_many_newton_steps_as_r_before_polishing(self, case_and_fit):
        case, fit = case_and_fit
        assert fit.iterations == case["iter"]
        assert fit.converged
        not_estimable = [t for t, c in zip(case["terms"], case["coef"], strict=True) if c is None]
        if not_estimable:
            assert all(f"covariate {t!r}" in fit.message for t in not_estimable)
        else:
            assert fit.message is None

    def test_the_cli_dict_carries_the_r_values_in_the_agreed_shape(self, case_and_fit):
        case, fit = case_and_fit
        out = fit.to_cli_dict()
        json.dumps(out, allow_nan=False)
        assert list(out) == ["terms", "loglik", "lr_chisq", "lr_df", "lr_p", "concordance", "ph_test"]
        assert [set(t) for t in out["terms"]] == [{"term", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"}] * len(
            case["terms"]
        )
        close([t["coef"] for t in out["terms"]], case["coef"])
        close(out["loglik"], case["loglik"])
        close(out["lr_chisq"], case["lr"]["chisq"])
        assert out["lr_df"] == case["lr"]["df"]
        close(out["concordance"], case["concordance"])
        zph = next(z for z in case["zph"] if z["transform"] == "km" and z["terms_grouped"])
        close(out["ph_test"]["global"]["chisq"], zph["global"]["chisq"])
        assert [t["term"] for t in out["ph_test"]["terms"]] == [t["term"] for t in zph["terms"]]

    def test_the_table_has_one_row_per_term(self):
        case = CASES["veteran_efron"]
        table = fit_case(case).to_frame()
        assert list(table.index) == case["terms"]
        assert list(table.columns) == ["coef", "se", "hr", "hr_lower", "hr_upper", "z", "p"]
        close(table["hr_upper"], case["hr_upper"])

    def test_the_method_and_settings_say_what_was_done(self):
        fit = fit_case(CASES["multicenter_efron"])
        assert fit.method.startswith("Cox proportional hazards, Efron ties, stratified by center;")
        assert fit.settings["ties"] == "efron" and fit.settings["strata"] == ["center"]
        assert fit.settings["reference_levels"] == {"risk": "favorable", "sex": "F"}
        json.dumps(fit.to_dict(), allow_nan=False)


class TestAgainstLifelines:
    def test_it_matches_lifelines_coxphfitter_run_to_tight_precision(self):
        lifelines = pytest.importorskip("lifelines")
        df = load("lung")[["time", "status", "age", "sex", "ph.ecog"]].dropna()
        cph = lifelines.CoxPHFitter(baseline_estimation_method="breslow")
        cph.fit(df, duration_col="time", event_col="status", fit_options={"precision": 1e-12, "max_steps": 100})
        fit = cox_ph(df, time="time", event="status", covariates=["age", "sex", "ph.ecog"])
        close(fit.coef, cph.params_[["age", "sex", "ph.ecog"]].to_numpy())
        close(fit.se, cph.standard_errors_[["age", "sex", "ph.ecog"]].to_numpy())
        close(fit.loglik[1], cph.log_likelihood_)

    def test_it_matches_lifelines_with_strata(self):
        lifelines = pytest.importorskip("lifelines")
        df = load("multicenter")[["os_time", "os_event", "age_lt6m", "wbc300", "center"]]
        cph = lifelines.CoxPHFitter()
        cph.fit(df, duration_col="os_time", event_col="os_event", strata=["center"], fit_options={"precision": 1e-12})
        fit = cox_ph(df, time="os_time", event="os_event", covariates=["age_lt6m", "wbc300"], strata="center")
        close(fit.coef, cph.params_[["age_lt6m", "wbc300"]].to_numpy())
        close(fit.se, cph.standard_errors_[["age_lt6m", "wbc300"]].to_numpy())


def small_cohort(seed: int, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.integers(0, 2, n)
    grp = rng.choice(["a", "b", "c"], n)
    center = rng.choice(["C1", "C2", "C3"], n)
    hazard = np.exp(0.5 * x1 + 0.7 * x2 + 0.4 * (grp == "b"))
    time = np.ceil(rng.exponential(100 / hazard))  # whole days: many ties
    cens = np.ceil(rng.uniform(20, 200, n))
    return pd.DataFrame(
        {
            "time": np.minimum(time, cens),
            "event": (time <= cens).astype(int),
            "x1": x1,
            "x2": x2,
            "grp": grp,
            "center": center,
        }
    )


def comparable(fit: CoxResult) -> dict:
    out = fit.to_cli_dict()
    out["se"] = list(fit.se)
    out["wald"] = fit.wald_chisq
    out["score"] = fit.score_chisq
    out["concordance_se"] = fit.concordance_se
    return out


def assert_same(a, b, where: str = "") -> None:
    """Equal structure; numbers equal to rounding (the sums run in another order)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and b is not None:
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=where)
    else:
        assert a == b, where


class TestProperties:
    @settings(max_examples=25, deadline=None)
    @given(seed=st.integers(0, 2**31 - 1), ties=st.sampled_from(["efron", "breslow"]))
    def test_permuting_rows_changes_nothing(self, seed, ties):
        df = small_cohort(seed)
        kwargs = {"time": "time", "event": "event", "covariates": ["x1", "x2", "grp"], "ties": ties}
        shuffled = df.sample(frac=1.0, random_state=seed % 1000).reset_index(drop=True)
        assert_same(comparable(cox_ph(df, **kwargs)), comparable(cox_ph(shuffled, **kwargs)))

    @settings(max_examples=25, deadline=None)
    @given(seed=st.integers(0, 2**31 - 1))
    def test_a_single_stratum_is_the_unstratified_fit(self, seed):
        df = small_cohort(seed).assign(one="all")
        kwargs = {"time": "time", "event": "event", "covariates": ["x1", "x2", "grp"]}
        plain = comparable(cox_ph(df, **kwargs))
        stratified = comparable(cox_ph(df, strata="one", **kwargs))
        assert_same(plain, stratified)

    @settings(max_examples=20, deadline=None)
    @given(seed=st.integers(0, 2**31 - 1))
    def test_only_the_order_of_times_matters(self, seed):
        # The partial likelihood sees times only through their order: months instead of days, or any
        # increasing transform, gives the same fit (and takes the non-integer path of the row sort).
        df = small_cohort(seed)
        kwargs = {"event": "event", "covariates": ["x1", "x2", "grp"], "strata": "center"}
        days = cox_ph(df, time="time", **kwargs)
        months = cox_ph(df.assign(months=np.sqrt(df["time"]) / 30.4375), time="months", **kwargs)
        a, b = comparable(days), comparable(months)
        for fit in (a, b):  # only the km and rank transforms of the PH test are order-invariant
            fit.pop("ph_test")
        assert_same(a, b)
        assert_same(days.ph_test.to_cli_dict(), months.ph_test.to_cli_dict())

    @settings(max_examples=15, deadline=None)
    @given(seed=st.integers(0, 2**31 - 1), factor=st.sampled_from([0.01, 3.0, 365.25]))
    def test_rescaling_a_covariate_rescales_only_its_coefficient(self, seed, factor):
        df = small_cohort(seed)
        base = cox_ph(df, time="time", event="event", covariates=["x1", "x2"])
        scaled = cox_ph(df.assign(x1=df["x1"] * factor), time="time", event="event", covariates=["x1", "x2"])
        np.testing.assert_allclose(scaled.coef[0] * factor, base.coef[0], rtol=1e-8)
        np.testing.assert_allclose(scaled.coef[1], base.coef[1], rtol=1e-8)
        np.testing.assert_allclose(scaled.loglik, base.loglik, rtol=1e-12)
        np.testing.assert_allclose(scaled.concordance, base.concordance, rtol=1e-12)


class TestStrata:
    def test_two_strata_columns_cross_as_r_strata_a_b(self):
        df = small_cohort(11).assign(sex=lambda d: np.where(d["x2"] == 1, "F", "M"))
        two = cox_ph(df, time="time", event="event", covariates=["x1"], strata=["center", "sex"])
        crossed = cox_ph(
            df.assign(cs=df["center"] + ":" + df["sex"]), time="time", event="event", covariates=["x1"], strata="cs"
        )
        close(two.coef, crossed.coef, rtol=1e-12)
        close(two.concordance, crossed.concordance, rtol=1e-12)
        assert "stratified by center x sex" in two.method


class TestCovariateCoding:
    def test_strings_are_dummy_coded_against_the_first_sorted_level(self):
        df = small_cohort(1)
        fit = cox_ph(df, time="time", event="event", covariates=["grp"])
        assert fit.terms == ("grpb", "grpc")
        assert fit.settings["reference_levels"] == {"grp": "a"}

    def test_a_categorical_keeps_its_own_level_order(self):
        df = small_cohort(1)
        df["grp"] = pd.Categorical(df["grp"], categories=["c", "a", "b", "unused"])
        fit = cox_ph(df, time="time", event="event", covariates=["grp"])
        assert fit.terms == ("grpa", "grpb")

    def test_a_boolean_is_named_as_r_names_a_logical(self):
        df = small_cohort(1).assign(flag=lambda d: d["x2"] == 1)
        fit = cox_ph(df, time="time", event="event", covariates=["flag"])
        ref = cox_ph(df, time="time", event="event", covariates=["x2"])
        assert fit.terms == ("flagTRUE",)
        close(fit.coef, ref.coef, rtol=1e-12)


class TestDegenerateInput:
    def test_no_events_gives_a_message_not_a_crash(self):
        df = small_cohort(2).assign(event=0)
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1"])
        assert fit.message == NO_EVENTS.format(n=len(df))
        assert fit.to_cli_dict()["terms"] == [] and fit.to_cli_dict()["lr_chisq"] is None

    def test_a_constant_covariate_gets_nan_and_the_others_are_unchanged(self):
        df = small_cohort(3).assign(const=5.0)
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "const", "x2"])
        ref = cox_ph(df, time="time", event="event", covariates=["x1", "x2"])
        assert fit.message == NO_VARIANCE.format(column="const")
        assert np.isnan(fit.coef[1]) and np.isnan(fit.se[1])
        close([fit.coef[0], fit.coef[2]], ref.coef, rtol=1e-12)
        assert fit.lr_df == 2
        assert fit.to_cli_dict()["terms"][1]["coef"] is None

    def test_a_collinear_covariate_gets_nan_like_r_na(self):
        df = small_cohort(4).assign(x3=lambda d: 2 * d["x1"] - d["x2"])
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "x2", "x3"])
        assert fit.message == COLLINEAR.format(column="x3")
        assert np.isnan(fit.coef[2]) and not np.isnan(fit.coef[:2]).any()

    def test_a_covariate_constant_within_each_stratum_is_not_estimable(self):
        df = small_cohort(5)
        df["center_level"] = df["center"].map({"C1": 1.0, "C2": 2.0, "C3": 5.0})
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "center_level"], strata="center")
        assert fit.message == NO_VARIANCE_IN_STRATA.format(column="center_level")

    def test_perfect_separation_is_reported_as_r_reports_it(self):
        df = small_cohort(6)
        df["dead_group"] = df["event"]  # only the group with events ever fails
        with pytest.warns(ConvergenceWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "dead_group"])
        assert fit.message == INFINITE_COEF.format(columns="dead_group")
        assert abs(fit.coef[1]) > 5
        json.dumps(fit.to_cli_dict(), allow_nan=False)

    def test_running_out_of_iterations_is_reported(self):
        df = small_cohort(7)
        with pytest.warns(ConvergenceWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "x2"], max_iter=1)
        assert fit.message == NOT_CONVERGED.format(max_iter=1) and not fit.converged

    def test_rows_with_missing_values_are_dropped_and_counted(self):
        df = small_cohort(8)
        df.loc[[0, 5], "x1"] = np.nan
        df.loc[7, "grp"] = None
        fit = cox_ph(df, time="time", event="event", covariates=["x1", "grp"])
        ref = cox_ph(df.drop(index=[0, 5, 7]), time="time", event="event", covariates=["x1", "grp"])
        assert fit.n_dropped == 3 and fit.n == len(df) - 3 and fit.message is None
        close(fit.coef, ref.coef, rtol=1e-12)

    def test_a_single_level_factor_is_left_out_with_a_note(self):
        df = small_cohort(9).assign(site="only")
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="time", event="event", covariates=["x1", "site"])
        assert fit.terms == ("x1",) and "single level" in fit.message

    def test_warnings_are_not_raised_for_clean_data(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cox_ph(small_cohort(10), time="time", event="event", covariates=["x1", "grp"], strata="center")


class TestBadInput:
    def test_a_missing_column_is_an_input_error(self):
        with pytest.raises(AnalysisInputError, match="nope"):
            cox_ph(small_cohort(1), time="time", event="event", covariates=["nope"])

    def test_negative_times_are_an_input_error(self):
        df = small_cohort(1)
        df.loc[0, "time"] = -1
        with pytest.raises(AnalysisInputError, match="must be >= 0"):
            cox_ph(df, time="time", event="event", covariates=["x1"])

    def test_event_codes_other_than_0_1_are_an_input_error(self):
        df = small_cohort(1)
        df.loc[0, "event"] = 2
        with pytest.raises(AnalysisInputError, match="outside the allowed set"):
            cox_ph(df, time="time", event="event", covariates=["x1"])

    def test_an_unknown_ties_method_is_an_input_error(self):
        with pytest.raises(AnalysisInputError, match="ties must be"):
            cox_ph(small_cohort(1), time="time", event="event", covariates=["x1"], ties="exact")


def brute_force_concordance(time, status, strata, score):
    """Every pair, the slow way, with R's rules: comparable when the shorter time is an event."""
    n = len(time)
    c_i, d_i, t_i = np.zeros(n), np.zeros(n), np.zeros(n)
    tied_y = tied_xy = 0
    for i in range(n):
        for j in range(n):
            if i == j or strata[i] != strata[j] or not status[i]:
                continue
            if time[j] > time[i] or (time[j] == time[i] and not status[j]):
                if score[i] > score[j]:
                    c_i[[i, j]] += 1
                elif score[i] < score[j]:
                    d_i[[i, j]] += 1
                else:
                    t_i[[i, j]] += 1
            elif time[j] == time[i] and status[j] and i < j:
                tied_xy += score[i] == score[j]
                tied_y += score[i] != score[j]
    conc, disc, tied = c_i.sum() / 2, d_i.sum() / 2, t_i.sum() / 2
    npair = conc + disc + tied
    if npair == 0:
        return conc, disc, tied, tied_y, tied_xy, np.nan, np.nan
    somers = (conc - disc) / npair
    dfbeta = (c_i - d_i) / npair - somers / npair * (c_i + d_i + t_i)
    return conc, disc, tied, tied_y, tied_xy, (somers + 1) / 2, np.sqrt((dfbeta**2).sum() / 4)


class TestConcordance:
    @settings(max_examples=40, deadline=None)
    @given(
        seed=st.integers(0, 2**31 - 1),
        n=st.integers(2, 40),
        n_times=st.integers(1, 12),
        n_scores=st.integers(1, 6),
        n_strata=st.integers(1, 3),
    )
    def test_it_counts_pairs_as_a_brute_force_pass_over_every_pair(self, seed, n, n_times, n_scores, n_strata):
        from analytics.core.cox._concordance import concordance

        rng = np.random.default_rng(seed)
        time = rng.integers(1, n_times + 1, n).astype(float)
        status = rng.integers(0, 2, n)
        strata = rng.integers(0, n_strata, n)
        score = rng.integers(0, n_scores, n) * 0.5
        got = concordance(time, status, strata, score)
        want = brute_force_concordance(time, status, strata, score)
        assert (got.concordant, got.discordant, got.tied_x, got.tied_y, got.tied_xy) == want[:5]
        if np.isnan(want[5]):
            assert np.isnan(got.concordance)
        else:
            np.testing.assert_allclose([got.concordance, got.std], want[5:], rtol=1e-12, atol=1e-15)


class TestTinyData:
    def test_a_covariate_without_variation_where_the_events_are_is_named_as_such(self):
        df = pd.DataFrame({"t": np.arange(1, 11), "e": [0] * 9 + [1], "x": np.arange(10.0)})
        with pytest.warns(DegenerateDataWarning):
            fit = cox_ph(df, time="t", event="e", covariates=["x"])
        assert fit.message.startswith(NO_INFORMATION.format(column="x"))

    def test_all_deaths_at_one_time_fit_as_r_does_and_the_ph_test_says_it_cannot(self):
        # R: coef 5.2e-33, var 0.01212121; concordance NaN (no comparable pair); cox.zph stops (singular).
        df = pd.DataFrame({"t": [5] * 10, "e": [1] * 10, "x": np.arange(10.0)})
        fit = cox_ph(df, time="t", event="e", covariates=["x"])
        assert abs(fit.coef[0]) < 1e-12
        close(fit.var, [[0.012121212121212121]], rtol=1e-9)
        assert np.isnan(fit.concordance)
        assert fit.ph_test.message is not None
        assert fit.to_cli_dict()["ph_test"]["global"] == {"chisq": None, "df": None, "p": None}

    def test_two_rows_run_off_to_infinity_as_in_r(self):
        # R: coef -21.20289 after running out of iterations.
        df = pd.DataFrame({"t": [5, 6], "e": [1, 0], "x": [1.0, 2.0]})
        with pytest.warns(ConvergenceWarning):
            fit = cox_ph(df, time="t", event="e", covariates=["x"])
        close(fit.coef, [-21.20289478], rtol=1e-8)
        assert fit.message == NOT_CONVERGED.format(max_iter=20)
