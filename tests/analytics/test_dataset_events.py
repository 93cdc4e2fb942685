"""analytics.dataset: the days from diagnosis to each event, and the assessments table, built through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from analytics import derive as d
from analytics.dataset import build_dataset, dataset_from_rows, dataset_rows
from analytics.runs.fingerprint import fingerprint
from analytics.schema import ASSESSMENT_COLUMNS
from registry import models as m
from registry.access import cases_for
from registry.derivation import risk_ruleset
from registry.services.records import RecordChange, records_save
from tests.analytics import fixtures
from tests.factories import make_full_case, save

people, center_a, center_b, case_a, case_b = (
    fixtures.people,
    fixtures.center_a,
    fixtures.center_b,
    fixtures.case_a,
    fixtures.case_b,
)
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db

BIRTH = date(2020, 1, 1)
DX = BIRTH + timedelta(days=40)  # make_full_case: diagnosis at 40 days, treatment from the day after
START = DX + timedelta(days=1)


def _build(user, settings=None):
    return build_dataset(
        cases_for(user), rules=risk_ruleset(), settings=settings or d.EndpointSettings(), data_cut=date(2021, 6, 1)
    )


def _row(dataset, case):
    return dataset.cases.set_index("case_key").loc[case.registry_id]


def _archive(user, case, record) -> None:
    records_save(user=user, case=case, changes=[RecordChange(record, record.version, archive=True)], reason="test")


def _after(days: int) -> date:
    return DX + timedelta(days=days)


@pytest.fixture
def eventful(people, center_a):
    """A full case that relapses at 200 days, is transplanted at 250 and dies at 410, with MRD at days 15 and 33."""
    case = make_full_case(people.entry_a, center_a, birth=BIRTH)
    save(
        people.entry_a,
        case,
        m.ResponseAssessment(
            case=case, assessment_date=START + timedelta(days=14), day=15, marrow="M2", mrd_flow_pct=0.8
        ),
        m.OutcomeEvent(case=case, kind="relapse", event_date=_after(200), relapse_site="marrow"),
        m.Transplant(case=case, transplant_date=_after(250), transplant_type="unrelated", remission="CR2"),
        m.OutcomeEvent(case=case, kind="death", event_date=_after(410), death_cause="leukemia"),
        m.FollowUp(case=case, contact_date=_after(410), vital_status="dead"),
    )
    day33 = m.ResponseAssessment.objects.get(case=case, day=33)
    day33.mrd_flow_pct, day33.mrd_pcr = 0.005, "negative"
    save(people.entry_a, case, day33)
    return case


def test_the_case_row_carries_the_days_from_diagnosis_to_each_event(people, eventful):
    row = _row(_build(people.coordinator), eventful)
    assert row["relapse_days"] == 200 and row["relapse_days_reason"] is None
    assert row["hsct_days"] == 250 and bool(row["hsct"])
    assert row["death_days"] == 410 == row["os_time"]
    assert pd_missing(row["second_malignancy_days"]) and row["second_malignancy_days_reason"] is None
    assert pd_missing(row["induction_failure_days"]) and row["induction_failure_days_reason"] is None  # in CR


def test_a_case_without_events_has_no_event_days(people, case_a):
    row = _row(_build(people.coordinator), case_a)
    for kind in ("relapse", "death", "second_malignancy", "induction_failure", "hsct"):
        assert pd_missing(row[f"{kind}_days"]) and row[f"{kind}_days_reason"] is None, kind


def test_an_induction_failure_is_dated_by_the_setting(people, center_a):
    case = make_full_case(people.entry_a, center_a, birth=BIRTH)
    day33 = m.ResponseAssessment.objects.get(case=case, day=33)
    day33.marrow, day33.marrow_blasts = "M3", 40.0
    cr = m.OutcomeEvent.objects.get(case=case, kind="cr")
    save(people.entry_a, case, day33)
    _archive(people.entry_a, case, cr)
    assert _row(_build(people.coordinator), case)["induction_failure_days"] == 0
    dated = _row(_build(people.coordinator, d.EndpointSettings(induction_failure_dating="event_date")), case)
    assert dated["induction_failure_days"] == 33 == dated["efs_time"]  # day 33 of treatment = 33 days after diagnosis


def test_each_live_assessment_is_a_row_in_days_from_diagnosis(people, eventful):
    assert list(_build(people.coordinator).assessments.columns) == list(ASSESSMENT_COLUMNS)
    rows = dataset_rows(cases_for(people.coordinator), rules=risk_ruleset(), settings=d.EndpointSettings())
    assert [r for r in rows["assessments"] if r["case_key"] == eventful.registry_id] == [
        {
            "case_key": eventful.registry_id,
            "center": "AAA",
            "days": 15,
            "day": 15,
            "marrow": "M2",
            "marrow_blasts": None,
            "mrd_flow_pct": 0.8,
            "mrd_pcr": None,
        },
        {
            "case_key": eventful.registry_id,
            "center": "AAA",
            "days": 33,
            "day": 33,
            "marrow": "M1",
            "marrow_blasts": 1.0,
            "mrd_flow_pct": 0.005,
            "mrd_pcr": "negative",
        },
    ]


def test_archived_assessments_and_other_centers_are_left_out(people, eventful, case_b):
    day15 = m.ResponseAssessment.objects.get(case=eventful, day=15)
    _archive(people.entry_a, eventful, day15)
    dataset = _build(people.entry_a)
    assert list(dataset.assessments["day"]) == [33]
    assert set(dataset.assessments["center"]) == {"AAA"}


def test_the_fingerprint_changes_when_an_assessment_changes(people, eventful):
    before = fingerprint(_build(people.coordinator), settings={})
    day15 = m.ResponseAssessment.objects.get(case=eventful, day=15)
    day15.mrd_flow_pct = 0.09
    save(people.entry_a, eventful, day15)
    assert fingerprint(_build(people.coordinator), settings={}) != before


def test_rows_stored_before_the_assessments_table_still_make_a_dataset(people, eventful):
    rows = dataset_rows(cases_for(people.coordinator), rules=risk_ruleset(), settings=d.EndpointSettings())
    assert len(rows["assessments"]) == 2
    del rows["assessments"]
    dataset = dataset_from_rows(rows, data_cut="2021-06-01")
    assert dataset.assessments.empty and list(dataset.assessments.columns) == list(ASSESSMENT_COLUMNS)


def pd_missing(value) -> bool:
    return value is None or value != value
