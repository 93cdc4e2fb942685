from analytics.derive import ResponseResult, derive_cir, reasons
from analytics.derive.endpoints import CIR_CENSORED, CIR_DEATH_IN_REMISSION, CIR_RELAPSE

from .builders import DIAGNOSIS, START, assessment, case, days_after, event


def on(days: int):
    return days_after(DIAGNOSIS, days)


def outcome(record):
    result = derive_cir(record)
    return result.time, result.event, result.status


def test_first_relapse_is_event_1():
    assert outcome(case(events=(event("relapse", on(300), "marrow"),))) == (300, CIR_RELAPSE, "included")


def test_only_the_first_relapse_counts_after_a_second_cr():
    events = (event("relapse", on(300)), event("cr", on(360)), event("relapse", on(700)), event("death", on(800)))
    assert outcome(case(events=events, vital_status="dead")) == (300, CIR_RELAPSE, "included")


def test_death_in_remission_is_the_competing_event_2():
    record = case(events=(event("death", on(150), "trm"),), vital_status="dead")
    assert outcome(record) == (150, CIR_DEATH_IN_REMISSION, "included")


def test_death_after_relapse_stays_a_relapse():
    record = case(events=(event("relapse", on(300)), event("death", on(400))), vital_status="dead")
    assert outcome(record)[:2] == (300, CIR_RELAPSE)


def test_no_event_is_censored_at_last_contact():
    assert outcome(case(last_contact_date=on(1000))) == (1000, CIR_CENSORED, "included")


def test_a_second_malignancy_is_not_an_event_here():
    record = case(events=(event("second_malignancy", on(600)),), last_contact_date=on(900))
    assert outcome(record) == (900, CIR_CENSORED, "included")


def test_induction_failure_is_excluded_as_never_in_cr():
    result = derive_cir(case(assessments=(assessment(33, "M3"),)))
    assert (result.status, result.time, result.event) == ("excluded", None, None)
    assert result.reason == reasons.NOT_IN_CR
    assert result.reason.startswith("not_in_cr")


def test_induction_death_is_excluded_as_never_in_cr():
    record = case(events=(event("death", days_after(START, 20)),), vital_status="dead")
    assert derive_cir(record).status == "excluded"


def test_unknown_response_is_unknown_not_excluded():
    result = derive_cir(case(assessments=()))
    assert (result.status, result.reason) == ("unknown", reasons.RESPONSE_UNKNOWN)


def test_an_undated_relapse_is_unknown():
    assert derive_cir(case(events=(event("relapse", None),))).reason == reasons.EVENT_DATE_MISSING


def test_an_undated_death_in_remission_is_unknown():
    record = case(events=(event("death", None),), vital_status="dead")
    assert derive_cir(record).reason == reasons.DEATH_DATE_MISSING


def test_missing_diagnosis_or_last_contact_is_unknown():
    assert derive_cir(case(diagnosis_date=None)).reason == reasons.DIAGNOSIS_DATE_MISSING
    assert derive_cir(case(last_contact_date=None)).reason == reasons.LAST_CONTACT_MISSING


def test_a_relapse_or_death_dated_before_diagnosis_is_unknown():
    assert derive_cir(case(events=(event("relapse", on(-1)),))).reason == reasons.EVENT_BEFORE_DIAGNOSIS
    # Through derive_response such a death is an induction death; a caller may pass its own response.
    record = case(events=(event("death", on(-2)),), vital_status="dead")
    result = derive_cir(record, response=ResponseResult("CR", True))
    assert (result.status, result.reason) == ("unknown", reasons.DEATH_BEFORE_DIAGNOSIS)
