from analytics.derive import derive_os, reasons

from .builders import DIAGNOSIS, case, days_after, event


def dead(days: int, cause: str = "leukemia", **fields):
    fields.setdefault("vital_status", "dead")
    return case(events=(event("death", days_after(DIAGNOSIS, days), cause),), **fields)


def test_death_from_any_cause_is_the_event():
    for cause in ("leukemia", "trm", "infection", "mof", "other"):
        result = derive_os(dead(400, cause))
        assert (result.time, result.event, result.reason) == (400, 1, None), cause


def test_death_on_the_day_of_diagnosis_is_time_zero():
    assert (derive_os(dead(0)).time, derive_os(dead(0)).event) == (0, 1)


def test_an_induction_death_is_a_death():
    record = case(events=(event("induction_death", days_after(DIAGNOSIS, 10)),), vital_status="dead")
    assert (derive_os(record).time, derive_os(record).event) == (10, 1)


def test_alive_is_censored_at_last_contact():
    result = derive_os(case(last_contact_date=days_after(DIAGNOSIS, 900)))
    assert (result.time, result.event) == (900, 0)


def test_censoring_uses_an_event_dated_after_last_contact():
    record = case(last_contact_date=days_after(DIAGNOSIS, 300), events=(event("relapse", days_after(DIAGNOSIS, 320)),))
    assert derive_os(record).time == 320


def test_missing_diagnosis_date_is_unknown():
    result = derive_os(case(diagnosis_date=None))
    assert (result.time, result.event, result.reason) == (None, None, reasons.DIAGNOSIS_DATE_MISSING)


def test_missing_last_contact_date_is_unknown_for_a_living_child():
    assert derive_os(case(last_contact_date=None)).reason == reasons.LAST_CONTACT_MISSING


def test_missing_last_contact_date_does_not_matter_after_death():
    assert derive_os(dead(400, last_contact_date=None)).time == 400


def test_last_contact_before_diagnosis_is_unknown():
    assert derive_os(case(last_contact_date=days_after(DIAGNOSIS, -1))).reason == reasons.FOLLOW_UP_BEFORE_DIAGNOSIS


def test_death_without_a_date_is_unknown():
    record = case(events=(event("death", None),), vital_status="dead")
    assert derive_os(record).reason == reasons.DEATH_DATE_MISSING


def test_death_before_diagnosis_is_unknown():
    assert derive_os(dead(-3)).reason == reasons.DEATH_BEFORE_DIAGNOSIS


def test_vital_status_dead_without_a_death_event_is_unknown():
    assert derive_os(case(vital_status="dead")).reason == reasons.VITAL_STATUS_DEAD_NO_DEATH_EVENT


def test_a_death_event_beside_vital_status_alive_is_a_contradiction():
    result = derive_os(dead(400, vital_status="alive"))
    assert (result.time, result.reason) == (None, reasons.CONTRADICTION_VITAL_STATUS_ALIVE)


def test_two_different_death_dates_are_a_contradiction():
    events = (event("induction_death", days_after(DIAGNOSIS, 10)), event("death", days_after(DIAGNOSIS, 11)))
    assert derive_os(case(events=events, vital_status="dead")).reason == reasons.CONTRADICTION_DEATH_DATES


def test_an_undated_second_record_of_the_same_death_is_accepted():
    events = (event("induction_death", None), event("death", days_after(DIAGNOSIS, 11)))
    assert derive_os(case(events=events, vital_status="dead")).time == 11
