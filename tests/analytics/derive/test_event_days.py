"""Days from diagnosis to each event: relapse, death, second malignancy, induction failure, transplant."""

from __future__ import annotations

from analytics.derive import (
    SEED000_RULES_V1,
    EndpointSettings,
    EventDays,
    derive_case,
    derive_death_days,
    derive_efs,
    derive_first_event_days,
    derive_hsct_days,
    derive_induction_failure_days,
    reasons,
)

from .builders import DIAGNOSIS, START, assessment, case, days_after, event

EVENT_DATE = EndpointSettings(induction_failure_dating="event_date")


def on(days: int):
    return days_after(DIAGNOSIS, days)


def failed_induction(**fields):
    return case(assessments=(assessment(33, "M3"),), **fields)


# Relapse and second malignancy


def test_no_relapse_gives_no_time_and_no_reason():
    result = derive_first_event_days(case(), "relapse")
    assert result == EventDays(None, None)
    assert result.happened is False


def test_the_first_relapse_is_dated_in_days_from_diagnosis():
    events = (event("relapse", on(700), "cns"), event("relapse", on(300), "marrow"))
    result = derive_first_event_days(case(events=events), "relapse")
    assert (result.days, result.reason, result.happened) == (300, None, True)


def test_an_undated_relapse_beside_a_dated_one_leaves_the_first_unknown():
    events = (event("relapse", on(300), "marrow"), event("relapse", None, "cns"))
    result = derive_first_event_days(case(events=events), "relapse")
    assert (result.days, result.reason, result.happened) == (None, reasons.EVENT_DATE_MISSING, None)


def test_a_relapse_dated_before_diagnosis_gives_no_time():
    result = derive_first_event_days(case(events=(event("relapse", on(-3)),)), "relapse")
    assert (result.days, result.reason) == (None, reasons.EVENT_BEFORE_DIAGNOSIS)


def test_a_relapse_without_a_diagnosis_date_gives_no_time():
    record = case(diagnosis_date=None, events=(event("relapse", on(300)),))
    assert derive_first_event_days(record, "relapse").reason == reasons.DIAGNOSIS_DATE_MISSING


def test_a_relapse_on_the_day_of_diagnosis_is_day_0():
    assert derive_first_event_days(case(events=(event("relapse", DIAGNOSIS),)), "relapse").days == 0


def test_second_malignancy_reads_only_its_own_events():
    events = (event("relapse", on(100)), event("second_malignancy", on(900)), event("second_malignancy", on(1200)))
    assert derive_first_event_days(case(events=events), "second_malignancy").days == 900


# Death


def test_a_child_alive_has_no_death_time():
    assert derive_death_days(case()) == EventDays(None, None)


def test_death_is_dated_as_overall_survival_dates_it():
    record = case(events=(event("death", on(200), "infection"),), vital_status="dead")
    assert derive_death_days(record) == EventDays(200, None)


def test_an_induction_death_is_a_death():
    record = case(assessments=(), events=(event("induction_death", on(12), "infection"),), vital_status="dead")
    assert derive_death_days(record).days == 12


def test_a_death_without_a_date_gives_its_reason():
    record = case(events=(event("death", None),), vital_status="dead")
    assert derive_death_days(record) == EventDays(None, reasons.DEATH_DATE_MISSING)


def test_vital_status_dead_without_a_death_event_is_a_death_that_cannot_be_dated():
    result = derive_death_days(case(vital_status="dead"))
    assert (result.days, result.reason, result.happened) == (None, reasons.VITAL_STATUS_DEAD_NO_DEATH_EVENT, None)


def test_deaths_that_disagree_give_no_time():
    events = (event("induction_death", on(10)), event("death", on(11)))
    record = case(events=events, vital_status="dead")
    assert derive_death_days(record).reason == reasons.CONTRADICTION_DEATH_DATES


def test_a_death_before_diagnosis_gives_no_time():
    record = case(events=(event("death", on(-1)),), vital_status="dead")
    assert derive_death_days(record) == EventDays(None, reasons.DEATH_BEFORE_DIAGNOSIS)


def test_a_death_while_vital_status_says_alive_gives_no_time():
    record = case(events=(event("death", on(50)),), vital_status="alive")
    assert derive_death_days(record).reason == reasons.CONTRADICTION_VITAL_STATUS_ALIVE


# Induction failure


def test_an_induction_failure_is_day_0_by_default():
    assert derive_induction_failure_days(failed_induction()) == EventDays(0, None)


def test_an_induction_failure_is_dated_at_its_event_under_the_event_date_setting():
    record = failed_induction(events=(event("induction_failure", on(40)),))
    assert derive_induction_failure_days(record, settings=EVENT_DATE) == EventDays(40, None)


def test_an_induction_failure_without_event_is_dated_at_the_assessment_under_event_date():
    expected = (days_after(START, 33) - DIAGNOSIS).days
    assert derive_induction_failure_days(failed_induction(), settings=EVENT_DATE).days == expected


def test_induction_failure_days_agree_with_efs_under_both_settings():
    records = (failed_induction(), failed_induction(events=(event("induction_failure", on(45)),)))
    for settings in (EndpointSettings(), EVENT_DATE):
        for record in records:
            efs = derive_efs(record, settings=settings)
            assert efs.first_event == "induction_failure"
            assert derive_induction_failure_days(record, settings=settings).days == efs.time


def test_an_undated_induction_failure_is_day_0_but_undated_under_event_date():
    record = case(assessments=(), events=(event("induction_failure", None),))
    assert derive_induction_failure_days(record).days == 0
    assert derive_induction_failure_days(record, settings=EVENT_DATE) == EventDays(
        None, reasons.INDUCTION_FAILURE_UNDATED
    )


def test_an_induction_failure_dated_before_diagnosis_gives_no_time_under_event_date():
    record = failed_induction(events=(event("induction_failure", on(-2)),))
    assert derive_induction_failure_days(record, settings=EVENT_DATE).reason == reasons.EVENT_BEFORE_DIAGNOSIS
    assert derive_induction_failure_days(record).days == 0


def test_cr_and_induction_death_are_no_induction_failure():
    assert derive_induction_failure_days(case()) == EventDays(None, None)
    death = case(assessments=(), events=(event("induction_death", on(12)),), vital_status="dead")
    assert derive_induction_failure_days(death) == EventDays(None, None)


def test_an_unknown_response_leaves_induction_failure_open():
    result = derive_induction_failure_days(case(assessments=()))
    assert (result.days, result.reason, result.happened) == (None, reasons.RESPONSE_UNKNOWN, None)


def test_an_induction_failure_without_diagnosis_date_gives_no_time():
    record = failed_induction(diagnosis_date=None)
    assert derive_induction_failure_days(record).reason == reasons.DIAGNOSIS_DATE_MISSING


# Transplant


def test_the_first_transplant_is_dated_in_days_from_diagnosis():
    assert derive_hsct_days(case(transplant_dates=(on(250), on(180)))) == EventDays(180, None)


def test_no_transplant_gives_no_time():
    assert derive_hsct_days(case()) == EventDays(None, None)


def test_a_transplant_before_diagnosis_or_undated_gives_no_time():
    assert derive_hsct_days(case(transplant_dates=(on(-5),))).reason == reasons.TRANSPLANT_BEFORE_DIAGNOSIS
    assert derive_hsct_days(case(transplant_dates=(None, on(200)))).reason == reasons.TRANSPLANT_DATE_MISSING


# The row


def test_the_case_row_carries_every_event_time_and_reason():
    record = failed_induction(
        events=(
            event("induction_failure", on(40)),
            event("relapse", on(300), "marrow"),
            event("second_malignancy", on(600)),
            event("death", None),
        ),
        vital_status="dead",
        transplant_dates=(on(150),),
    )
    row = derive_case(record, rules=SEED000_RULES_V1, settings=EVENT_DATE).as_row()
    kinds = ("relapse", "death", "second_malignancy", "induction_failure", "hsct")
    assert {k: v for k, v in row.items() if k.startswith(kinds)} == {
        "relapse_days": 300,
        "relapse_days_reason": None,
        "death_days": None,
        "death_days_reason": reasons.DEATH_DATE_MISSING,
        "second_malignancy_days": 600,
        "second_malignancy_days_reason": None,
        "induction_failure_days": 40,
        "induction_failure_days_reason": None,
        "hsct_days": 150,
        "hsct_days_reason": None,
    }
    assert derive_case(record, rules=SEED000_RULES_V1).as_row()["induction_failure_days"] == 0
