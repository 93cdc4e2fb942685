"""Seed 000's cohort entered through the services gives, in the analysis dataset, every count the paper prints
that can hold together, and the odds ratio and χ² p of its toxicity claim from those counts."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from django.db import transaction

from analytics import derive as d
from analytics.core.cox import cox_ph
from analytics.core.km import kaplan_meier
from analytics.core.logrank import logrank_test
from analytics.core.tables.contingency import compare_categorical
from analytics.core.tables.odds import odds_ratio
from analytics.dataset import build_dataset
from registry import models as m
from registry.access import cases_for
from registry.choices import Role
from registry.derivation import risk_ruleset
from tests.analytics.plans.seed000 import SEED000_CASES, build_seed000_cohort
from tests.factories import CenterFactory, member

pytestmark = pytest.mark.django_db

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "seed_claims_reference.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def cohort(django_db_setup, django_db_blocker):
    """The cohort's analysis dataset, built once for the module; the cases are rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        center = CenterFactory(code="ALA", name="Almaty", city="Almaty", country="Kazakhstan")
        entry = member("ala_entry", Role.DATA_ENTRY, center)
        cases = build_seed000_cohort(center, entry)
        dataset = build_dataset(cases_for(entry), rules=risk_ruleset("seed000-v1"), settings=d.EndpointSettings())
        audited = m.Case.history.filter(registry_id__in=[c.registry_id for c in cases.values()]).count()
        transaction.set_rollback(True)
    frame = dataset.cases.set_index("case_key")
    labels = pd.Series({c.registry_id: label for label, c in cases.items()})
    frame["label"] = labels
    toxic = set(dataset.adverse_events["case_key"])
    frame["toxicity"] = frame.index.isin(toxic)
    frame["relapse"] = frame["relapse_site"].notna()
    frame["death"] = frame["death_cause"].notna()
    frame["relapse_or_death"] = frame["relapse"] | frame["death"]
    return frame, audited


def test_the_cohort_has_the_papers_33_children_each_entered_with_an_audit_row(cohort):
    frame, audited = cohort
    assert len(frame) == len(SEED000_CASES) == 33
    assert audited >= 33
    assert frame["sex"].value_counts().to_dict() == {"M": 20, "F": 13}
    assert frame["age_class"].value_counts().to_dict() == {"CAL": 20, "early_infant": 13}
    assert (frame["age_days"].min(), frame["age_days"].max()) == (6, 73)
    assert frame["lineage"].value_counts().to_dict() == {"AML": 18, "ALL": 14, "unspecified": 1}


def test_risk_classes_are_8_favorable_7_unfavorable_and_18_intermediate(cohort):
    frame, _ = cohort
    assert frame["risk_class"].value_counts().to_dict() == {"intermediate": 18, "favorable": 8, "unfavorable": 7}
    assert set(frame["risk_rule_version"]) == {"seed000-v1"}
    assert (frame["kmt2a_status"] == "rearranged").sum() == 4


def test_end_of_induction_is_cr_22_non_cr_6_and_5_unknown(cohort):
    frame, _ = cohort
    assert frame["cr_status"].value_counts().to_dict() == {"CR": 22, "no_CR": 6, "unknown": 5}
    by_risk = frame[frame["cr_status"] != "unknown"].groupby("risk_class")["cr"].agg(["sum", "count"])
    assert by_risk.loc["favorable"].tolist() == [7, 8] and by_risk.loc["unfavorable"].tolist() == [4, 7]


def test_toxicity_relapse_and_death_are_counted_as_the_paper_counts_them(cohort):
    frame, _ = cohort
    assert frame["toxicity"].sum() == 14
    assert frame["relapse"].sum() == 3 and frame["death"].sum() == 2 and frame["os_event"].sum() == 2
    assert sorted(frame.loc[frame["relapse"], "relapse_site"]) == ["cns", "marrow", "testicular"]
    assert sorted(frame.loc[frame["death"], "death_cause"]) == ["leukemia", "mof"]
    assert frame["relapse_or_death"].sum() == 5
    assert frame.loc[frame["toxicity"], "relapse_or_death"].sum() == 4
    non_cr, cr = frame[frame["cr_status"] == "no_CR"], frame[frame["cr_status"] == "CR"]
    assert (non_cr["toxicity"].sum(), len(non_cr)) == (5, 6)
    assert (cr["toxicity"].sum(), len(cr)) == (7, 22)


def test_the_datasets_own_counts_give_or_720_and_chi_square_p_00649(cohort):
    frame, _ = cohort
    crossed = pd.crosstab(frame["toxicity"], frame["relapse_or_death"])
    table = crossed.reindex(index=[True, False], columns=[True, False], fill_value=0)
    assert table.to_numpy().tolist() == [[4, 10], [1, 18]]
    res, test = odds_ratio(table.to_numpy()), compare_categorical(table.to_numpy())
    assert (f"{res.odds_ratio:.2f}", f"{res.lower:.2f}", f"{res.upper:.2f}") == ("7.20", "0.70", "73.53")
    assert f"{test.chisq_p:.4f}" == "0.0649"
    ref = REFERENCE["toxicity_relapse_death"]
    assert res.odds_ratio == pytest.approx(ref["odds_ratio"], rel=1e-6)
    assert res.lower == pytest.approx(ref["lower"], rel=1e-6) and res.upper == pytest.approx(ref["upper"], rel=1e-6)
    assert test.chisq_p == pytest.approx(ref["chisq_p"], rel=1e-6)
    assert test.fisher_p == pytest.approx(ref["fisher_p"], rel=1e-6)  # the exact test would print 0.138


def test_two_year_os_is_833_favorable_and_500_unfavorable_as_printed(cohort):
    frame, _ = cohort
    two = frame[frame["risk_class"].isin(["favorable", "unfavorable"])]
    curves = kaplan_meier(two["os_time"].astype(float), two["os_event"].astype(int), two["risk_class"])
    assert f"{curves['favorable'].at([730]).survival[0]:.3f}" == "0.833"
    assert f"{curves['unfavorable'].at([730]).survival[0]:.3f}" == "0.500"


def _two_by_two(frame: pd.DataFrame, rows: str, row_levels: list, outcome: str) -> list[list[int]]:
    crossed = pd.crosstab(frame[rows], frame[outcome])
    return crossed.reindex(index=row_levels, columns=[True, False], fill_value=0).to_numpy().tolist()


def test_cr_by_risk_from_the_cohorts_counts_is_7_of_8_vs_4_of_7_and_far_from_p_0019(cohort):
    frame, _ = cohort
    evaluable = frame[frame["cr_status"] != "unknown"].assign(cr=lambda f: f["cr"].astype(bool))
    table = _two_by_two(evaluable, "risk_class", ["favorable", "unfavorable"], "cr")
    assert table == [[7, 1], [4, 3]]
    test = compare_categorical(table)
    assert test.test == "Fisher's exact test" and f"{test.p:.3f}" == "0.282"


def test_toxicity_by_response_from_the_cohorts_counts_gives_the_p_values_the_claim_names(cohort):
    frame, _ = cohort
    table = _two_by_two(frame[frame["cr_status"] != "unknown"], "cr_status", ["no_CR", "CR"], "toxicity")
    assert table == [[5, 1], [7, 15]]
    test, ref = compare_categorical(table), REFERENCE["toxicity_by_response"]
    for name in ("chisq_p", "yates_p", "fisher_p"):
        assert getattr(test, name) == pytest.approx(ref[name], rel=1e-6)


def test_the_cohorts_os_log_rank_is_within_the_bound_and_its_efs_hazard_ratio_is_wider_than_printed(cohort):
    frame, _ = cohort
    two = frame[frame["risk_class"].isin(["favorable", "unfavorable"])].copy()
    test = logrank_test(two["os_time"].astype(float), two["os_event"].astype(int), two["risk_class"])
    assert test.p > REFERENCE["os_logrank_bound"]["p"] > 0.032
    two = two[two["efs_time"].notna()].assign(
        time=lambda f: f["efs_time"].astype(float),
        event=lambda f: f["efs_event"].astype(int),
        unfavorable=lambda f: (f["risk_class"] == "unfavorable").astype(int),
    )
    fit = cox_ph(two, time="time", event="event", covariates="unfavorable")
    printed_se = (math.log(10.84) - math.log(1.12)) / (2 * 1.959964)
    assert fit.n_events <= 11 and fit.se[0] > printed_se
