import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.formula import ArrayFormula

from registry.transfer import files
from registry.transfer import problems as p
from registry.transfer.files import ReadResult, read_upload
from registry.transfer.problems import Problem
from tests.registry.transfer.workbooks import (
    CASE_HEADER,
    CASE_ROW,
    csv_bytes,
    replace_member,
    with_prefixed_tags,
    with_shared_strings,
    xlsx,
    zip_of,
)

SHEET_NAMES = (
    "cases, diagnosis, laboratory, immunophenotype, cytogenetics, treatment, response, transplants, "
    "supportive_care, outcome_events, adverse_events, follow_up"
)


def only(result: ReadResult) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def file_problem(message: str, sheet: str = "", row=None, value: str = "") -> Problem:
    return Problem(sheet, row, "", value, message)


# ---- reading what is right ----------------------------------------------------------------------------------------


def test_it_reads_a_csv_named_after_a_sheet_into_typed_rows_numbered_as_the_spreadsheet_shows():
    data = csv_bytes(
        [[*CASE_HEADER, "down_syndrome"], [*CASE_ROW, "yes"], ["", "", "", ""], ["2019-08", "F", "2019-04-01", ""]]
    )
    result = read_upload("cases.csv", data)
    assert result.problems == []
    assert result.n_rows == 2
    first, second = result.rows["cases"]
    assert (first.sheet, first.number, second.number) == ("cases", 2, 4)
    assert first.values == {
        "case_number": "2019-07",
        "sex": "M",
        "birth_date": dt.date(2019, 3, 2),
        "down_syndrome": True,
    }
    assert second.values["down_syndrome"] is None
    assert first.present == frozenset({"case_number", "sex", "birth_date", "down_syndrome"})


def test_it_reads_a_csv_with_a_byte_order_mark_and_header_names_in_any_case_and_spacing():
    data = b"\xef\xbb\xbf" + csv_bytes([[" Case_Number ", "SEX", "birth_date "], CASE_ROW])
    result = read_upload("cases.csv", data)
    assert result.problems == []
    assert result.rows["cases"][0].values["case_number"] == "2019-07"


@pytest.mark.parametrize("name", ["Cases.CSV", "cases (1).csv", "Adverse events (CTCAE).csv", "adverse-events.csv"])
def test_a_csv_may_be_named_by_a_sheets_name_or_title_in_any_case(name):
    header = CASE_HEADER if "ases" in name else ["case_number", "event_type", "grade", "onset_date", "phase"]
    row = CASE_ROW if "ases" in name else ["2019-07", "febrile_neutropenia", 3, "2019-05-30", "induction"]
    result = read_upload(name, csv_bytes([header, row]))
    assert result.problems == []
    assert result.n_rows == 1


def test_it_reads_a_zip_of_csv_files_and_returns_the_sheets_in_the_workbooks_order():
    diagnosis = csv_bytes([["case_number", "diagnosis_date", "lineage"], ["2019-07", "2019-05-14", "ALL"]])
    data = zip_of(
        {
            "export/diagnosis.csv": diagnosis,
            "export/cases.csv": csv_bytes([CASE_HEADER, CASE_ROW]),
            "__MACOSX/export/._cases.csv": b"\x00\x05junk",
            "export/README.txt": b"notes for people",
        }
    )
    result = read_upload("center.zip", data)
    assert result.problems == []
    assert list(result.rows) == ["cases", "diagnosis"]
    assert result.rows["diagnosis"][0].values["lineage"] == "ALL"


def test_an_xlsx_written_by_openpyxl_round_trips_dates_numbers_and_quoted_formula_like_text():
    # xlsx_cell (as the exports) quotes the formula-like text; real date and number cells stay typed.
    data = xlsx(
        {
            "Cases": [
                ["case_number", "sex", "birth_date", "birth_weight_g", "exclusion_note"],
                ['=HYPERLINK("http://x")', "F", dt.datetime(2019, 3, 2), 3150, "-flagged by @lab"],
            ],
            "laboratory": [
                ["case_number", "timepoint", "sample_date", "wbc"],
                ["+7", "baseline", dt.date(2019, 5, 14), 310.5],
            ],
        }
    )
    result = read_upload("export.xlsx", data)
    assert result.problems == []
    assert result.rows["cases"][0].values == {
        "case_number": '=HYPERLINK("http://x")',
        "sex": "F",
        "birth_date": dt.date(2019, 3, 2),
        "birth_weight_g": 3150,
        "exclusion_note": "-flagged by @lab",
    }
    assert result.rows["laboratory"][0].values == {
        "case_number": "+7",
        "timepoint": "baseline",
        "sample_date": dt.date(2019, 5, 14),
        "wbc": 310.5,
    }


def test_a_csv_written_as_the_exports_write_it_round_trips():
    data = csv_bytes([[*CASE_HEADER, "exclusion_note"], ["=1+2", "M", "2019-03-02", '@risk, "quoted"\nsecond line']])
    result = read_upload("cases.csv", data)
    assert result.problems == []
    assert result.rows["cases"][0].values["case_number"] == "=1+2"
    assert result.rows["cases"][0].values["exclusion_note"] == '@risk, "quoted"\nsecond line'


def test_a_workbook_as_excel_writes_it_with_shared_strings_and_prefixed_tags_is_read():
    data = xlsx({"cases": [CASE_HEADER, CASE_ROW, ["2019-08", "F", dt.datetime(2019, 4, 1)]]})
    for variant in (with_shared_strings(data), with_prefixed_tags(with_shared_strings(data))):
        result = read_upload("book.xlsx", variant)
        assert result.problems == []
        assert [row.values for row in result.rows["cases"]] == [
            {"case_number": "2019-07", "sex": "M", "birth_date": dt.date(2019, 3, 2)},
            {"case_number": "2019-08", "sex": "F", "birth_date": dt.date(2019, 4, 1)},
        ]


def test_a_workbook_sheet_is_found_by_its_title_and_blank_or_note_sheets_are_ignored():
    data = xlsx(
        {
            "Sheet1": [],
            "Read me": [["Fill in one row per case."]],
            "Diagnosis and presentation": [
                ["case_number", "diagnosis_date", "lineage"],
                ["2019-07", "2019-05-14", "AML"],
            ],
        }
    )
    result = read_upload("book.xlsx", data)
    assert result.problems == []
    assert result.rows["diagnosis"][0].values["lineage"] == "AML"


def test_the_header_may_sit_below_blank_rows_and_row_numbers_stay_the_spreadsheets():
    data = xlsx({"cases": [[], [], CASE_HEADER, [], CASE_ROW]})
    result = read_upload("book.xlsx", data)
    assert result.problems == []
    assert result.rows["cases"][0].number == 5


def test_openpyxl_reads_workbook_parts_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# ---- the file -----------------------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert read_upload("cases.csv", b"").problems == [file_problem(p.EMPTY_FILE)]
    assert read_upload("book.xlsx", b"").problems == [file_problem(p.EMPTY_FILE)]


def test_a_file_of_headers_only_is_empty():
    assert read_upload("cases.csv", csv_bytes([CASE_HEADER, [], [" "]])).problems == [file_problem(p.EMPTY_FILE)]
    assert read_upload("book.xlsx", xlsx({"cases": [CASE_HEADER]})).problems == [file_problem(p.EMPTY_FILE)]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    result = read_upload("cases.csv", csv_bytes([CASE_HEADER, CASE_ROW]), max_bytes=10)
    assert only(result).message == p.TOO_LARGE.format(limit_mb=f"{10 / 2**20:g}")
    assert result.rows == {}


def test_a_file_over_the_row_limit_stops_at_the_first_row_too_many():
    rows = [CASE_HEADER, *[[f"C{i}", "M", "2019-03-02"] for i in range(5)]]
    result = read_upload("cases.csv", csv_bytes(rows), max_rows=3)
    assert result.problems == [file_problem(p.TOO_MANY_ROWS.format(limit=3), sheet="cases", row=5)]
    assert [row.number for row in result.rows["cases"]] == [2, 3, 4]


def test_the_row_limit_counts_the_rows_of_every_file_in_a_zip():
    data = zip_of(
        {
            "cases.csv": csv_bytes([CASE_HEADER, CASE_ROW, CASE_ROW]),
            "follow_up.csv": csv_bytes([["case_number", "contact_date", "vital_status"], ["1", "2020-01-01", "alive"]]),
        }
    )
    result = read_upload("all.zip", data, max_rows=2)
    assert result.problems == [file_problem(p.TOO_MANY_ROWS.format(limit=2), sheet="follow_up", row=2)]


@pytest.mark.parametrize("name", ["cases.pdf", "cases.txt", "cases", "cases.ods"])
def test_an_unknown_extension_is_refused(name):
    assert read_upload(name, b"a,b").problems == [file_problem(p.UNKNOWN_EXTENSION, value=name)]


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500


@pytest.mark.parametrize("name", ["cases.xls", "cases.xlsx"])
def test_an_old_excel_or_password_protected_file_is_refused_with_how_to_save_it(name):
    assert read_upload(name, _OLE2).problems == [file_problem(p.OLD_EXCEL)]


@pytest.mark.parametrize(
    ("name", "data", "content"),
    [
        ("cases.csv", xlsx({"cases": [CASE_HEADER]}), "a zip archive (not an Excel workbook)"),
        ("cases.csv", _OLE2, "an old-format Excel file (.xls)"),
        ("cases.csv", b"%PDF-1.4 ...", "a PDF document"),
        ("cases.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "binary data, not text"),
        ("book.xlsx", b"case_number,sex\n1,M\n", "plain text (such as CSV)"),
        ("book.xlsx", zip_of({"cases.csv": b"case_number\n1\n"}), "a zip archive (not an Excel workbook)"),
        ("files.zip", xlsx({"cases": [CASE_HEADER]}), "an Excel workbook"),
        ("files.zip", b"case_number,sex\n", "plain text (such as CSV)"),
    ],
)
def test_a_file_that_is_not_what_its_extension_says_is_refused(name, data, content):
    extension = "." + name.rsplit(".", 1)[1]
    message = p.NOT_WHAT_EXTENSION_SAYS.format(extension=extension, content=content)
    assert [q.message for q in read_upload(name, data).problems] == [message]


def test_a_damaged_workbook_is_refused():
    data = xlsx({"cases": [CASE_HEADER, CASE_ROW]})
    assert read_upload("book.xlsx", data[:-200]).problems == [file_problem(p.NOT_A_WORKBOOK)]
    broken = replace_member(data, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1'")
    assert read_upload("book.xlsx", broken).problems == [file_problem(p.NOT_A_WORKBOOK)]


# ---- encodings and delimiters ---------------------------------------------------------------------------------------

_RUSSIAN = [[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "Ребёнок переведён в другую больницу, данные неполные"]]
_FRENCH = [[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "Enfant transféré à l'hôpital régional"]]
_CHINESE = [[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "患儿转往其他医院。资料不完整"]]


@pytest.mark.parametrize(
    ("rows", "codec", "named"),
    [
        (_RUSSIAN, "cp1251", "Windows-1251 (Cyrillic)"),
        (_FRENCH, "latin-1", "Windows-1252 (Western European)"),
        (_CHINESE, "gbk", "GBK / GB18030 (Chinese)"),
        (_RUSSIAN, "utf-16", 'UTF-16 ("Unicode Text")'),
        (_RUSSIAN, "utf-16-le", 'UTF-16 ("Unicode Text")'),
    ],
)
def test_a_csv_not_in_utf8_is_refused_naming_the_likely_encoding_and_nothing_is_read(rows, codec, named):
    result = read_upload("cases.csv", csv_bytes(rows, encoding=codec))
    assert result.problems == [file_problem(p.WRONG_ENCODING.format(encoding=named), sheet="cases")]
    assert result.rows == {}


def test_the_same_csv_in_utf8_is_read():
    result = read_upload("cases.csv", csv_bytes(_RUSSIAN))
    assert result.problems == []
    assert result.rows["cases"][0].values["exclusion_note"].startswith("Ребёнок")


@pytest.mark.parametrize(("delimiter", "words"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_separated_by_semicolons_or_tabs_is_refused(delimiter, words):
    result = read_upload("cases.csv", csv_bytes([CASE_HEADER, CASE_ROW], delimiter=delimiter))
    assert result.problems == [file_problem(p.WRONG_DELIMITER.format(separator=words), sheet="cases", row=1)]


def test_a_semicolon_inside_a_comma_separated_file_is_data():
    data = csv_bytes([[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "a; b"]])
    assert read_upload("cases.csv", data).rows["cases"][0].values["exclusion_note"] == "a; b"


# ---- sheets and columns ---------------------------------------------------------------------------------------------


def test_an_unknown_column_is_listed_with_a_suggestion_and_the_rest_is_read():
    data = csv_bytes([[*CASE_HEADER, "birth_weight", "colour"], [*CASE_ROW, "3000", "red"]])
    result = read_upload("cases.csv", data)
    assert result.problems == [
        Problem(
            "cases",
            1,
            "birth_weight",
            "birth_weight",
            p.UNKNOWN_COLUMN.format(suggestion=' (did you mean "birth_weight_g"?)'),
        ),
        Problem("cases", 1, "colour", "colour", p.UNKNOWN_COLUMN.format(suggestion="")),
    ]
    assert result.rows["cases"][0].values["sex"] == "M"
    assert "colour" not in result.rows["cases"][0].present


def test_a_duplicate_column_is_listed():
    result = read_upload("cases.csv", csv_bytes([[*CASE_HEADER, "Sex"], [*CASE_ROW, "F"]]))
    assert result.problems == [Problem("cases", 1, "sex", "Sex", p.DUPLICATE_COLUMN)]


def test_a_missing_required_column_is_listed_by_name_and_label():
    result = read_upload("cases.csv", csv_bytes([["case_number", "birth_date"], ["2019-07", "2019-03-02"]]))
    assert result.problems == [Problem("cases", 1, "sex", "", p.MISSING_COLUMN.format(name="sex", label="Sex"))]


def test_a_missing_key_column_is_listed():
    result = read_upload("follow_up.csv", csv_bytes([["contact_date", "vital_status"], ["2020-01-01", "alive"]]))
    message = p.MISSING_COLUMN.format(name="case_number", label="Center's case number")
    assert result.problems == [Problem("follow_up", 1, "case_number", "", message)]


def test_the_hospital_number_is_taken_on_the_cases_sheet_only():
    cases = read_upload("cases.csv", csv_bytes([[*CASE_HEADER, "hospital_number"], [*CASE_ROW, "H-1234"]]))
    assert cases.problems == []
    assert cases.rows["cases"][0].values["hospital_number"] == "H-1234"
    header = ["case_number", "diagnosis_date", "lineage", "hospital_number"]
    diagnosis = read_upload("diagnosis.csv", csv_bytes([header, ["2019-07", "2019-05-14", "ALL", "H-1234"]]))
    assert diagnosis.problems == [
        Problem("diagnosis", 1, "hospital_number", "hospital_number", p.HOSPITAL_NUMBER_ELSEWHERE)
    ]


def test_data_under_a_column_with_no_name_is_listed_once():
    result = read_upload(
        "cases.csv", csv_bytes([[*CASE_HEADER, ""], [*CASE_ROW, "x"], [*CASE_ROW, "y"], [*CASE_ROW, "z", "w"]])
    )
    assert result.problems == [
        Problem("cases", 2, "", "x", p.UNNAMED_COLUMN),
        Problem("cases", 4, "", "w", p.UNNAMED_COLUMN),
    ]


def test_an_unknown_sheet_is_listed_with_a_suggestion():
    data = xlsx({"case": [CASE_HEADER, CASE_ROW], "Patients": [["id"], [1]], "cases": [CASE_HEADER, CASE_ROW]})
    result = read_upload("book.xlsx", data)
    assert result.problems == [
        Problem(
            "case", None, "", "case", p.UNKNOWN_SHEET.format(suggestion=' (did you mean "cases"?)', names=SHEET_NAMES)
        ),
        Problem("Patients", None, "", "Patients", p.UNKNOWN_SHEET.format(suggestion="", names=SHEET_NAMES)),
    ]
    assert result.n_rows == 1


def test_a_csv_named_after_no_sheet_is_refused():
    result = read_upload("patients.csv", csv_bytes([CASE_HEADER, CASE_ROW]))
    message = p.UNKNOWN_SHEET.format(suggestion="", names=SHEET_NAMES)
    assert result.problems == [Problem("patients", None, "", "patients", message), file_problem(p.EMPTY_FILE)]


def test_a_sheet_given_twice_is_listed():
    header = ["case_number", "diagnosis_date", "lineage"]
    data = xlsx(
        {
            "diagnosis": [header, ["1", "2019-05-14", "ALL"]],
            "Diagnosis and presentation": [header, ["2", "2019-05-14", "ALL"]],
        }
    )
    result = read_upload("book.xlsx", data)
    assert result.problems == [Problem("diagnosis", None, "", "", p.DUPLICATE_SHEET)]


# ---- cells -----------------------------------------------------------------------------------------------------------


def test_every_bad_cell_is_listed_with_its_row_and_column_and_left_out_of_the_values():
    header = ["case_number", "timepoint", "sample_date", "wbc", "hemoglobin"]
    data = csv_bytes([header, ["1", "baseline", "03/04/2019", "12,5", "100"], ["2", "later", "2019-03", "abc", "1000"]])
    result = read_upload("laboratory.csv", data)
    assert result.problems == [
        Problem(
            "laboratory",
            2,
            "sample_date",
            "03/04/2019",
            p.AMBIGUOUS_DATE.format(first="2019-04-03", second="2019-03-04"),
        ),
        Problem("laboratory", 2, "wbc", "12,5", p.DECIMAL_COMMA),
        Problem("laboratory", 3, "timepoint", "later", p.NOT_A_CODE.format(codes="baseline, post_induction")),
        Problem("laboratory", 3, "sample_date", "2019-03", p.PARTIAL_DATE),
        Problem("laboratory", 3, "wbc", "abc", p.NOT_A_NUMBER),
    ]
    first, second = result.rows["laboratory"]
    assert first.values == {"case_number": "1", "timepoint": "baseline", "hemoglobin": 100.0}
    # Out of its plausible range: kept, with its message, for the engine to refuse if the row changes anything.
    assert second.values == {"case_number": "2", "hemoglobin": 1000.0}
    assert second.deferred == {"hemoglobin": p.OUT_OF_RANGE.format(range="from 20 to 250 g/L")}
    assert "wbc" in first.present


def test_a_nul_character_in_a_cell_is_shown_and_refused():
    result = read_upload("cases.csv", csv_bytes([[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "a\x00b"]]))
    assert result.problems == [Problem("cases", 2, "exclusion_note", "a\u2400b", p.NUL_CHARACTER)]


def test_a_long_value_is_shown_shortened():
    result = read_upload("cases.csv", csv_bytes([CASE_HEADER, ["x" * 200, "M", "2019-03-02"]]))
    assert result.problems == [
        Problem("cases", 2, "case_number", "x" * 79 + "\u2026", p.TOO_LONG.format(limit=40, length=200))
    ]


def test_formula_cells_are_refused_naming_the_cell():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "laboratory"
    sheet.append(["case_number", "timepoint", "wbc", "platelets", "hemoglobin"])
    sheet.append(["1", "baseline", "=2+3", 100, "#N/A"])
    sheet["D2"] = ArrayFormula("D2", "=SUM(C2:C2)")
    out = io.BytesIO()
    book.save(out)
    result = read_upload("book.xlsx", out.getvalue())
    assert result.problems == [
        Problem("laboratory", 2, "wbc", "=2+3", p.FORMULA_CELL.format(coordinate="C2")),
        Problem("laboratory", 2, "platelets", "=SUM(C2:C2)", p.FORMULA_CELL.format(coordinate="D2")),
        Problem("laboratory", 2, "hemoglobin", "#N/A", p.CELL_ERROR.format(error="#N/A")),
    ]
    assert result.rows["laboratory"][0].values == {"case_number": "1", "timepoint": "baseline"}


def test_csv_text_that_looks_like_a_formula_is_data():
    result = read_upload("cases.csv", csv_bytes([[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "=1+2"]]))
    assert result.problems == []
    assert result.rows["cases"][0].values["exclusion_note"] == "=1+2"


def test_a_date_cell_with_a_time_of_day_is_refused():
    data = xlsx({"cases": [CASE_HEADER, ["1", "M", dt.datetime(2019, 3, 2, 14, 30)]]})
    result = read_upload("book.xlsx", data)
    assert result.problems == [Problem("cases", 2, "birth_date", "2019-03-02 14:30:00", p.DATE_WITH_TIME)]


# ---- bombs -----------------------------------------------------------------------------------------------------------


def test_a_member_packed_far_beyond_a_spreadsheets_ratio_is_a_zip_bomb():
    data = zip_of({"cases.csv": b"case_number\n" + b"1\n" * 2_000_000})
    result = read_upload("bomb.zip", data)
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith(p.ZIP_BOMB.split("(")[0])
    assert "to 1" in result.problems[0].message


def test_a_zip_unpacking_to_more_than_the_limit_is_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED", 1000)
    result = read_upload("big.zip", zip_of({"cases.csv": csv_bytes([CASE_HEADER] + [CASE_ROW] * 100)}))
    assert only(result).message == p.ZIP_BOMB.format(reason="0 MB unpacked")


def test_a_zip_of_too_many_files_is_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(files, "MAX_MEMBERS", 3)
    result = read_upload("many.zip", zip_of({f"{i}.csv": b"x" for i in range(4)}))
    assert only(result).message == p.ZIP_BOMB.format(reason="4 files inside")


def test_a_zip_inside_the_zip_is_refused():
    inner = zip_of({"cases.csv": csv_bytes([CASE_HEADER, CASE_ROW])})
    assert read_upload("outer.zip", zip_of({"inner.zip": inner})).problems == [file_problem(p.NESTED_ARCHIVE)]
    assert read_upload("outer.zip", zip_of({"cases.csv": inner})).problems == [file_problem(p.NESTED_ARCHIVE)]


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    "member",
    ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"],
)
def test_a_billion_laughs_workbook_is_refused_quickly(member):
    data = with_shared_strings(xlsx({"cases": [CASE_HEADER, CASE_ROW]}))
    original = zipfile.ZipFile(io.BytesIO(data)).read(member)
    body = original.split(b"?>", 1)[1] if original.startswith(b"<?xml") else original
    body = body.replace(b"<t>", b"<t>&lol9;", 1).replace(b"<v>", b"<v>&lol9;", 1)
    bomb = replace_member(data, member, _LAUGHS + body)
    started = time.monotonic()
    result = read_upload("bomb.xlsx", bomb)
    assert result.problems == [file_problem(p.XML_BOMB)]
    assert time.monotonic() - started < 5


# ---- never a 500 -----------------------------------------------------------------------------------------------------

_NAMES = st.sampled_from(["cases.csv", "book.xlsx", "files.zip", "x.xls", "laboratory.csv", "a.txt"])
_CELLS = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(["2019-03-02", "03/04/2019", "12,5", "yes", "M", "'=1", "baseline", "=1+2", "#N/A"]),
)
_COLUMNS = st.sampled_from(["case_number", "sex", "birth_date", "down_syndrome", "wbc", "timepoint", "grade", "", "x"])
_TABLES = st.lists(st.lists(_CELLS, max_size=6), max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NAMES, st.binary(max_size=300))
def test_any_bytes_give_a_result_never_an_exception(name, data):
    assert isinstance(read_upload(name, data), ReadResult)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["cases", "laboratory", "Cases", "other"]), st.lists(_COLUMNS, max_size=6), _TABLES, st.booleans()
)
def test_any_small_workbook_or_csv_gives_a_result(sheet, header, rows, as_csv):
    table = [header, *rows]
    if as_csv:
        table = [["" if v is None else str(v) for v in row] for row in table]
        result = read_upload(f"{sheet}.csv", csv_bytes(table))
    else:
        table = [[ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row] for row in table]
        result = read_upload("book.xlsx", xlsx({sheet: table}, raw=True))
    assert isinstance(result, ReadResult)
    assert all(isinstance(q, Problem) for q in result.problems)
    assert file_problem(p.NOT_A_WORKBOOK) not in result.problems  # a workbook openpyxl wrote is never "damaged"


_SHEET_XML = zipfile.ZipFile(io.BytesIO(xlsx({"cases": [CASE_HEADER, CASE_ROW]}))).read("xl/worksheets/sheet1.xml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(_SHEET_XML)), st.integers(0, 40), st.binary(max_size=40))
def test_a_workbook_with_damaged_sheet_xml_gives_a_result(start, length, insert):
    xml = _SHEET_XML[:start] + insert + _SHEET_XML[start + length :]
    data = replace_member(xlsx({"cases": [CASE_HEADER, CASE_ROW]}), "xl/worksheets/sheet1.xml", xml)
    assert isinstance(read_upload("book.xlsx", data), ReadResult)


# ---- damaged files and files in a zip --------------------------------------------------------------------------------


def test_a_csv_cell_past_the_csv_readers_limit_stops_that_file():
    data = csv_bytes([[*CASE_HEADER, "exclusion_note"], [*CASE_ROW, "x" * 200_000]])
    result = read_upload("cases.csv", data)
    reason = "field larger than field limit (131072)"
    assert result.problems == [file_problem(p.BROKEN_CSV.format(reason=reason), sheet="cases", row=2)]


def test_a_damaged_zip_is_refused():
    data = zip_of({"cases.csv": csv_bytes([CASE_HEADER, CASE_ROW])})
    assert read_upload("files.zip", data[:-30]).problems == [file_problem(p.BROKEN_ZIP)]
    stored = zip_of({"cases.csv": csv_bytes([CASE_HEADER, CASE_ROW])}, compression=zipfile.ZIP_STORED)
    corrupted = stored.replace(b"2019-07", b"2019-08")  # the member's checksum no longer matches
    assert read_upload("files.zip", corrupted).problems == [file_problem(p.BROKEN_ZIP)]


def test_a_bad_file_in_a_zip_is_listed_and_the_other_files_are_read():
    data = zip_of(
        {
            "cases.csv": csv_bytes(_RUSSIAN, encoding="cp1251"),
            "diagnosis.csv": csv_bytes(
                [["case_number", "diagnosis_date", "lineage"], ["2019-07", "2019-05-14", "ALL"]]
            ),
            "notes.txt": b"call the lab",
            "laboratory.csv": csv_bytes([["case_number", "timepoint"], *[["1", "baseline"]] * 300]),
        }
    )
    result = read_upload("files.zip", data, max_bytes=len(data))
    message = p.UNKNOWN_SHEET.format(suggestion="", names=SHEET_NAMES)
    assert result.problems == [
        file_problem(p.WRONG_ENCODING.format(encoding="Windows-1251 (Cyrillic)"), sheet="cases"),
        Problem("notes.txt", None, "", "notes.txt", message),
        file_problem(p.TOO_LARGE.format(limit_mb=f"{len(data) / 2**20:g}"), sheet="laboratory"),
    ]
    assert list(result.rows) == ["diagnosis"]


def test_a_formula_in_the_header_row_is_an_unknown_column_shown_as_its_formula():
    data = xlsx({"cases": [[*CASE_HEADER, "=A1"], CASE_ROW]}, raw=True)
    result = read_upload("book.xlsx", data)
    assert result.problems == [Problem("cases", 1, "=A1", "=A1", p.UNKNOWN_COLUMN.format(suggestion=""))]


def test_a_sheet_of_endless_blank_rows_is_refused_as_too_many_rows():
    data = csv_bytes([CASE_HEADER, CASE_ROW, *[[""]] * 1100])
    result = read_upload("cases.csv", data, max_rows=10)
    assert result.problems == [file_problem(p.TOO_MANY_ROWS.format(limit=10), sheet="cases", row=1022)]


def test_shared_strings_in_rich_text_runs_are_joined_without_phonetic_guides():
    data = with_shared_strings(xlsx({"cases": [CASE_HEADER, CASE_ROW]}))
    sst = zipfile.ZipFile(io.BytesIO(data)).read("xl/sharedStrings.xml")
    rich = '<si><r><t>Ива</t></r><r><rPr><b/></rPr><t xml:space="preserve">нов </t></r><t>東京</t>'
    rich += '<rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>'
    data = replace_member(data, "xl/sharedStrings.xml", sst.replace(b"<si><t>2019-07</t></si>", rich.encode()))
    result = read_upload("book.xlsx", data)
    assert result.problems == []
    assert result.rows["cases"][0].values["case_number"] == "Иванов 東京"
