"""A part's tables column-wise: packed and read back, the frames are exactly those of the rows. No database."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.columnar import columns_of_rows, dataset_from_columns, pack_columns, unpack_columns
from analytics.dataset import dataset_from_rows
from analytics.schema import ADVERSE_EVENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS, TABLES
from tests.analytics.frames import assert_same_dataset, assert_same_frame

DATA_CUT = "2026-06-30"


def _case(key: str, **values) -> dict:
    return {column: None for column in CASE_COLUMNS} | {"case_key": key, "center": key[0]} | values


def _finding(key: str) -> dict:
    return {column: None for column in FINDING_COLUMNS} | {"case_key": key, "center": key[0], "method": "fish"}


def _event(key: str, grade) -> dict:
    return {column: None for column in ADVERSE_EVENT_COLUMNS} | {"case_key": key, "center": key[0], "grade": grade}


# Columns whose dtype one part's values cannot decide: pandas infers it from all the rows at once.
FIRST = {
    "A1": _case("A1", diagnosis_year=2019, lineage=None, down_syndrome=True, trm=True, os_time=12, age_days=40),
    "A2": _case("A2", diagnosis_year=2020, lineage=3, down_syndrome=False, trm=False, os_time=7, age_days=None),
}
SECOND = {
    # diagnosis_year: None only here (float64 with NaN overall); lineage: a string beside the first part's int and
    # None (objects: the int stays an int, None stays None); down_syndrome: a None beside bools (objects);
    # trm: an int beside bools (objects); os_time: a float beside ints (float64); age_days: a string beside an int
    # and None (objects).
    "B1": _case("B1", diagnosis_year=None, lineage="ALL", down_syndrome=None, trm=1, os_time=2.5, age_days="x"),
    "B2": _case("B2", diagnosis_year=None, lineage="AML", down_syndrome=True, trm=0, os_time=3.0, age_days=5),
}


def _rows(cases: dict, findings=(), events=()) -> dict:
    return {"cases": list(cases.values()), "findings": list(findings), "adverse_events": list(events)}


def _joined(*parts: dict) -> dict:
    return {table: [row for part in parts for row in part.get(table, ())] for table in TABLES}


def _from_packed(*parts: dict):
    return dataset_from_columns((unpack_columns(pack_columns(columns_of_rows(p))) for p in parts), data_cut=DATA_CUT)


def test_the_frames_are_those_of_the_rows_whatever_each_part_holds():
    first = _rows(FIRST, findings=[_finding("A1")], events=[_event("A1", 3)])
    second = _rows(SECOND, events=[_event("B1", None)])  # no findings; a grade of None beside the first's 3
    empty: dict = {}  # a part without a single row, nor a table
    parts = (first, empty, second)

    got = _from_packed(*parts)
    expected = dataset_from_rows(_joined(*parts), data_cut=DATA_CUT)
    assert_same_dataset(got, expected)
    # What each part alone would have made, and pandas makes of all the rows at once:
    cases = got.cases
    assert str(cases["diagnosis_year"].dtype) == "float64" and math.isnan(cases["diagnosis_year"][2])
    assert [repr(v) for v in cases["lineage"]] == ["None", "3", "'ALL'", "'AML'"]
    assert [repr(v) for v in cases["age_days"]] == ["40", "None", "'x'", "5"]
    assert list(cases["down_syndrome"]) == [True, False, None, True] and cases["down_syndrome"].dtype == object
    assert str(cases["os_time"].dtype) == "float64" and str(got.adverse_events["grade"].dtype) == "float64"
    assert str(got.findings["method"].dtype) == "object" and len(got.findings) == 1
    assert len(got.assessments) == 0 and list(got.assessments.columns) == list(TABLES["assessments"])


def test_a_column_that_holds_one_kind_everywhere_keeps_its_dtype():
    first = {"A1": _case("A1", diagnosis_year=2019, hsct=True, os_time=1.5)}
    second = {"B1": _case("B1", diagnosis_year=2021, hsct=False, os_time=2.0)}
    got = _from_packed(_rows(first), _rows(second))
    assert_same_dataset(got, dataset_from_rows(_joined(_rows(first), _rows(second)), data_cut=DATA_CUT))
    dtypes = got.cases.dtypes
    assert (str(dtypes["diagnosis_year"]), str(dtypes["hsct"]), str(dtypes["os_time"])) == ("int64", "bool", "float64")


def test_no_part_with_rows_gives_empty_tables_with_their_columns():
    got = _from_packed({}, _rows({}))
    assert_same_dataset(got, dataset_from_rows(_joined(), data_cut=DATA_CUT))
    assert all(len(got.table(t)) == 0 and list(got.table(t).columns) == list(c) for t, c in TABLES.items())


def test_a_part_stored_before_a_column_existed_has_nan_there_as_from_records_makes_it():
    old = _rows({"A1": {k: v for k, v in _case("A1", sex="F").items() if k != "sex"}})
    new = _rows({"B1": _case("B1", sex="M")})
    got = _from_packed(old, new)
    assert_same_dataset(got, dataset_from_rows(_joined(old, new), data_cut=DATA_CUT))
    assert math.isnan(got.cases["sex"][0]) and got.cases["sex"][1] == "M"


def test_packing_keeps_every_value_and_shrinks_the_rows():
    rows = _rows(FIRST | SECOND, findings=[_finding("A1")])
    columns = columns_of_rows(rows)
    assert unpack_columns(pack_columns(columns)) == columns
    assert columns["cases"]["lineage"] == [None, 3, "ALL", "AML"] and columns["assessments"]["days"] == []
    assert list(columns["cases"]) == list(CASE_COLUMNS)


def test_the_check_tells_an_int_from_a_float_and_none_from_nan_in_an_object_column():
    expected = pd.DataFrame({"value": pd.Series([3, None, "x"], dtype=object)})
    lossy = pd.DataFrame({"value": pd.Series([3.0, math.nan, "x"], dtype=object)})
    with pytest.raises(AssertionError, match="value"):
        assert_same_frame(lossy, expected)


def test_a_text_repeated_across_rows_and_parts_is_one_object_in_the_joined_frames():
    rows = [
        {"cases": [_case(f"A{i}", lineage="ALL", subtype="KMT2A-r") for i in range(3)]},
        {"cases": [_case(f"B{i}", lineage="ALL") for i in range(3)]},
    ]
    parts = [unpack_columns(pack_columns(columns_of_rows(part))) for part in rows]
    cases = dataset_from_columns(parts, data_cut=DATA_CUT).cases
    assert_same_frame(cases, dataset_from_rows({"cases": rows[0]["cases"] + rows[1]["cases"]}, data_cut=DATA_CUT).cases)
    # Decoded from JSON each text is a new object: 6 lineages, 3 subtypes; shared, one of each.
    assert len({id(value) for value in cases["lineage"]}) == 1
    assert len({id(value) for value in cases["subtype"].dropna()}) == 1
    assert len({id(value) for value in cases["center"]}) == 2
