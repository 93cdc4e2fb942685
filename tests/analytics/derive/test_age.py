from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from analytics.derive import derive_age, reasons

from .builders import BIRTH, days_after


def test_day_0_is_congenital():
    assert derive_age(BIRTH, BIRTH).age_class == "CAL"


def test_day_28_is_still_congenital():
    result = derive_age(BIRTH, days_after(BIRTH, 28))
    assert (result.days, result.age_class) == (28, "CAL")


def test_day_29_is_early_infant():
    result = derive_age(BIRTH, days_after(BIRTH, 29))
    assert (result.days, result.age_class) == (29, "early_infant")


def test_exactly_three_calendar_months_is_still_early_infant():
    assert derive_age(date(2024, 1, 15), date(2024, 4, 15)).age_class == "early_infant"


def test_three_calendar_months_and_a_day_is_infant():
    assert derive_age(date(2024, 1, 15), date(2024, 4, 16)).age_class == "infant"


def test_three_months_from_the_31st_ends_on_the_last_day_of_the_shorter_month():
    assert derive_age(date(2024, 8, 31), date(2024, 11, 30)).age_class == "early_infant"
    assert derive_age(date(2024, 8, 31), date(2024, 12, 1)).age_class == "infant"


def test_day_364_is_infant_and_day_365_is_older():
    assert derive_age(BIRTH, days_after(BIRTH, 364)).age_class == "infant"
    assert derive_age(BIRTH, days_after(BIRTH, 365)).age_class == "older"


def test_one_day_short_of_six_calendar_months_is_under_six_months():
    assert derive_age(date(2024, 1, 15), date(2024, 7, 14)).lt_6_months is True


def test_exactly_six_calendar_months_is_not_under_six_months():
    assert derive_age(date(2024, 1, 15), date(2024, 7, 15)).lt_6_months is False


def test_six_months_from_the_31st_of_august_is_the_end_of_february():
    birth = date(2024, 8, 31)
    assert derive_age(birth, date(2025, 2, 27)).lt_6_months is True
    assert derive_age(birth, date(2025, 2, 28)).lt_6_months is False


def test_six_months_is_calendar_months_not_182_days():
    # Jan 15 to Jul 14 2024 is 181 days (leap February); to Jul 15 it is 182 days.
    birth = date(2024, 1, 15)
    assert (date(2024, 7, 15) - birth).days == 182
    assert derive_age(birth, birth + timedelta(days=181)).lt_6_months is True
    assert derive_age(birth, birth + timedelta(days=182)).lt_6_months is False


def test_calendar_months_are_read_as_dateutil_reads_them_for_every_birthday_of_a_leap_cycle():
    # The derivation adds the months itself; every birthday of four years (29 February and each month's end
    # included), diagnosed the day before, on and after 3 and 6 calendar months, gives dateutil's answer.
    birth = date(2023, 1, 1)
    while birth < date(2027, 1, 1):
        for months in (3, 6):
            boundary = birth + relativedelta(months=months)
            for diagnosis in (boundary - timedelta(days=1), boundary, boundary + timedelta(days=1)):
                result = derive_age(birth, diagnosis)
                assert result.lt_6_months is (diagnosis < birth + relativedelta(months=6)), (birth, diagnosis)
                early = (diagnosis - birth).days > 28 and diagnosis <= birth + relativedelta(months=3)
                assert (result.age_class == "early_infant") is early, (birth, diagnosis)
        birth += timedelta(days=1)


def test_diagnosis_before_birth_is_unknown_with_a_reason():
    result = derive_age(BIRTH, days_after(BIRTH, -1))
    assert (result.days, result.age_class, result.lt_6_months) == (None, "unknown", None)
    assert result.reason == reasons.DIAGNOSIS_BEFORE_BIRTH


def test_missing_birth_date_is_unknown_with_a_reason():
    result = derive_age(None, BIRTH)
    assert (result.age_class, result.reason) == ("unknown", reasons.BIRTH_DATE_MISSING)


def test_missing_diagnosis_date_is_unknown_with_a_reason():
    result = derive_age(BIRTH, None)
    assert (result.age_class, result.reason) == ("unknown", reasons.DIAGNOSIS_DATE_MISSING)


def test_a_known_age_has_no_reason():
    assert derive_age(BIRTH, days_after(BIRTH, 100)).reason is None
