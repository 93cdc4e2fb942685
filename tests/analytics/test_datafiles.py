"""analytics.datafiles without Django: the plan of a table, legal variable names, R string literals."""

from __future__ import annotations

import ast
import types

import pandas as pd

from analytics.datafiles import plan_table
from analytics.datafiles.rscript import r_script, r_string
from analytics.datafiles.stats import LIMITS, legal_names
from analytics.datafiles.text import table_csv


def _variable(name, kind, codes=(), table="cases", label=None):
    return types.SimpleNamespace(name=name, label=label or name.title(), table=table, kind=kind, codes=codes)


LINEAGE = _variable("lineage", "code", (("ALL", "Lymphoblastic"), ("AML", "Myeloid")))


def test_a_code_the_dictionary_does_not_list_is_kept_after_the_listed_ones():
    table = plan_table("cases", pd.DataFrame({"lineage": ["AML", "NEW", None, ""]}), [LINEAGE])
    (column,) = table.columns
    assert column.codes == (("ALL", "Lymphoblastic"), ("AML", "Myeloid"), ("NEW", "NEW"))
    assert [column.number_of(v) for v in table.frame["lineage"]] == [2.0, 3.0, None, None]


def test_a_column_without_a_variable_is_marked_and_typed_from_its_values():
    table = plan_table("cases", pd.DataFrame({"x": [1.0, float("nan")], "flag": [True, None]}), [])
    x, flag = table.columns
    assert not x.described and x.kind == "number" and x.label == "x"
    assert flag.kind == "boolean" and flag.value_labels == {0: "No", 1: "Yes"}
    assert table_csv(table).decode() == "x,flag\r\n1,TRUE\r\n,\r\n"


def test_integer_codes_keep_their_values():
    event = _variable("os_event", "integer", (("0", "Censored"), ("1", "Death")))
    (column,) = plan_table("cases", pd.DataFrame({"os_event": [1.0, 0.0]}), [event]).columns
    assert column.kind == "integer" and column.value_labels == {0: "Censored", 1: "Death"}
    assert column.number_of(1) == 1.0


def test_variable_names_are_made_legal_unique_and_short_enough():
    names = legal_names(["ok_name", "2nd", "a-b", "x" * 40, "x" * 40, "OK_NAME"], "dta")
    assert names[0] == "ok_name" and names[1] == "v2nd" and names[2] == "a_b"
    assert all(len(n) <= LIMITS["dta"]["name"] for n in names)
    assert len({n.lower() for n in names}) == len(names)


def test_r_strings_are_ascii_and_read_back_as_written():
    for text in ["plain", 'a "quote" and \\ slash', "é ≤ 10^9/L", "tab\tnew\nline", "\U0001f600"]:
        literal = r_string(text)
        assert literal.isascii() and ast.literal_eval(literal) == text


def test_the_script_reads_each_table_once_with_its_column_classes():
    table = plan_table("cases", pd.DataFrame({"lineage": ["ALL"], "n": [3]}), [LINEAGE, _variable("n", "integer")])
    script = r_script([table], [("Data cut", "2021-06-01")])
    assert 'colClasses = c("lineage" = "character", "n" = "integer"))' in script
    assert 'levels = c("ALL", "AML"), labels = c("Lymphoblastic", "Myeloid"))' in script
