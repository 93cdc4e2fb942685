"""Each entry rule: one input that breaks it (refused, with the field and message) and one that passes."""

from datetime import timedelta

import pytest

from registry import models as m
from registry.services.errors import RecordsInvalid
from registry.services.records import RecordChange, records_save
from registry.validation import rules
from tests.factories import protocol, vocab

pytestmark = pytest.mark.django_db


def _errors(user, case, *instances):
    """Field errors of the first refused record, or {} when all were saved."""
    try:
        records_save(user=user, case=case, changes=[RecordChange(i, getattr(i, "version", None)) for i in instances])
    except RecordsInvalid as exc:
        return next(iter(exc.errors.values())).message_dict
    return {}


@pytest.fixture
def dx(case_a):
    return case_a.diagnosis.diagnosis_date


@pytest.fixture
def user(people):
    return people.entry_a


def test_diagnosis_before_birth_is_refused(user, case_a):
    diagnosis = case_a.diagnosis
    diagnosis.diagnosis_date = case_a.birth_date - timedelta(days=1)
    assert _errors(user, case_a, diagnosis)["diagnosis_date"] == [
        "The diagnosis date 2019-12-31 is before the date of birth 2020-01-01."
    ]
    diagnosis.diagnosis_date = case_a.birth_date  # diagnosed on the day of birth: congenital, fine
    m.Treatment.objects.filter(case=case_a).update(start_date=case_a.birth_date)
    assert _errors(user, case_a, diagnosis) == {}


def test_treatment_before_diagnosis_is_refused(user, case_a, dx):
    treatment = case_a.treatment
    treatment.start_date = dx - timedelta(days=1)
    assert "start_date" in _errors(user, case_a, treatment)
    treatment.start_date = dx
    assert _errors(user, case_a, treatment) == {}


def test_assessment_before_treatment_start_is_refused(user, case_a, dx):
    start = case_a.treatment.start_date
    early = m.ResponseAssessment(case=case_a, assessment_date=start - timedelta(days=1), marrow="M1")
    assert _errors(user, case_a, early)["assessment_date"] == [
        f"Assessment date {start - timedelta(days=1)} (new response assessment) is before the start of treatment "
        f"{start}."
    ]
    assert _errors(user, case_a, m.ResponseAssessment(case=case_a, assessment_date=start, marrow="M1")) == {}


def test_events_before_diagnosis_are_refused(user, case_a, dx):
    event = m.OutcomeEvent(case=case_a, kind="lost_to_follow_up", event_date=dx - timedelta(days=3))
    assert _errors(user, case_a, event)["event_date"] == [
        f"Event date {dx - timedelta(days=3)} (new outcome event: Lost to follow-up) is before the diagnosis date {dx}."
    ]
    event.event_date = dx + timedelta(days=800)
    assert _errors(user, case_a, event) == {}


def test_nothing_but_death_related_records_may_follow_a_death(user, case_a, dx):
    death_day = dx + timedelta(days=500)
    assert (
        _errors(user, case_a, m.OutcomeEvent(case=case_a, kind="death", event_date=death_day, death_cause="infection"))
        == {}
    )
    later = m.AdverseEvent(
        case=case_a,
        event_type=vocab(m.AdverseEventType, "sepsis"),
        grade=3,
        onset_date=death_day + timedelta(days=1),
        phase="maintenance",
    )
    assert _errors(user, case_a, later)["onset_date"] == [
        f"Onset date {death_day + timedelta(days=1)} (new adverse event: Sepsis) is after the recorded death "
        f"{death_day}; only death-related records may follow a death."
    ]
    alive = m.FollowUp(case=case_a, contact_date=death_day + timedelta(days=30), vital_status="alive")
    assert _errors(user, case_a, alive)["vital_status"] == [
        f"The child is recorded dead on {death_day}; the contact of {death_day + timedelta(days=30)} "
        "(new follow-up contact: Alive) cannot say alive."
    ]
    confirming = m.FollowUp(case=case_a, contact_date=death_day + timedelta(days=30), vital_status="dead")
    assert _errors(user, case_a, confirming) == {}


def test_a_contact_saying_dead_needs_a_death_event(user, case_a, dx):
    contact = m.FollowUp(case=case_a, contact_date=dx + timedelta(days=600), vital_status="dead")
    assert _errors(user, case_a, contact)["vital_status"] == [rules.DEAD_WITHOUT_DEATH]


def test_only_one_death(user, case_a, dx):
    first = m.OutcomeEvent(case=case_a, kind="death", event_date=dx + timedelta(days=500), death_cause="leukemia")
    assert _errors(user, case_a, first) == {}
    second = m.OutcomeEvent(case=case_a, kind="death", event_date=dx + timedelta(days=500), death_cause="other")
    assert "kind" in _errors(user, case_a, second)


def test_cr_and_induction_death_contradict(user, case_a, dx):
    # case_a already has a CR at the end of induction
    death = m.OutcomeEvent(
        case=case_a, kind="induction_death", event_date=dx + timedelta(days=20), death_cause="infection"
    )
    errors = _errors(user, case_a, death)
    assert rules.CR_AND_INDUCTION_DEATH in errors["kind"]


def test_cr_and_induction_failure_contradict_but_cr_after_failure_is_second_line(user, people, center_a, dx):
    from tests.factories import make_full_case

    case = make_full_case(people.entry_a, center_a)
    cr = m.OutcomeEvent.objects.get(case=case, kind="cr")
    failure = m.OutcomeEvent(case=case, kind="induction_failure", event_date=cr.event_date)
    assert _errors(user, case, failure)["kind"] == [rules.CR_AND_INDUCTION_FAILURE]
    failure.event_date = cr.event_date - timedelta(days=1)
    assert _errors(user, case, failure) == {}


def test_relapse_needs_a_site_and_death_a_cause(user, case_a, dx):
    relapse = m.OutcomeEvent(case=case_a, kind="relapse", event_date=dx + timedelta(days=300))
    assert _errors(user, case_a, relapse) == {"relapse_site": [rules.RELAPSE_SITE_REQUIRED]}
    relapse.relapse_site, relapse.death_cause = "cns", "leukemia"
    assert _errors(user, case_a, relapse) == {"death_cause": [rules.DEATH_CAUSE_ONLY_FOR_DEATH]}
    relapse.death_cause = ""
    assert _errors(user, case_a, relapse) == {}


def _finding(case, abnormality, five=None, three=None, other=""):
    return m.CytogeneticFinding(
        case=case,
        method="rt_pcr",
        abnormality=vocab(m.Abnormality, abnormality),
        gene_5p=vocab(m.Gene, five) if five else None,
        gene_3p=vocab(m.Gene, three) if three else None,
        gene_other=other,
    )


def test_t15_17_in_an_all_is_refused(user, case_a):
    errors = _errors(user, case_a, _finding(case_a, "t(15;17)", "PML", "RARA"))
    assert errors["abnormality"] == [
        "t(15;17) is not seen in Acute lymphoblastic leukemia: check the abnormality or the lineage."
    ]
    assert _errors(user, case_a, _finding(case_a, "t(12;21)", "ETV6", "RUNX1")) == {}


@pytest.mark.parametrize(
    ("abnormality", "five", "three", "ok"),
    [
        ("t(4;11)", "KMT2A", "AFF1", True),
        ("t(4;11)", "KMT2A", "MLLT3", False),
        ("t(12;21)", "ETV6", "RUNX1", True),
        ("t(12;21)", "BCR", "ABL1", False),
        ("t(9;11)", "KMT2A", "MLLT3", True),
        ("nutm1_r", "BRD9", "NUTM1", True),
        ("nutm1_r", "ETV6", "RUNX1", False),
        ("no_kmt2a_r", "KMT2A", "AFF1", False),
    ],
)
def test_the_fusion_must_match_the_abnormality(user, case_a, abnormality, five, three, ok):
    errors = _errors(user, case_a, _finding(case_a, abnormality, five, three))
    assert (errors == {}) is ok, errors


def test_an_other_partner_needs_its_symbol_and_a_fusion_needs_both_genes(user, case_a):
    assert _errors(user, case_a, _finding(case_a, "kmt2a_other", "KMT2A", "OTHER")) == {
        "gene_other": [rules.OTHER_GENE_REQUIRED]
    }
    assert _errors(user, case_a, _finding(case_a, "kmt2a_other", "KMT2A")) == {"gene_3p": [rules.FUSION_HALF]}
    finding = _finding(case_a, "kmt2a_other", "KMT2A", "OTHER", other="sept6")
    assert _errors(user, case_a, finding) == {}
    assert finding.fusion == "KMT2A::SEPT6"


def test_an_aml_protocol_for_an_all_is_refused(user, case_a):
    treatment = case_a.treatment
    treatment.protocol = protocol("AML-BFM")
    assert "protocol" in _errors(user, case_a, treatment)
    treatment.protocol = protocol("MLL-Baby")
    assert _errors(user, case_a, treatment) == {}


def test_fab_and_subtype_must_fit_the_lineage(user, case_a):
    diagnosis = case_a.diagnosis
    diagnosis.fab = "M5"
    assert _errors(user, case_a, diagnosis) == {"fab": [rules.FAB_ONLY_AML]}
    diagnosis.fab, diagnosis.subtype = "", "aml"
    assert "subtype" in _errors(user, case_a, diagnosis)


def test_marrow_class_must_match_the_blast_count(user, case_a):
    start = case_a.treatment.start_date
    record = m.ResponseAssessment(
        case=case_a, assessment_date=start + timedelta(days=14), marrow="M1", marrow_blasts=12.0
    )
    assert "marrow_blasts" in _errors(user, case_a, record)
    record.marrow = "M2"
    assert _errors(user, case_a, record) == {}


def test_pcr_level_goes_with_a_level_result(user, case_a):
    start = case_a.treatment.start_date
    record = m.ResponseAssessment(case=case_a, assessment_date=start + timedelta(days=70), mrd_pcr="level")
    assert _errors(user, case_a, record) == {"mrd_pcr_level": [rules.PCR_LEVEL_REQUIRED]}
    record.mrd_pcr_level = 0.001
    assert _errors(user, case_a, record) == {}


def test_lab_values_outside_the_infant_range_are_refused_with_the_range(user, case_a):
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    panel.hemoglobin = 800.0  # g/L typed as if it were x10 g/dL
    errors = _errors(user, case_a, panel)
    assert "hemoglobin" in errors and "250" in errors["hemoglobin"][0]


def test_an_exclusion_needs_a_reason(user, case_a):
    from registry.services.cases import case_update

    with pytest.raises(Exception) as caught:
        case_update(user=user, case=case_a, expected_version=case_a.version, excluded=True)
    assert caught.value.message_dict["exclusion_reason"] == [rules.EXCLUSION_REASON_REQUIRED]
    case_a.refresh_from_db()
    case_update(
        user=user, case=case_a, expected_version=case_a.version, excluded=True, exclusion_reason="chemo_refused"
    )
