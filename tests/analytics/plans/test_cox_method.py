"""The plan's Cox method against R's coxph, anova and cox.zph (reference/plans_reference.R), and its behaviour.

Cases: OS by a three-group exposure (unfavorable, intermediate vs favorable, the last) adjusted for a yes/no,
a categorical and a numeric covariate with missing values, unstratified and stratified by center; the
cause-specific hazard of relapse by a two-group exposure; the landmark analysis at day 180. Tolerance 1e-6
relative.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.core.logrank import logrank_test
from analytics.plans.methods.cox import (
    CAUSE_SPECIFIC,
    EPV_WARNING,
    EXCLUDED_MISSING_COVARIATE,
    EXCLUDED_NOT_COMPARED,
    GROUP_EMPTY,
    REFERENCE_EMPTY,
    SINGLE_VALUE,
    TOO_FEW_GROUPS,
    run_cox,
)
from analytics.plans.spec import Analysis, Outcome, Variable
from tests.analytics.plans.reference import (
    KMT2A_GROUPS,
    LANDMARK_GROUPS,
    RISK_GROUPS,
    RTOL,
    cox_analysis,
    dataset,
    frame,
    reference,
)

COVARIATES = ("age_lt6m", "sex", "wbc")
LABELS = ["age < 6 months", "sex", "WBC"]


def risk3(stratify: bool):
    analysis = cox_analysis("risk3", RISK_GROUPS, covariates=COVARIATES, stratify=stratify)
    return run_cox(frame("risk", covariates=COVARIATES), analysis, LABELS)


def relapse(stratify: bool):
    covariates = ("age_lt6m", "wbc")
    analysis = cox_analysis(
        "relapse", KMT2A_GROUPS, exposure="kmt2a", outcome="relapse", covariates=covariates, stratify=stratify
    )
    return run_cox(frame("kmt2a", outcome="relapse", covariates=covariates), analysis, ["age < 6 months", "WBC"])


RUNS = {
    "risk3_os": lambda: risk3(False),
    "risk3_os_strata": lambda: risk3(True),
    "relapse_cause_specific": lambda: relapse(False),
    "relapse_cause_specific_strata": lambda: relapse(True),
}


class TestCoxMatchesR:
    @pytest.mark.parametrize("case", sorted(RUNS))
    def test_it_matches_the_coefficients(self, case: str) -> None:
        r = reference()["cox"][case]
        res = RUNS[case]()
        terms = res.model["terms"]
        assert len(terms) == len(r["terms"])
        for key in ("coef", "se", "hr", "lower", "upper", "p"):
            np.testing.assert_allclose([t[key] for t in terms], r[key], rtol=RTOL, err_msg=f"{case} {key}")

    @pytest.mark.parametrize("case", sorted(RUNS))
    def test_it_matches_the_model_tests(self, case: str) -> None:
        r = reference()["cox"][case]
        tests = {t["name"]: t for t in RUNS[case]().model["model_tests"]}
        for name, key in (("likelihood ratio", "lr"), ("Wald", "wald"), ("score (log-rank)", "score")):
            np.testing.assert_allclose(tests[name]["statistic"], r[key]["chisq"], rtol=RTOL)
            np.testing.assert_allclose(tests[name]["p"], r[key]["p"], rtol=RTOL)
            assert tests[name]["df"] == r[key]["df"]

    @pytest.mark.parametrize("case", sorted(RUNS))
    def test_its_exposure_test_is_the_likelihood_ratio_of_nested_models(self, case: str) -> None:
        r = reference()["cox"][case]["exposure_lr"]
        res = RUNS[case]()
        (test,) = res.tests
        np.testing.assert_allclose(test["statistic"], r["chisq"], rtol=RTOL)
        np.testing.assert_allclose(test["p"], r["p"], rtol=RTOL)
        assert test["df"] == r["df"] and test["chosen"]
        p_effect = [e for e in res.effects if e.kind == "p"]
        assert len(p_effect) == 1
        np.testing.assert_allclose(p_effect[0].p, r["p"], rtol=RTOL)

    @pytest.mark.parametrize("case", sorted(RUNS))
    def test_it_matches_the_proportional_hazards_check(self, case: str) -> None:
        r = reference()["cox"][case]["zph"]
        rows = RUNS[case]().model["ph_check"]
        assert [row["df"] for row in rows[:-1]] == [t["df"] for t in r["terms"]]
        np.testing.assert_allclose([row["chisq"] for row in rows[:-1]], [t["chisq"] for t in r["terms"]], rtol=RTOL)
        np.testing.assert_allclose([row["p"] for row in rows[:-1]], [t["p"] for t in r["terms"]], rtol=RTOL)
        assert rows[-1]["term"] == "GLOBAL" and rows[-1]["df"] == r["global"]["df"]
        np.testing.assert_allclose(rows[-1]["chisq"], r["global"]["chisq"], rtol=RTOL)
        np.testing.assert_allclose(rows[-1]["p"], r["global"]["p"], rtol=RTOL)

    @pytest.mark.parametrize("case", sorted(RUNS))
    def test_it_counts_cases_events_and_those_missing_a_covariate(self, case: str) -> None:
        r = reference()["cox"][case]
        res = RUNS[case]()
        assert (res.n, res.n_events) == (r["n"], r["nevent"])
        assert res.excluded == {EXCLUDED_MISSING_COVARIATE: r["n_dropped"]}


class TestTermsAndEffects:
    def test_three_groups_give_one_hazard_ratio_per_group_against_the_last(self) -> None:
        res = risk3(False)
        r = reference()["cox"]["risk3_os"]
        hrs = [e for e in res.effects if e.kind == "hazard_ratio"]
        assert [e.comparison for e in hrs] == ["unfavorable vs favorable", "intermediate vs favorable"]
        np.testing.assert_allclose([e.estimate for e in hrs], r["hr"][:2], rtol=RTOL)
        np.testing.assert_allclose([e.lower for e in hrs], r["lower"][:2], rtol=RTOL)
        np.testing.assert_allclose([e.p for e in hrs], r["p"][:2], rtol=RTOL)
        assert res.effects[-1].kind == "p"
        assert [t["term"] for t in res.model["terms"]] == [
            "unfavorable vs favorable",
            "intermediate vs favorable",
            "age < 6 months: yes vs no",
            "sex: M vs F",
            "WBC",
        ]
        assert [g["label"] for g in res.groups] == list(RISK_GROUPS)
        assert [g["reference"] for g in res.groups] == [False, False, True]
        assert "against the last group, favorable" in res.method

    def test_two_groups_give_the_first_against_the_second_with_the_wald_p(self) -> None:
        res = relapse(False)
        r = reference()["cox"]["relapse_cause_specific"]
        hr = res.effects[0]
        assert (hr.kind, hr.comparison) == ("hazard_ratio", "rearranged vs germline")
        np.testing.assert_allclose(
            [hr.estimate, hr.lower, hr.upper, hr.p], [r["hr"][0], r["lower"][0], r["upper"][0], r["p"][0]], rtol=RTOL
        )
        assert "(the hazard ratio is rearranged vs germline)" in res.method

    def test_relapse_is_the_cause_specific_hazard_and_says_so(self) -> None:
        res = relapse(False)
        assert CAUSE_SPECIFIC in res.method
        assert CAUSE_SPECIFIC in res.effects[0].method
        d = dataset().dropna(subset=["wbc"])
        by_group = {g["label"]: g for g in res.groups}
        for label in KMT2A_GROUPS:
            mine = d[d["kmt2a"] == label]
            assert by_group[label]["events"] == int((mine["status"] == 1).sum())
            assert by_group[label]["competing"] == int((mine["status"] == 2).sum())
        assert res.settings["cause_specific"] is True

    def test_the_first_sorted_level_of_a_categorical_covariate_is_its_reference(self) -> None:
        f = frame("risk", covariates=COVARIATES)
        f["cov_1"] = pd.Categorical(f["cov_1"], categories=["M", "F"])  # vocabulary order is not R's
        res = run_cox(f, cox_analysis("risk3", RISK_GROUPS, covariates=COVARIATES), LABELS)
        r = reference()["cox"]["risk3_os"]
        assert res.model["terms"][3]["term"] == "sex: M vs F"
        np.testing.assert_allclose(res.model["terms"][3]["coef"], r["coef"][3], rtol=RTOL)
        assert res.model["covariate_references"] == {"sex": "F"}

    def test_cases_in_no_compared_group_are_counted_as_excluded(self) -> None:
        analysis = cox_analysis("two", ("unfavorable", "favorable"))
        res = run_cox(frame("risk"), analysis, [])
        n_intermediate = int((dataset()["risk"] == "intermediate").sum())
        assert res.excluded == {EXCLUDED_NOT_COMPARED: n_intermediate}
        assert res.n == len(dataset()) - n_intermediate

    def test_a_none_group_is_not_compared(self) -> None:
        f = frame("kmt2a")
        f.loc[f.index[:7], "group"] = None
        res = run_cox(f, cox_analysis("k", KMT2A_GROUPS, exposure="kmt2a"), [])
        assert res.excluded[EXCLUDED_NOT_COMPARED] == 7


class TestWarningsAndMessages:
    def test_it_warns_under_ten_events_per_term(self) -> None:
        d = dataset()
        small = d[d["center"] == "F"]
        analysis = cox_analysis("small", KMT2A_GROUPS, exposure="kmt2a", covariates=("age_lt6m", "wbc"))
        res = run_cox(frame("kmt2a", covariates=("age_lt6m", "wbc"), data=small), analysis, ["age", "WBC"])
        events = int(small["os_event"].sum())
        assert EPV_WARNING.format(events=events, k=3, m=30) in res.warnings
        assert f"fewer events ({events}) than covariates × 10 (3 × 10 = 30)" in res.warnings[-1]  # noqa: RUF001

    def test_one_group_with_cases_cannot_give_a_hazard_ratio(self) -> None:
        d = dataset()
        only = d[d["kmt2a"] == "rearranged"]
        res = run_cox(frame("kmt2a", data=only), cox_analysis("k", KMT2A_GROUPS, exposure="kmt2a"), [])
        assert res.message == TOO_FEW_GROUPS
        assert res.effects == [] and res.model is None
        assert [g["n"] for g in res.groups] == [len(only), 0]

    def test_an_empty_reference_group_is_said(self) -> None:
        d = dataset()
        some = d[d["risk"] != "favorable"]
        res = run_cox(frame("risk", data=some), cox_analysis("r", RISK_GROUPS), [])
        assert res.message == REFERENCE_EMPTY.format(label="favorable")

    def test_an_empty_middle_group_is_left_out_with_a_warning(self) -> None:
        d = dataset()
        some = d[d["risk"] != "intermediate"]
        res = run_cox(frame("risk", data=some), cox_analysis("r", RISK_GROUPS), [])
        assert GROUP_EMPTY.format(label="intermediate") in res.warnings
        assert [e.comparison for e in res.effects if e.kind == "hazard_ratio"] == ["unfavorable vs favorable"]

    def test_a_covariate_with_one_value_is_left_out_with_a_warning(self) -> None:
        f = frame("kmt2a", covariates=("wbc",))
        f["cov_1"] = True
        analysis = cox_analysis("k", KMT2A_GROUPS, exposure="kmt2a", covariates=("wbc", "age_lt6m"))
        res = run_cox(f, analysis, ["WBC", "age < 6 months"])
        assert SINGLE_VALUE.format(label="age < 6 months", value="yes") in res.warnings
        assert [t["term"] for t in res.model["terms"]] == ["rearranged vs germline", "WBC"]


class TestLandmarkReference:
    """The landmark analysis the engine builds (cases followed beyond day 180, time from the landmark, exposure
    as it was at day 180), checked here on the frame built by hand: the engine's frame must give these rows."""

    @staticmethod
    def landmark_frame() -> pd.DataFrame:
        r = reference()["landmark"]
        d = dataset()
        lm = d[d["os_time"] > r["landmark_days"]].copy()
        hsct = lm["hsct_day"].notna() & (lm["hsct_day"] <= r["landmark_days"])
        lm["hsct"] = np.where(hsct, LANDMARK_GROUPS[0], LANDMARK_GROUPS[1])
        lm["os_time"] = lm["os_time"] - r["landmark_days"]
        assert list(lm["case_key"]) == r["case_keys"]
        return frame("hsct", data=lm)

    @pytest.mark.parametrize(("stratify", "key"), [(False, "cox"), (True, "cox_strata")])
    def test_the_landmark_cox_matches_r(self, stratify: bool, key: str) -> None:
        r = reference()["landmark"][key]
        analysis = cox_analysis("lm", LANDMARK_GROUPS, exposure="hsct", stratify=stratify)
        res = run_cox(self.landmark_frame(), analysis, [])
        (term,) = res.model["terms"]
        assert (res.n, res.n_events) == (r["n"], r["nevent"])
        for k in ("coef", "se", "hr", "lower", "upper", "p"):
            np.testing.assert_allclose(term[k], r[k], rtol=RTOL)
        np.testing.assert_allclose(res.tests[0]["statistic"], r["lr"]["chisq"], rtol=RTOL)

    @pytest.mark.parametrize(("stratify", "key"), [(False, "logrank"), (True, "logrank_strata")])
    def test_the_landmark_log_rank_matches_survdiff(self, stratify: bool, key: str) -> None:
        r = reference()["landmark"][key]
        f = self.landmark_frame()
        res = logrank_test("time", "status", "group", "center" if stratify else None, data=f)
        np.testing.assert_allclose([res.chisq, res.p], [r["chisq"], r["p"]], rtol=RTOL)
        observed = dict(zip(res.groups, res.observed, strict=True))
        expected = dict(zip(res.groups, res.expected, strict=True))
        for label, o, e in zip(r["groups"], r["observed"], r["expected"], strict=True):
            np.testing.assert_allclose([observed[label], expected[label]], [o, e], rtol=RTOL)


class TestGroupOrder:
    def test_without_named_groups_the_frames_categories_give_the_order_empty_ones_included(self) -> None:
        f = frame("risk")
        f["group"] = pd.Categorical(f["group"], categories=["unfavorable", "intermediate", "favorable", "other"])
        analysis = cox_analysis("r", ())
        res = run_cox(f, analysis, [])
        # The last category has no case: the reference is not silently moved to "favorable".
        assert res.message == REFERENCE_EMPTY.format(label="other")
        f["group"] = pd.Categorical(frame("risk")["group"], categories=list(RISK_GROUPS))
        res = run_cox(f, analysis, [])
        assert [e.comparison for e in res.effects if e.kind == "hazard_ratio"] == [
            "unfavorable vs favorable",
            "intermediate vs favorable",
        ]

    def test_without_an_exposure_the_one_group_is_the_frames(self) -> None:
        f = frame("risk", covariates=("wbc",))
        f["group"] = "All cases"
        analysis = Analysis(
            key="c",
            title="c",
            outcome=Outcome("os"),
            method="cox",
            covariates=(Variable.of("lab_wbc_baseline"),),
        )
        res = run_cox(f, analysis, ["WBC"])
        assert [g["label"] for g in res.groups] == ["All cases"]
        assert res.groups[0]["n"] == res.n == int(dataset()["wbc"].notna().sum())
        assert [(e.kind, e.comparison) for e in res.effects] == [("hazard_ratio", "WBC")]
        assert res.tests == []
