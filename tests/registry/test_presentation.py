"""registry.presentation: how one reader sees one case's dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.presentation import (
    HIDDEN,
    NARRATIVE_FIELDS,
    NOTE_HIDDEN,
    REDACTED,
    STRUCTURED_TEXT_FIELDS,
    CaseDates,
    FieldText,
    redact_dates,
)

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


@pytest.mark.parametrize("glued", ["X10.02.2020", "KMT2A2020-02-10", "March 1, 2024x", "d10.02.2020y"])
def test_a_date_glued_to_letters_is_redacted_too(glued):
    assert "2020" not in redact_dates(glued) and "2024" not in redact_dates(glued)
    assert REDACTED in redact_dates(glued)


def test_numbers_that_are_not_dates_stay():
    assert redact_dates("WBC 350.0, day 33, 46,XY,t(4;11)(q21;q23), MRD 0.01") == (
        "WBC 350.0, day 33, 46,XY,t(4;11)(q21;q23), MRD 0.01"
    )


# --- free text: narrative hidden, structured text redacted ---------------------------------------------------

TYPED_DATES = (
    "1-Nov-2026",
    "2026年10月20日",
    "20 октября 2026",
    "20.X.2026",
    "Oct-20-2026",
    "the 20th of October 2026",
    "20261020",
)


def _text_fields():
    from django.db import models

    from registry import models as m

    for model in (m.Case, *m.CASE_RECORD_MODELS):
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                yield f"{model._meta.label_lower}.{field.name}"


def test_every_text_field_of_every_case_record_is_either_narrative_or_structured():
    # A text field added later must be put in one of the two sets: a note left unclassified would be shown.
    fields = set(_text_fields())
    assert "registry.followup.note" in fields and "registry.cytogeneticfinding.iscn" in fields
    assert fields - NARRATIVE_FIELDS - STRUCTURED_TEXT_FIELDS == set(), "classify these in registry.presentation"
    assert not NARRATIVE_FIELDS & STRUCTURED_TEXT_FIELDS
    assert not (NARRATIVE_FIELDS | STRUCTURED_TEXT_FIELDS) - fields, "no longer text fields of a case record"


@pytest.mark.parametrize("typed", TYPED_DATES)
def test_a_pseudonymized_reader_sees_no_narrative_text_at_all_whatever_way_a_date_is_written(typed):
    note = f"seen {typed}, Ivanova, H-123456"
    assert PSEUDONYMIZED.field_text("registry.followup", "note", note) == NOTE_HIDDEN
    assert PSEUDONYMIZED.text(FieldText("registry.followup", "note", note)) == NOTE_HIDDEN
    assert PSEUDONYMIZED.field_text("registry.followup", "note", "") == ""
    assert SHOWN.field_text("registry.followup", "note", note) == note
    assert SHOWN.text(FieldText("registry.followup", "note", note)) == note


def test_structured_text_stays_visible_with_dates_replaced():
    iscn = "46,XY,t(4;11)(q21;q23)"
    assert PSEUDONYMIZED.field_text("registry.cytogeneticfinding", "iscn", iscn) == iscn
    assert PSEUDONYMIZED.field_text("registry.treatment", "arm", "HR 2024-03-10") == f"HR {REDACTED}"
