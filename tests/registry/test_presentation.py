"""registry.presentation: how one reader sees one case's dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.presentation import HIDDEN, REDACTED, CaseDates, redact_dates

DX = date(2024, 3, 10)
SHOWN = CaseDates(exact=True, anchor=DX)
PSEUDONYMIZED = CaseDates(exact=False, anchor=DX)


def test_an_exact_reader_sees_iso_dates_and_timestamps_to_the_minute(settings):
    settings.TIME_ZONE = "UTC"
    assert SHOWN.diagnosis == "2024-03-10"
    assert SHOWN.day(date(2024, 1, 2)) == "2024-01-02"
    assert SHOWN.stamp(datetime(2024, 3, 11, 9, 30, tzinfo=UTC)) == "2024-03-11 09:30"
    assert SHOWN.text("seen on 12.03.2024") == "seen on 12.03.2024"


def test_a_pseudonymized_reader_sees_the_diagnosis_month_and_every_other_date_as_days_from_it():
    assert PSEUDONYMIZED.diagnosis == "2024-03"
    assert PSEUDONYMIZED.day(DX) == "day 0"
    assert PSEUDONYMIZED.day(date(2024, 4, 19)) == "day +40"
    assert PSEUDONYMIZED.day(date(2024, 1, 30)) == "day -40"
    assert PSEUDONYMIZED.day(None) == ""


def test_a_pseudonymized_reader_sees_timestamps_to_the_month_only():
    assert PSEUDONYMIZED.stamp(datetime(2024, 3, 11, 9, 30, tzinfo=UTC)) == "2024-03"
    assert PSEUDONYMIZED.day(datetime(2024, 3, 11, 9, 30, tzinfo=UTC)) == "2024-03"


def test_without_a_diagnosis_date_a_pseudonymized_reader_sees_no_clinical_date():
    blind = CaseDates(exact=False, anchor=None)
    assert blind.diagnosis == "" and blind.day(date(2024, 1, 2)) == HIDDEN


@pytest.mark.parametrize(
    "typed",
    ["2024-03-01", "2024/3/1", "01.03.2024", "1/3/24", "1 March 2024", "March 1, 2024", "Mar. 1 2024", "1st"],
)
def test_dates_typed_into_free_text_are_redacted(typed):
    redacted = redact_dates(f"relapse on {typed} at home")
    if typed == "1st":
        assert redacted == "relapse on 1st at home"  # not a date
    else:
        assert redacted == f"relapse on {REDACTED} at home"
    assert PSEUDONYMIZED.text(f"relapse on {typed}") == redact_dates(f"relapse on {typed}")


def test_numbers_that_are_not_dates_stay():
    assert redact_dates("WBC 350.0, day 33, 46,XY,t(4;11)(q21;q23), MRD 0.01") == (
        "WBC 350.0, day 33, 46,XY,t(4;11)(q21;q23), MRD 0.01"
    )
