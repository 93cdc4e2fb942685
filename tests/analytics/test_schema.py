"""analytics.schema: the tables of the dataset and the check that each has its columns."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.core.exceptions import AnalysisInputError
from analytics.schema import ASSESSMENT_COLUMNS, CASE_COLUMNS, TABLES, Dataset, check_dataset
from tests.analytics.reports.synthetic import make_dataset


def test_a_dataset_made_without_assessments_has_an_empty_table_with_the_columns():
    data = make_dataset(10, n_centers=2, seed=4)
    old_style = Dataset(data.cases, data.findings, data.adverse_events, data.data_cut)
    assert old_style.assessments.empty and list(old_style.assessments.columns) == list(ASSESSMENT_COLUMNS)
    check_dataset(old_style)


def test_the_check_names_a_missing_assessment_column():
    data = make_dataset(10, n_centers=2, seed=4)
    broken = Dataset(
        data.cases, data.findings, data.adverse_events, data.data_cut, assessments=data.assessments.drop(columns="days")
    )
    with pytest.raises(AnalysisInputError, match="assessments table lacks columns: days"):
        check_dataset(broken)


def test_the_event_days_are_case_columns_and_every_table_is_listed():
    assert list(TABLES) == ["cases", "findings", "adverse_events", "assessments"]
    for kind in ("relapse", "death", "second_malignancy", "induction_failure", "hsct"):
        assert f"{kind}_days" in CASE_COLUMNS and f"{kind}_days_reason" in CASE_COLUMNS
    assert len(set(CASE_COLUMNS)) == len(CASE_COLUMNS)


def test_the_synthetic_dataset_has_mrd_at_days_15_and_33():
    data = make_dataset(200, n_centers=3, seed=2)
    check_dataset(data)
    a = data.assessments
    assert set(a["day"].between(13, 17) | a["day"].between(31, 36)) == {True}
    assert a["mrd_flow_pct"].notna().mean() > 0.8 and (a["mrd_pcr"].notna() & (a["day"] >= 31)).any()
    cases = data.cases
    relapsed = cases[cases["cir_event"] == 1]
    assert len(relapsed) and (relapsed["relapse_days"].astype(float) == relapsed["cir_time"]).all()
    died = cases[cases["os_event"] == 1]
    assert (died["death_days"].astype(float) == died["os_time"]).all()
    assert pd.isna(cases.loc[cases["os_event"] == 0, "death_days"]).all()
