"""Analysis runs report how many included cases had open queries or open error-level findings: the dataset
carries both per case, and the report's cohort section counts them."""

import pytest

from analytics import derive as d
from analytics.dataset import dataset_rows
from analytics.reports import build_report
from quality.models import Finding
from quality.services import case_check, query_open
from registry.access import cases_for
from registry.derivation import risk_ruleset
from tests.analytics.reports.synthetic import make_dataset


@pytest.mark.django_db
def test_the_dataset_carries_each_cases_open_queries_and_error_findings(people, case_a, case_b):
    query_open(user=people.manager, case=case_a, subject="s", text="t")
    case_check(case_a)  # warnings only (follow-up overdue, the look-alike case_b): not counted
    Finding.objects.create(
        case=case_b, rule_id="DQ-X", severity="error", stage="any", record_model="registry.case",
        record_pk=case_b.pk, message="m", first_seen=case_b.created_at, last_seen=case_b.created_at,
    )  # fmt: skip
    rows = dataset_rows(cases_for(people.manager), rules=risk_ruleset(), settings=d.EndpointSettings())
    counts = {row["case_key"]: (row["n_open_queries"], row["n_error_findings"]) for row in rows["cases"]}
    assert counts == {case_a.registry_id: (1, 0), case_b.registry_id: (0, 1)}


def test_the_report_says_how_many_analysed_cases_had_open_problems():
    dataset = make_dataset(60, n_centers=2, seed=3)
    cases = dataset.cases
    included = cases.index[cases["exclusion_reason"] == ""]
    cases.loc[included[:3], "n_open_queries"] = 2
    cases.loc[included[1:5], "n_error_findings"] = 1
    report = build_report(dataset, settings={})
    [cohort] = [section for section in report.sections if section.key == "cohort"]
    assert any(
        "had open data-quality queries" in note and ", 3 had open" in note and "and 4 open error-level" in note
        for note in cohort.notes
    )
