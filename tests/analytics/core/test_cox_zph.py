"""The proportional-hazards test against R's cox.zph (survival 3.5; values in reference/cox_reference.json).

R's test since survival 3.0 is a score test in an expanded model, not the older one-step approximation that
lifelines' ``check_assumptions`` uses; the last test here shows the two are different numbers.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.core.cox import ZphResult, cox_ph, cox_zph
from analytics.core.exceptions import AnalysisInputError
from tests.analytics.core.test_cox import CASES, fit_case, load, small_cohort

RTOL = 1e-6

ZPH_CASES = [(case_id, i) for case_id in sorted(CASES) for i in range(len(CASES[case_id]["zph"]))]


@pytest.fixture(scope="module")
def fits():
    return {case_id: fit_case(case) for case_id, case in CASES.items()}


@pytest.mark.parametrize(("case_id", "index"), ZPH_CASES, ids=[f"{c}-{i}" for c, i in ZPH_CASES])
def test_it_matches_r_cox_zph(fits, case_id, index):
    expected = CASES[case_id]["zph"][index]
    result = cox_zph(fits[case_id], transform=expected["transform"], terms=expected["terms_grouped"])
    assert result.message is None
    assert [row["term"] for row in result.terms] == [row["term"] for row in expected["terms"]]
    assert [row["df"] for row in result.terms] == [row["df"] for row in expected["terms"]]
    np.testing.assert_allclose([r["chisq"] for r in result.terms], [r["chisq"] for r in expected["terms"]], rtol=RTOL)
    np.testing.assert_allclose([r["p"] for r in result.terms], [r["p"] for r in expected["terms"]], rtol=RTOL)
    np.testing.assert_allclose(result.global_chisq, expected["global"]["chisq"], rtol=RTOL)
    np.testing.assert_allclose(result.global_p, expected["global"]["p"], rtol=RTOL)
    assert result.global_df == expected["global"]["df"]


def test_a_factor_is_one_term_with_terms_true_and_one_row_per_level_without(fits):
    grouped = cox_zph(fits["veteran_efron"], terms=True)
    split = cox_zph(fits["veteran_efron"], terms=False)
    assert [(r["term"], r["df"]) for r in grouped.terms] == [("trt", 1), ("celltype", 3), ("karno", 1)]
    assert [r["term"] for r in split.terms] == [
        "trt",
        "celltypelarge",
        "celltypesmallcell",
        "celltypesquamous",
        "karno",
    ]
    assert grouped.global_chisq == pytest.approx(split.global_chisq, rel=1e-12)


def test_the_fit_carries_the_default_test_in_its_cli_dict(fits):
    fit = fits["multicenter_efron"]
    out = fit.to_cli_dict()["ph_test"]
    json.dumps(out, allow_nan=False)
    assert set(out) == {"global", "terms"} and set(out["global"]) == {"chisq", "df", "p"}
    assert [set(t) for t in out["terms"]] == [{"term", "chisq", "df", "p"}] * 4
    assert [t["term"] for t in out["terms"]] == ["risk", "age_lt6m", "wbc300", "sex"]
    assert isinstance(fit.ph_test, ZphResult)


def test_an_unknown_transform_is_an_input_error(fits):
    with pytest.raises(AnalysisInputError, match="transform must be one of"):
        cox_zph(fits["aml_efron"], transform="sqrt")


def test_a_fit_without_a_model_gives_a_message():
    df = small_cohort(2).assign(event=0)
    with pytest.warns(UserWarning):
        fit = cox_ph(df, time="time", event="event", covariates=["x1"])
    result = cox_zph(fit)
    assert result.message.startswith("there is no fitted model to test")
    assert fit.to_cli_dict()["ph_test"] == {"global": {"chisq": None, "df": None, "p": None}, "terms": []}


def test_not_estimable_coefficients_are_left_out_as_r_does():
    df = small_cohort(3).assign(const=1.0)
    with pytest.warns(UserWarning):
        fit = cox_ph(df, time="time", event="event", covariates=["x1", "const", "x2"])
    ref = cox_ph(df, time="time", event="event", covariates=["x1", "x2"])
    assert [r["term"] for r in fit.ph_test.terms] == ["x1", "x2"]
    assert fit.ph_test.global_chisq == pytest.approx(ref.ph_test.global_chisq, rel=1e-10)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), transform=st.sampled_from(["km", "rank", "identity", "log"]))
def test_permuting_rows_leaves_the_test_unchanged(seed, transform):
    df = small_cohort(seed)
    shuffled = df.sample(frac=1.0, random_state=seed % 997).reset_index(drop=True)
    kwargs = {"time": "time", "event": "event", "covariates": ["x1", "grp"], "strata": "center"}
    a = cox_zph(cox_ph(df, **kwargs), transform=transform)
    b = cox_zph(cox_ph(shuffled, **kwargs), transform=transform)
    np.testing.assert_allclose(a.global_chisq, b.global_chisq, rtol=1e-9)
    np.testing.assert_allclose([r["chisq"] for r in a.terms], [r["chisq"] for r in b.terms], rtol=1e-9)


def test_it_is_not_lifelines_older_approximation():
    lifelines = pytest.importorskip("lifelines")
    from lifelines.statistics import proportional_hazard_test

    df = load("lung")[["time", "status", "age", "sex", "ph.ecog"]].dropna()
    cph = lifelines.CoxPHFitter().fit(df, duration_col="time", event_col="status")
    old = proportional_hazard_test(cph, df, time_transform="km").summary["test_statistic"]
    expected = next(z for z in CASES["lung_efron"]["zph"] if z["transform"] == "km" and z["terms_grouped"])
    new = pd.Series({r["term"]: r["chisq"] for r in expected["terms"]})
    assert not np.allclose(old[new.index].to_numpy(), new.to_numpy(), rtol=1e-3)
