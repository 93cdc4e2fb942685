"""The one neutraliser of spreadsheet cells (analytics.reports.cells), and that every writer goes through it."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.reports.cells import (
    DANGEROUS_LEADS,
    XLSX_MAX_CHARS,
    csv_cell,
    csv_frame,
    is_formula_like,
    label_text,
    xlsx_cell,
)

from .hostile import LEADS, runs_in_a_spreadsheet

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "text",
    [
        "=1+2",
        "+1+2",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "|calc",
        "\t=1",
        "\r=1",
        "\n=1",
        '   =HYPERLINK("http://x")',
        " \t-1+1",
        "\uff1d1+1",
        "-",
        "\t",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text
    assert xlsx_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["KMT2A::AFF1", "t(4;11)(q21;q23)", "", "   ", "a=b", "46,XY,-7", "'=1"])
def test_ordinary_text_is_left_alone(text):
    assert csv_cell(text) == text


@pytest.mark.parametrize("value", [-1.5, -3, 0, 2.5, None, True, float("nan")])
def test_numbers_and_missing_values_are_never_touched(value):
    assert csv_cell(value) is value
    assert xlsx_cell(value) is value


@pytest.mark.parametrize("text", ["-1.5", "-3", "+2", "-0.52", "1e-5", "-.5"])
def test_text_that_is_a_plain_number_stays_as_it_is(text):
    assert csv_cell(text) == text


def test_a_frame_keeps_its_numeric_columns_numeric():
    frame = pd.DataFrame({"text": ["=1", "-x", "ok", None], "number": [-1.5, 2.0, math.nan, -3.0], "n": [1, -2, 3, 4]})
    out = csv_frame(frame)
    assert out["text"].tolist() == ["'=1", "'-x", "ok", None]
    assert out["number"].dtype == frame["number"].dtype and out["n"].dtype == frame["n"].dtype
    assert out.to_csv(index=False).splitlines()[1:3] == ["'=1,-1.5,1", "'-x,2.0,-2"]
    assert frame["text"].tolist()[0] == "=1"  # the caller's frame is not changed


def test_a_workbook_cell_loses_the_characters_xml_cannot_carry():
    assert xlsx_cell("a\x00b\x1bc\uffff") == "a\ufffdb\ufffdc\ufffd"
    assert xlsx_cell("\x0b=1") == "\ufffd=1"  # the replacement character is not a dangerous lead
    assert len(xlsx_cell("x" * (XLSX_MAX_CHARS + 10))) == XLSX_MAX_CHARS


def test_a_label_is_plain_printable_text_of_bounded_length():
    assert label_text("a\nb\tc\x00d") == "a b c\ufffdd"
    assert label_text(None) == ""
    assert label_text("x" * 100, 10) == "x" * 9 + "\u2026"
    assert label_text("$^^$ <b>&amp;</b>") == "$^^$ <b>&amp;</b>"


@given(lead=st.sampled_from(LEADS), blank=st.sampled_from(["", " ", "   ", "\u00a0", " \t"]), rest=st.text())
def test_no_text_with_a_dangerous_lead_survives_in_any_cell(lead, blank, rest):
    text = blank + lead + rest
    for cell in (csv_cell(text), xlsx_cell(text)):
        assert not runs_in_a_spreadsheet(cell), repr(cell)
    assert csv_cell(text).endswith(text) and is_formula_like(text) != (csv_cell(text) == text)


@given(st.text())
def test_any_text_ends_up_safe_and_unchanged_but_for_the_quote(text):
    cell = csv_cell(text)
    assert not runs_in_a_spreadsheet(cell)
    assert cell in (text, "'" + text)


def test_the_dangerous_leads_are_the_documented_ones():
    assert set(LEADS) == set(DANGEROUS_LEADS)


# Writing a CSV or spreadsheet file without analytics.reports.cells would bring formula injection back.
_WRITERS = re.compile(
    r"\bto_csv\(|csv\.writer|csv\.DictWriter|openpyxl|xlsxwriter|to_excel\(|\bWorkbook\(|tablib|ExportMixin|ImportExport"
)
# Writes CSV only to hash it (the run's fingerprint); nobody opens it.
_HASH_ONLY = {"analytics/runs/fingerprint.py"}


def test_every_module_that_writes_csv_or_xlsx_goes_through_the_cells_module():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("tests/", ".venv/", "benchmarks/")) or "/migrations/" in rel or rel in _HASH_ONLY:
            continue
        if rel == "analytics/reports/cells.py":
            continue
        text = path.read_text(encoding="utf-8")
        if _WRITERS.search(text) and not re.search(r"from (analytics\.reports|\.)\.?cells import|cells\.", text):
            offenders.append(rel)
    assert offenders == []
