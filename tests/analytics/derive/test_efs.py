from analytics.derive import EndpointSettings, derive_efs, reasons

from .builders import DIAGNOSIS, START, assessment, case, days_after, event

EVENT_DATE = EndpointSettings(induction_failure_dating="event_date")


def on(days: int):
    return days_after(DIAGNOSIS, days)


def failed_induction(**fields):
    return case(assessments=(assessment(33, "M3"),), **fields)


def test_induction_failure_is_an_event_at_day_0_by_default():
    result = derive_efs(failed_induction())
    assert (result.time, result.event, result.first_event) == (0, 1, "induction_failure")
    assert result.induction_failure_dating == "day0"


def test_induction_failure_dated_at_its_event_date_under_the_event_date_setting():
    record = failed_induction(events=(event("induction_failure", on(40)),))
    result = derive_efs(record, settings=EVENT_DATE)
    assert (result.time, result.event, result.first_event) == (40, 1, "induction_failure")
    assert result.induction_failure_dating == "event_date"


def test_induction_failure_without_event_is_dated_at_the_end_of_induction_assessment():
    result = derive_efs(failed_induction(), settings=EVENT_DATE)
    assert result.time == (days_after(START, 33) - DIAGNOSIS).days


def test_an_undated_induction_failure_without_assessment_date_is_unknown_under_event_date():
    record = case(assessments=(), events=(event("induction_failure", None),))
    assert derive_efs(record, settings=EVENT_DATE).reason == reasons.INDUCTION_FAILURE_UNDATED
    assert derive_efs(record).time == 0


def test_relapse_ends_efs():
    result = derive_efs(case(events=(event("relapse", on(300), "marrow"),)))
    assert (result.time, result.event, result.first_event) == (300, 1, "relapse")


def test_a_relapse_after_a_second_cr_does_not_move_efs():
    events = (
        event("cr", on(35)),
        event("relapse", on(300), "marrow"),
        event("cr", on(360)),
        event("relapse", on(700), "cns"),
        event("death", on(800), "leukemia"),
    )
    result = derive_efs(case(events=events, vital_status="dead"))
    assert (result.time, result.first_event) == (300, "relapse")


def test_death_in_remission_ends_efs():
    record = case(events=(event("death", on(200), "infection"),), vital_status="dead")
    assert (derive_efs(record).time, derive_efs(record).first_event) == (200, "death")


def test_induction_death_ends_efs_at_the_death_date_not_day_0():
    record = case(assessments=(), events=(event("induction_death", on(12)),), vital_status="dead")
    result = derive_efs(record)
    assert (result.time, result.event, result.first_event) == (12, 1, "induction_death")


def test_a_second_malignancy_ends_efs():
    record = case(events=(event("second_malignancy", on(1000)),), last_contact_date=on(1200))
    assert (derive_efs(record).time, derive_efs(record).first_event) == (1000, "second_malignancy")


def test_relapse_and_death_on_one_day_report_the_relapse():
    events = (event("death", on(500)), event("relapse", on(500)))
    assert derive_efs(case(events=events, vital_status="dead")).first_event == "relapse"


def test_no_event_is_censored_at_last_contact():
    result = derive_efs(case(last_contact_date=on(1500)))
    assert (result.time, result.event, result.first_event) == (1500, 0, "censored")


def test_an_undated_relapse_is_unknown():
    result = derive_efs(case(events=(event("relapse", None),)))
    assert (result.time, result.reason) == (None, reasons.EVENT_DATE_MISSING)


def test_an_undated_relapse_does_not_matter_after_an_induction_failure_at_day_0():
    assert derive_efs(failed_induction(events=(event("relapse", None),))).time == 0


def test_an_event_before_diagnosis_is_unknown():
    assert derive_efs(case(events=(event("relapse", on(-1)),))).reason == reasons.EVENT_BEFORE_DIAGNOSIS


def test_unknown_response_at_end_of_induction_makes_efs_unknown():
    result = derive_efs(case(assessments=()))
    assert (result.time, result.reason) == (None, reasons.RESPONSE_UNKNOWN)


def test_missing_diagnosis_date_is_unknown():
    assert derive_efs(case(diagnosis_date=None)).reason == reasons.DIAGNOSIS_DATE_MISSING


def test_missing_last_contact_without_event_is_unknown():
    assert derive_efs(case(last_contact_date=None)).reason == reasons.LAST_CONTACT_MISSING


def test_an_undated_death_is_unknown_unless_an_earlier_event_is_certain():
    record = case(events=(event("death", None),), vital_status="dead")
    assert derive_efs(record).reason == reasons.DEATH_DATE_MISSING
