"""Likelihood-ratio test of nested Cox models against R's anova (reference/plans_reference.R), rtol 1e-6."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.core.cox import cox_ph, lr_test_nested
from analytics.core.exceptions import AnalysisInputError

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
RTOL = 1e-6


def data() -> pd.DataFrame:
    d = pd.read_csv(REFERENCE / "data" / "plans.csv", keep_default_na=False, na_values=[""])
    d["age_lt6m"] = d["age_lt6m"].astype(bool)
    d["risk3"] = pd.Categorical(d["risk"], categories=["favorable", "unfavorable", "intermediate"])
    return d.dropna(subset=["sex", "wbc"])


@pytest.mark.parametrize(("case", "strata"), [("risk3_os", None), ("risk3_os_strata", "center")])
def test_it_matches_anova_of_the_factor(case: str, strata: str | None) -> None:
    r = json.loads((REFERENCE / "plans_reference.json").read_text())["cox"][case]["exposure_lr"]
    d = data()
    kw = {"time": "os_time", "event": "os_event", "strata": strata}
    full = cox_ph(d, covariates=["risk3", "age_lt6m", "sex", "wbc"], **kw)
    reduced = cox_ph(d, covariates=["age_lt6m", "sex", "wbc"], **kw)
    test = lr_test_nested(full, reduced)
    np.testing.assert_allclose([test.chisq, test.p], [r["chisq"], r["p"]], rtol=RTOL)
    assert test.df == r["df"] == 2


def test_no_reduced_model_is_the_null_model() -> None:
    d = data()
    full = cox_ph(d, time="os_time", event="os_event", covariates=["risk3"])
    test = lr_test_nested(full, None)
    np.testing.assert_allclose([test.chisq, test.p], [full.lr_chisq, full.lr_p], rtol=1e-12)
    assert test.df == 2


def test_it_refuses_models_on_different_rows() -> None:
    d = data()
    full = cox_ph(d, time="os_time", event="os_event", covariates=["risk3", "wbc"])
    other = cox_ph(d.iloc[:200], time="os_time", event="os_event", covariates=["wbc"])
    with pytest.raises(AnalysisInputError, match="not nested"):
        lr_test_nested(full, other)
