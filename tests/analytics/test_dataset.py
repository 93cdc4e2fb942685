"""analytics.dataset: the analysis-ready rows built from the registry, scoped, filtered, derived, pseudonymized."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import derive as d
from analytics.dataset import build_dataset, dataset_from_rows, dataset_rows, filter_cases
from analytics.runs.fingerprint import canonical_bytes
from analytics.runs.options import RunFilters
from analytics.schema import ADVERSE_EVENT_COLUMNS, ASSESSMENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS
from registry import models as m
from registry.access import cases_for, cases_for_system
from registry.derivation import derive_for_case, risk_ruleset
from registry.services.cases import case_archive
from tests.analytics import fixtures
from tests.factories import make_case, make_full_case, save, vocab

# The registry's named people and cases (tests/analytics/conftest.py stays free of Django).
people, center_a, center_b, case_a, case_b = (
    fixtures.people,
    fixtures.center_a,
    fixtures.center_b,
    fixtures.case_a,
    fixtures.case_b,
)
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db

SETTINGS = d.EndpointSettings()


def _build(cases, **kwargs):
    return build_dataset(cases, rules=risk_ruleset(), settings=SETTINGS, data_cut=date(2021, 6, 1), **kwargs)


def _cal_case(user, center):
    """A case diagnosed at 10 days of life (congenital), AML, no treatment yet."""
    case = make_case(user, center, birth=date(2021, 1, 1), sex="F")
    save(user, case, m.Diagnosis(case=case, diagnosis_date=date(2021, 1, 11), lineage="AML", fab="M7"))
    return case


def test_one_row_per_case_with_every_schema_column(people, case_a, case_b):
    dataset = _build(cases_for(people.coordinator))
    assert list(dataset.cases.columns) == list(CASE_COLUMNS)
    assert list(dataset.findings.columns) == list(FINDING_COLUMNS)
    assert list(dataset.adverse_events.columns) == list(ADVERSE_EVENT_COLUMNS)
    assert list(dataset.assessments.columns) == list(ASSESSMENT_COLUMNS)
    assert len(dataset.assessments) == 2  # the day-33 assessment of each case
    assert sorted(dataset.cases["case_key"]) == sorted([case_a.registry_id, case_b.registry_id])
    assert set(dataset.cases["center"]) == {"AAA", "B-CTR"}
    assert dataset.data_cut == "2021-06-01"


def test_the_row_carries_the_records_and_the_derivations_of_the_case(people, case_a):
    row = _build(cases_for(people.coordinator)).cases.set_index("case_key").loc[case_a.registry_id]
    derived = derive_for_case(case_a)
    assert row["lineage"] == "ALL" and row["subtype"] == "pro_b" and row["cns_status"] == "CNS1"
    assert row["protocol"] == "INTERFANT-06" and row["steroid_response"] == "good"
    assert bool(row["wbc_ge_300"]) and bool(row["fever"])
    assert row["lab_wbc_baseline"] == 350.0 and row["lab_hemoglobin_baseline"] == 80.0
    assert row["age_days"] == 40 and row["age_class"] == derived.age.age_class
    assert row["kmt2a_status"] == derived.kmt2a.status and row["kmt2a_partner"] == "AFF1"
    assert row["risk_class"] == derived.risk.risk_class and row["risk_rule_version"] == risk_ruleset().version
    assert row["cr"] == derived.response.is_cr and row["cr_time"] == derived.cr_time == 33  # days, not a date
    assert row["os_time"] == derived.os.time and row["os_event"] == derived.os.event
    assert row["efs_time"] == derived.efs.time and row["efs_induction_failure_dating"] == "day0"
    assert bool(row["alive_followed_12m"])  # last seen 2021-03-16, within a year of the cut
    assert row["exclusion_reason"] == "" and not row["trm"] and not row["hsct"]


def test_follow_up_completeness_is_judged_at_the_data_cut(people, case_a):
    def followed(cut):
        rows = dataset_rows(cases_for(people.coordinator), rules=risk_ruleset(), settings=SETTINGS, data_cut=cut)
        return rows["cases"][0]["alive_followed_12m"]

    # last contact: 2020-02-10 + 400 days = 2021-03-16
    assert followed(date(2022, 3, 31)) is True  # 365 days before 2022-03-01 is 2021-03-01
    assert followed(date(2022, 4, 1)) is False


def test_follow_up_completeness_changes_only_from_one_month_to_the_next(people, case_a):
    # Judged day by day, runs on successive days would show the exact date of the last contact.
    def followed(cut):
        rows = dataset_rows(cases_for(people.coordinator), rules=risk_ruleset(), settings=SETTINGS, data_cut=cut)
        return rows["cases"][0]["alive_followed_12m"]

    last_contact = date(2020, 2, 10) + timedelta(days=400)
    anniversary = last_contact + timedelta(days=366)
    assert followed(anniversary - timedelta(days=1)) == followed(anniversary)


def test_findings_and_adverse_events_have_a_row_each(people, case_a):
    dataset = _build(cases_for(people.coordinator))
    finding = dataset.findings.iloc[0].to_dict()
    assert finding == {
        "case_key": case_a.registry_id,
        "center": "AAA",
        "lineage": "ALL",
        "method": "karyotype",
        "abnormality": "t(4;11)",
        "abnormality_label": vocab(m.Abnormality, "t(4;11)").label,
        "fusion": "KMT2A::AFF1",
    }
    event = dataset.adverse_events.iloc[0].to_dict()
    assert event["event_type"] == "febrile_neutropenia" and event["grade"] == 3 and event["phase"] == "induction"


def test_no_dates_of_birth_and_no_hospital_hashes_anywhere(people, case_a, case_b):
    text = canonical_bytes(_build(cases_for(people.coordinator))).decode("latin-1")  # numbers as machine bytes
    for case in (case_a, case_b):
        assert case.birth_date.isoformat() not in text
        assert case.hospital_number_hash not in text
    assert "birth" not in text.split("\n", 2)[1]  # the header of the cases table


def test_a_center_user_gets_only_their_own_centers_rows(people, case_a, case_b):
    dataset = _build(cases_for(people.entry_a))
    assert list(dataset.cases["case_key"]) == [case_a.registry_id]
    assert set(dataset.findings["center"]) == {"AAA"} and set(dataset.adverse_events["center"]) == {"AAA"}


def test_archived_cases_and_records_are_left_out(people, case_a, case_b):
    case_archive(user=people.manager, case=case_b, reason="registered twice")
    assert list(_build(cases_for_system()).cases["case_key"]) == [case_a.registry_id]


def test_filters_narrow_the_scoped_cases(people, center_a, center_b, case_a, case_b):
    cal = _cal_case(people.entry_b, center_b)
    everyone = cases_for(people.coordinator)

    def keys(filters, **kwargs):
        return set(_build(filter_cases(everyone, filters), cal_only=filters.cal_only, **kwargs).cases["case_key"])

    assert keys(RunFilters(centers=("AAA",))) == {case_a.registry_id}
    assert keys(RunFilters(lineages=("AML",))) == {cal.registry_id}
    assert keys(RunFilters(protocols=("INTERFANT-06",))) == {case_a.registry_id, case_b.registry_id}
    assert keys(RunFilters(year_from=2021)) == {cal.registry_id}
    assert keys(RunFilters(year_to=2020)) == {case_a.registry_id, case_b.registry_id}
    assert keys(RunFilters(cal_only=True)) == {cal.registry_id}
    assert len(_build(everyone).cases) == 3


def test_excluded_cases_stay_in_the_dataset_for_the_report_to_count(people, center_a, case_a):
    excluded = make_case(people.entry_a, center_a, excluded=True, exclusion_reason="chemo_refused")
    rows = _build(filter_cases(cases_for(people.coordinator), RunFilters(apply_exclusions=True))).cases
    row = rows.set_index("case_key").loc[excluded.registry_id]
    assert bool(row["excluded"]) and row["exclusion_reason"] == "chemo_refused"
    assert row["lineage"] is None and row["age_class"] == "unknown"


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(people, center_a, center_b):
    make_full_case(people.entry_a, center_a)
    rules = risk_ruleset()

    def count():
        cases = cases_for(people.coordinator)  # the role lookup is not part of the dataset
        with CaptureQueriesContext(connection) as queries:
            dataset_rows(cases, rules=rules, settings=SETTINGS)
        return len(queries)

    few = count()
    for _ in range(4):
        make_full_case(people.entry_b, center_b)
    _cal_case(people.entry_b, center_b)
    # One query per kind of record, per vocabulary (read once, not joined to every row) and for the cases.
    assert count() == few <= 20


def test_rows_survive_a_json_round_trip_unchanged(people, case_a, case_b):
    import json

    rows = dataset_rows(cases_for(people.coordinator), rules=risk_ruleset(), settings=SETTINGS)
    again = json.loads(json.dumps(rows))
    first = dataset_from_rows(rows, data_cut="2021-06-01")
    second = dataset_from_rows(again, data_cut="2021-06-01")
    assert canonical_bytes(first) == canonical_bytes(second)
