from analytics.derive import Assessment, EndpointSettings, derive_response, reasons

from .builders import DIAGNOSIS, START, assessment, case, days_after, event, protocol


def response(**fields):
    return derive_response(case(**fields))


def test_m1_marrow_at_day_33_is_cr():
    result = response(assessments=(assessment(33, "M1"),))
    assert (result.status, result.is_cr, result.assessment_day) == ("CR", True, 33)
    assert result.response_date == days_after(START, 33)


def test_m1_with_extramedullary_disease_not_recorded_is_cr():
    assert response(assessments=(assessment(33, "M1", extramedullary_disease=None),)).status == "CR"


def test_m1_with_extramedullary_disease_is_not_cr():
    result = response(assessments=(assessment(33, "M1", extramedullary_disease=True),))
    assert (result.status, result.is_cr) == ("no_CR", False)


def test_m2_and_m3_marrow_are_not_cr():
    for marrow in ("M2", "M3"):
        assert response(assessments=(assessment(33, marrow),)).status == "no_CR", marrow


def test_the_assessment_nearest_the_induction_day_decides():
    result = response(assessments=(assessment(22, "M3"), assessment(35, "M1")))
    assert (result.status, result.assessment_day) == ("CR", 35)


def test_an_assessment_at_the_edge_of_the_window_counts_and_one_beyond_it_does_not():
    assert response(assessments=(assessment(33 + 14, "M1"),)).status == "CR"
    result = response(assessments=(assessment(33 + 15, "M1"),))
    assert (result.status, result.reason) == ("unknown", reasons.NO_EOI_ASSESSMENT)


def test_the_window_is_a_setting():
    record = case(assessments=(assessment(15, "M3"),))
    assert derive_response(record).status == "unknown"
    assert derive_response(record, EndpointSettings(induction_window_days=20)).status == "no_CR"


def test_the_end_of_induction_day_comes_from_the_protocol():
    aml = protocol("AML-BFM", lineage="AML", induction_day=28)
    record = case(lineage="AML", protocol=aml, assessments=(assessment(15, "M3"), assessment(28, "M1")))
    assert derive_response(record).assessment_day == 28


def test_an_assessment_without_day_is_placed_by_its_date_with_treatment_start_as_day_1():
    undated_day = Assessment(date=days_after(START, 32), marrow="M1")
    result = response(assessments=(undated_day,))
    assert (result.status, result.assessment_day) == ("CR", 33)


def test_without_treatment_start_the_assessment_is_placed_from_diagnosis():
    undated_day = Assessment(date=days_after(DIAGNOSIS, 50), marrow="M1")
    assert response(treatment_start=None, assessments=(undated_day,)).status == "unknown"
    assert (
        response(treatment_start=None, assessments=(Assessment(date=days_after(DIAGNOSIS, 40), marrow="M1"),)).status
        == "CR"
    )


def test_an_assessment_with_neither_day_nor_date_is_unknown_with_a_reason():
    result = response(assessments=(Assessment(marrow="M1"),))
    assert (result.status, result.reason) == ("unknown", reasons.ASSESSMENT_NOT_PLACED)


def test_an_induction_death_event_is_induction_death_and_not_cr():
    death_day = days_after(START, 12)
    result = response(
        assessments=(), events=(event("induction_death", death_day), event("death", death_day, "infection"))
    )
    assert (result.status, result.is_cr, result.response_date) == ("induction_death", False, death_day)


def test_a_death_before_the_end_of_induction_assessment_is_induction_death():
    result = response(events=(event("death", days_after(START, 20), "trm"),), vital_status="dead")
    assert result.status == "induction_death"


def test_a_death_on_the_day_of_the_end_of_induction_assessment_is_induction_death():
    result = response(events=(event("death", days_after(START, 33), "trm"),), vital_status="dead")
    assert result.status == "induction_death"


def test_a_death_after_the_end_of_induction_assessment_does_not_change_cr():
    result = response(events=(event("death", days_after(START, 34), "trm"),), vital_status="dead")
    assert result.status == "CR"


def test_without_an_assessment_a_death_before_the_induction_day_is_induction_death():
    result = response(assessments=(), events=(event("death", days_after(START, 32)),))
    assert result.status == "induction_death"
    late = response(assessments=(), events=(event("death", days_after(START, 33)),))
    assert (late.status, late.reason) == ("unknown", reasons.NO_EOI_ASSESSMENT)


def test_an_induction_failure_event_is_not_cr():
    failure_day = days_after(START, 33)
    result = response(assessments=(), events=(event("induction_failure", failure_day),))
    assert (result.status, result.is_cr, result.response_date) == ("no_CR", False, failure_day)


def test_an_induction_failure_with_a_later_cr_after_salvage_is_still_not_cr():
    events = (event("induction_failure", days_after(START, 33)), event("cr", days_after(START, 90)))
    assert response(assessments=(assessment(33, "M3"),), events=events).status == "no_CR"


def test_a_cr_event_in_induction_without_assessment_is_cr():
    result = response(assessments=(), events=(event("cr", days_after(START, 30)),))
    assert (result.status, result.is_cr) == ("CR", True)


def test_a_cr_event_after_the_window_is_not_read_as_cr_in_induction():
    result = response(assessments=(), events=(event("cr", days_after(START, 33 + 15)),))
    assert result.status == "unknown"


def test_an_undated_cr_event_is_unknown_with_a_reason():
    result = response(assessments=(), events=(event("cr", None),))
    assert (result.status, result.reason) == ("unknown", reasons.CR_EVENT_UNDATED)


def test_cr_event_and_induction_death_event_are_a_contradiction():
    events = (event("cr", days_after(START, 30)), event("induction_death", days_after(START, 31)))
    result = response(events=events)
    assert (result.status, result.is_cr) == ("unknown", None)
    assert result.reason == reasons.CONTRADICTION_CR_AND_INDUCTION_DEATH
    assert result.reason.startswith("contradiction")


def test_cr_event_in_induction_and_a_death_before_the_induction_day_are_a_contradiction():
    events = (event("cr", days_after(START, 20)), event("death", days_after(START, 25)))
    assert response(assessments=(), events=events).reason == reasons.CONTRADICTION_CR_AND_INDUCTION_DEATH


def test_cr_event_in_induction_and_an_induction_failure_event_are_a_contradiction():
    events = (event("cr", days_after(START, 33)), event("induction_failure", days_after(START, 40)))
    assert response(assessments=(), events=events).reason == reasons.CONTRADICTION_CR_AND_FAILURE


def test_an_m1_assessment_and_an_induction_failure_event_are_a_contradiction():
    result = response(events=(event("induction_failure", days_after(START, 33)),))
    assert (result.status, result.reason) == ("unknown", reasons.CONTRADICTION_ASSESSMENT_VS_EVENT)


def test_an_m3_assessment_and_a_cr_event_in_induction_are_a_contradiction():
    result = response(assessments=(assessment(33, "M3"),), events=(event("cr", days_after(START, 33)),))
    assert result.reason == reasons.CONTRADICTION_ASSESSMENT_VS_EVENT


def test_without_a_protocol_the_end_of_induction_is_unknown():
    result = response(protocol=None)
    assert (result.status, result.reason) == ("unknown", reasons.PROTOCOL_MISSING)


def test_without_a_protocol_an_explicit_failure_or_induction_death_still_counts():
    assert response(protocol=None, assessments=(), events=(event("induction_failure", None),)).status == "no_CR"
    assert response(protocol=None, events=(event("induction_death", None),)).status == "induction_death"


def test_without_any_start_date_nothing_can_be_placed():
    result = response(treatment_start=None, diagnosis_date=None, assessments=(Assessment(marrow="M1"),))
    assert (result.status, result.reason) == ("unknown", reasons.DIAGNOSIS_DATE_MISSING)


def test_nothing_recorded_is_unknown():
    result = response(assessments=(), events=())
    assert (result.status, result.is_cr, result.reason) == ("unknown", None, reasons.NO_EOI_ASSESSMENT)


def test_an_assessment_with_only_a_day_is_dated_from_treatment_start_when_placing_a_death():
    day_only = Assessment(day=33, marrow="M1")
    # Day 33 is start + 32 days: treatment start is day 1.
    record = case(assessments=(day_only,), events=(event("death", days_after(START, 32)),), vital_status="dead")
    assert derive_response(record).status == "induction_death"
    later = case(assessments=(day_only,), events=(event("death", days_after(START, 33)),), vital_status="dead")
    assert derive_response(later).status == "CR"


def test_an_undated_death_without_assessment_is_unknown_with_a_reason():
    result = response(assessments=(), events=(event("death", None),), vital_status="dead")
    assert (result.status, result.reason) == ("unknown", reasons.DEATH_DATE_MISSING)


def test_an_undated_death_after_an_end_of_induction_assessment_leaves_the_cr():
    assert response(events=(event("death", None),), vital_status="dead").status == "CR"
