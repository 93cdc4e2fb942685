import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analytics.reports.cells import csv_cell, is_formula_like, xlsx_cell
from registry.transfer import problems as p
from registry.transfer.cells import BadCell, reader
from registry.transfer.problems import shown
from registry.transfer.sheets import SHEETS, Column, Kind

_SHEETS = {sheet.name: sheet for sheet in SHEETS}


def column(sheet: str, name: str) -> Column:
    return _SHEETS[sheet].column(name)


def read(sheet: str, name: str, value):
    return reader(column(sheet, name))(value)


def refusal(sheet: str, name: str, value) -> str:
    with pytest.raises(BadCell) as caught:
        read(sheet, name, value)
    return caught.value.message


# ---- dates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2019-03-02",
        " 2019-03-02 ",
        "2019-03-02 00:00:00",
        "2019-03-02T00:00",
        dt.datetime(2019, 3, 2),
        dt.date(2019, 3, 2),
    ],
)
def test_it_reads_iso_dates_and_date_cells(value):
    assert read("cases", "birth_date", value) == dt.date(2019, 3, 2)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("03/04/2019", "2019-04-03", "2019-03-04"),
        ("3.4.2019", "2019-04-03", "2019-03-04"),
        ("04-03-2019", "2019-03-04", "2019-04-03"),
    ],
)
def test_it_refuses_a_date_whose_day_and_month_could_be_either_way(text, first, second):
    assert refusal("cases", "birth_date", text) == p.AMBIGUOUS_DATE.format(first=first, second=second)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("25/04/2019", "2019-04-25"),
        ("04/25/2019", "2019-04-25"),
        ("03.03.2019", "2019-03-03"),
        ("2019/03/04", "2019-03-04"),
        ("2019-3-4", "2019-03-04"),
    ],
)
def test_it_refuses_other_date_orders_even_when_only_one_reading_is_possible(text, iso):
    assert refusal("cases", "birth_date", text) == p.NOT_ISO_DATE.format(iso=iso)


@pytest.mark.parametrize("text", ["2019-03", "2019", "03/2019", "3.2019", "2019/03"])
def test_it_refuses_a_partial_date(text):
    assert refusal("cases", "birth_date", text) == p.PARTIAL_DATE


@pytest.mark.parametrize(
    "value", ["2019-02-30", "2019-13-01", "31/02/2019", "yesterday", "March 2019", 43528, 43528.0, True, dt.time(10, 0)]
)
def test_it_refuses_what_is_not_a_date(value):
    assert refusal("cases", "birth_date", value) == p.NOT_A_DATE


def test_it_refuses_a_two_digit_year():
    assert refusal("cases", "birth_date", "03/04/19") == p.TWO_DIGIT_YEAR


@pytest.mark.parametrize("value", [dt.datetime(2019, 3, 2, 14, 30), "2019-03-02 14:30", "2019-03-02T14:30:00"])
def test_it_refuses_a_date_with_a_time_of_day(value):
    assert refusal("cases", "birth_date", value) == p.DATE_WITH_TIME


def test_an_empty_date_is_not_recorded():
    assert read("laboratory", "sample_date", "  ") is None
    assert read("laboratory", "sample_date", None) is None


# ---- numbers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number"), [("12.5", 12.5), (12.5, 12.5), (12, 12.0), ("12", 12.0), (".5", 0.5), ("1e2", 100.0)]
)
def test_it_reads_decimals_from_number_cells_and_text(value, number):
    result = read("laboratory", "wbc", value)
    assert result == number
    assert isinstance(result, float)


@pytest.mark.parametrize("text", ["12,5", "1,234", "1.234,5", "1 234,5"])
def test_it_refuses_a_decimal_comma_without_guessing(text):
    assert refusal("laboratory", "wbc", text) == p.DECIMAL_COMMA


@pytest.mark.parametrize("value", ["abc", "<5", "12.5 g/L", "nan", "inf", "1 234", True, dt.datetime(2019, 1, 1)])
def test_it_refuses_text_in_a_number_column(value):
    assert refusal("laboratory", "wbc", value) == p.NOT_A_NUMBER


def test_an_integer_column_takes_whole_numbers_only():
    assert read("adverse_events", "grade", "3") == 3
    assert read("adverse_events", "grade", 3.0) == 3
    assert isinstance(read("adverse_events", "grade", "3.0"), int)
    assert refusal("adverse_events", "grade", "2.5") == p.NOT_AN_INTEGER
    assert refusal("adverse_events", "grade", 2.5) == p.NOT_AN_INTEGER


@pytest.mark.parametrize(
    ("sheet", "name", "value", "range_text"),
    [
        ("laboratory", "hemoglobin", "10.5", "from 20 to 250 g/L"),
        ("laboratory", "wbc", "-1", "from 0 to 2000 x10^9/L"),
        ("cases", "gestational_age_weeks", 50, "from 22 to 44 weeks"),
        ("adverse_events", "grade", "6", "from 1 to 5"),
        ("adverse_events", "version", "0", "of at least 1"),
        ("laboratory", "inr", "0.1", "from 0.5 to 10"),
    ],
)
def test_it_refuses_a_value_outside_the_plausible_range_naming_range_and_unit(sheet, name, value, range_text):
    assert refusal(sheet, name, value) == p.OUT_OF_RANGE.format(range=range_text)


def test_the_range_limits_themselves_are_accepted():
    assert read("laboratory", "hemoglobin", "20") == 20.0
    assert read("laboratory", "hemoglobin", 250) == 250.0


# ---- booleans, codes, vocabulary, text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "result"),
    [
        ("yes", True),
        ("YES", True),
        ("True", True),
        ("1", True),
        (1, True),
        (True, True),
        ("no", False),
        ("No ", False),
        ("false", False),
        ("0", False),
        (0.0, False),
        (False, False),
    ],
)
def test_it_reads_yes_no_true_false_and_one_zero(value, result):
    assert read("cases", "down_syndrome", value) is result


def test_an_empty_boolean_is_unknown_when_the_field_may_be_unknown_and_no_otherwise():
    assert column("cases", "down_syndrome").nullable_boolean
    assert read("cases", "down_syndrome", "") is None
    assert not column("diagnosis", "fever").nullable_boolean
    assert read("diagnosis", "fever", "") is False
    assert read("diagnosis", "fever", None) is False


@pytest.mark.parametrize("value", ["y", "n", "ja", "да", "2", 2, "x"])
def test_it_refuses_other_words_for_yes_and_no(value):
    assert refusal("cases", "down_syndrome", value) == p.NOT_YES_NO.format(empty="not known")
    assert refusal("diagnosis", "fever", value) == p.NOT_YES_NO.format(empty="no")


@pytest.mark.parametrize(
    ("value", "code"), [("M", "M"), ("m", "M"), ("Male", "M"), ("  male ", "M"), ("unknown / undetermined", "U")]
)
def test_it_reads_a_code_in_any_case_or_its_full_label(value, code):
    assert read("cases", "sex", value) == code


def test_a_code_wins_over_another_choices_label():
    assert read("diagnosis", "fab", "m0") == "M0"


@pytest.mark.parametrize("value", ["X", "Mal", "boy", 1])
def test_it_refuses_a_value_outside_the_codes_listing_them(value):
    assert refusal("cases", "sex", value) == p.NOT_A_CODE.format(codes="M, F, U")


def test_a_vocabulary_cell_is_kept_as_its_code_text():
    assert read("adverse_events", "event_type", "  febrile_neutropenia ") == "febrile_neutropenia"
    assert read("adverse_events", "event_type", 12) == "12"


def test_text_is_stripped_and_numbers_in_a_text_column_read_as_shown():
    assert read("cases", "case_number", "  2019-07 ") == "2019-07"
    assert read("cases", "case_number", 2019) == "2019"
    assert read("cases", "case_number", 2019.0) == "2019"
    assert read("cases", "case_number", 12.5) == "12.5"
    assert read("cases", "exclusion_note", "") is None


def test_it_refuses_text_over_the_length_limit():
    assert refusal("cases", "case_number", "x" * 41) == p.TOO_LONG.format(limit=40, length=41)


def test_it_refuses_a_date_the_spreadsheet_made_of_a_case_number():
    assert refusal("cases", "case_number", dt.datetime(2019, 7, 1)) == p.DATE_IN_TEXT_COLUMN


@pytest.mark.parametrize(
    ("sheet", "name"), [("cases", "case_number"), ("cases", "sex"), ("laboratory", "wbc"), ("cases", "birth_date")]
)
def test_it_refuses_a_nul_character_in_any_column(sheet, name):
    assert refusal(sheet, name, "a\x00b") == p.NUL_CHARACTER


def test_the_quote_an_export_puts_before_formula_like_text_is_removed():
    assert read("cases", "exclusion_note", '\'=HYPERLINK("x")') == '=HYPERLINK("x")'
    assert read("cases", "exclusion_note", "'-flagged") == "-flagged"
    assert read("cases", "exclusion_note", "'quoted'") == "'quoted'"  # not formula-like: the quote is the user's


_TEXT = Column("note", "Note", Kind.TEXT)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_text_written_by_the_exports_reads_back_as_it_was(text):
    assume("\x00" not in text)
    assume(not (text.startswith("'") and is_formula_like(text[1:])))  # the documented exception
    assert reader(_TEXT)(csv_cell(text)) == (text.strip() or None)
    if xlsx_cell(text) == csv_cell(text):  # XLSX drops what XML cannot carry
        assert reader(_TEXT)(xlsx_cell(text)) == (text.strip() or None)


def test_a_problem_shows_control_characters_and_long_values_shortened():
    assert shown("a\x00b\nc\td") == "a\u2400b\u240ac\u2409d"
    assert shown("x" * 100) == "x" * 79 + "\u2026"
    assert shown(None) == ""
    assert shown(dt.date(2019, 3, 2)) == "2019-03-02"
