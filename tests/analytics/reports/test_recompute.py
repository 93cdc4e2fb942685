"""A sample of the report's figures recomputed from the dataset's rows, independently of analytics.core."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

from analytics.reports.i18n import label as code_label
from analytics.reports.sections.cohort import LINEAGES


def _analysed(dataset) -> pd.DataFrame:
    cases = dataset.cases
    return cases[cases["excluded"] != True]  # noqa: E712 - object column of True/False


def _row(table, label):
    return next(r for r in table.rows if r[0] == label)


def _estimate(text: str) -> float:
    return float(text.split("%")[0]) / 100


def test_it_counts_cases_by_center_and_lineage(report, dataset):
    table = report.table("cohort_center_lineage")
    cases = dataset.cases
    pooled = _row(table, "All centers")
    for k, lineage in enumerate(LINEAGES, start=1):
        expected = int((cases["lineage"].fillna("unknown") == lineage).sum())
        assert pooled[k] == expected
    assert pooled[-1] == len(cases)
    for center, grp in cases.groupby("center"):
        row = _row(table, center)
        assert row[-1] == len(grp) if len(grp) >= 5 else row[-1] in ("<5", "suppr.")
        for k, lineage in enumerate(LINEAGES, start=1):
            n = int((grp["lineage"].fillna("unknown") == lineage).sum())
            if isinstance(row[k], int):
                assert row[k] == n
            else:
                assert (row[k] == "<5" and 1 <= n <= 4) or row[k] == "suppr."


def test_it_reports_the_cr_rate_of_evaluable_cases(report, dataset):
    cases = _analysed(dataset)
    evaluable = cases["cr_status"].isin(["CR", "no_CR", "induction_death"])
    n_cr = int((cases["cr_status"] == "CR").sum())
    expected = f"{n_cr}/{int(evaluable.sum())} ({100 * n_cr / evaluable.sum():.1f}%)"
    assert _row(report.table("response_rates"), "Complete remission (CR) at end of induction")[1] == expected


def test_it_reports_cr_by_risk_class(report, dataset):
    cases = _analysed(dataset)
    grp = cases[(cases["risk_class"] == "unfavorable") & cases["cr_status"].isin(["CR", "no_CR", "induction_death"])]
    row = _row(report.table("response_cr_by_risk"), "Unfavorable")
    assert row[1] == len(grp)
    assert row[2].startswith(f"{int((grp['cr_status'] == 'CR').sum())}/{len(grp)} ")


@pytest.mark.parametrize("endpoint", ["os", "efs"])
def test_its_two_year_kaplan_meier_estimate_matches_lifelines(report, dataset, endpoint):
    cases = _analysed(dataset)
    grp = cases[cases["risk_class"] == "unfavorable"]
    kmf = KaplanMeierFitter().fit(grp[f"{endpoint}_time"].astype(float), grp[f"{endpoint}_event"].astype(int))
    expected = float(kmf.survival_function_at_times(730).iloc[0])
    row = _row(report.table(f"survival_{endpoint}_risk_class"), "Unfavorable")
    assert row[1] == len(grp)
    assert row[2] == int(grp[f"{endpoint}_event"].sum())
    assert _estimate(row[3]) == pytest.approx(expected, abs=0.0005)


def test_its_log_rank_p_matches_lifelines(report, dataset):
    cases = _analysed(dataset)
    known = cases[cases["risk_class"].isin(["favorable", "intermediate", "unfavorable"])]
    res = multivariate_logrank_test(known["os_time"].astype(float), known["risk_class"], known["os_event"].astype(int))
    note = next(n for n in report.table("survival_os_risk_class").notes if n.startswith("log-rank"))
    chisq = float(note.split("chi-square = ")[1].split(",")[0])
    assert chisq == pytest.approx(res.test_statistic, abs=0.005)
    if res.p_value >= 0.001:
        assert f"p = {res.p_value:.3f}" in note
    else:
        assert "p < 0.001" in note


def test_its_odds_ratio_of_toxicity_vs_cr_matches_a_hand_count(report, dataset):
    cases = _analysed(dataset)
    evaluable = cases[cases["cr_status"].isin(["CR", "no_CR", "induction_death"])]
    ae = dataset.adverse_events
    toxic = evaluable["case_key"].isin(set(ae.loc[ae["grade"] >= 3, "case_key"]))
    no_cr = evaluable["cr_status"] != "CR"
    a, b = int((toxic & no_cr).sum()), int((toxic & ~no_cr).sum())
    c, d = int((~toxic & no_cr).sum()), int((~toxic & ~no_cr).sum())
    table = report.table("toxicity_vs_cr")
    assert table.rows[0][1:4] == [a, b, a + b]
    assert table.rows[1][1:4] == [c, d, c + d]
    odds = a * d / (b * c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    lower, upper = math.exp(math.log(odds) - 1.959964 * se), math.exp(math.log(odds) + 1.959964 * se)
    assert _row(table, "Odds ratio (95% CI)")[1] == f"{odds:.2f} ({lower:.2f}\u2013{upper:.2f})"


def test_its_kmt2a_partner_counts_match_the_rows(report, dataset):
    cases = dataset.cases
    rearranged = cases[cases["kmt2a_status"] == "rearranged"]
    table = report.table("cytogenetics_kmt2a")
    for partner, n in rearranged["kmt2a_partner"].value_counts().items():
        row = next(r for r in table.rows if r[0].startswith("Partner") and r[1] == code_label("kmt2a_partner", partner))
        assert row[2].startswith(f"{n} (")


def test_its_pooled_abnormality_counts_are_distinct_cases(report, dataset):
    findings = dataset.findings
    table = report.table("cytogenetics_abnormalities")
    for label, grp in findings.groupby("abnormality_label"):
        assert _row(table, label)[1].startswith(f"{grp['case_key'].nunique()} (")


def test_every_table_names_its_method(report):
    assert all(t.method for t in report.tables())


def test_every_section_of_the_issue_is_there_in_order(report):
    assert [s.title for s in report.sections] == [
        "Cohort", "Presentation", "Cytogenetics", "Treatment and response", "Toxicity", "Survival",
        "Across centers", "Methods",
    ]  # fmt: skip
    assert np.all(np.diff([s.number for s in report.sections]) == 1)


def test_its_fixed_effect_pooled_hazard_ratio_matches_lifelines_per_center_fits(report, dataset):
    from lifelines import CoxPHFitter

    cases = _analysed(dataset)
    cases = cases[cases["risk_class"].isin(["favorable", "intermediate", "unfavorable"])]
    betas, weights = [], []
    for _, grp in cases.groupby("center"):
        frame = pd.DataFrame(
            {
                "time": grp["efs_time"].astype(float),
                "event": grp["efs_event"].astype(int),
                "unfavorable": (grp["risk_class"] == "unfavorable").astype(float),
            }
        )
        fit = CoxPHFitter().fit(frame, "time", "event")
        betas.append(fit.params_["unfavorable"])
        weights.append(1 / fit.standard_errors_["unfavorable"] ** 2)
    pooled = math.exp(np.dot(betas, weights) / np.sum(weights))
    row = _row(report.table("centers_forest"), "Pooled, fixed effect")
    assert float(row[3].split(" ")[0]) == pytest.approx(pooled, abs=0.006)


def test_methods_say_why_the_cr_test_was_chosen(report):
    table = report.table("response_cr_by_risk")
    test_row = next(r for r in table.rows if str(r[0]).startswith("Test: "))
    chosen = test_row[0].removeprefix("Test: ")
    why = next(m[2] for m in report.table("methods_tests").rows if m[0] == table.title)
    if chosen.startswith("Fisher"):
        assert why.startswith("Fisher's exact because an expected count was < 5")
    else:
        assert why.startswith("chi-square because every expected count was >= 5")


def test_a_small_cohort_names_fishers_exact_test_and_why():
    from analytics.reports import build_report

    from .synthetic import make_dataset

    small = build_report(make_dataset(40, n_centers=2, seed=21))
    reasons = [m[2] for m in small.table("methods_tests").rows]
    assert any(r.startswith("Fisher's exact because an expected count was < 5") for r in reasons)
