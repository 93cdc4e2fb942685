"""Text typed at one center never breaks anyone's report and never runs anywhere: not as mathtext in a figure,
not as markup in the PDF, not as a formula in a CSV or XLSX cell. Hostile text goes into every text column of
a synthetic dataset (no Django), and every rendering must come out, with the text shown literally."""

from __future__ import annotations

import csv
import io
import math
import re
import warnings
from xml.etree import ElementTree

import pandas as pd
import pypdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analytics.reports import (
    build_report,
    dataset_csv,
    render_figures,
    render_html_context,
    render_pdf,
    render_xlsx,
)
from analytics.reports.xlsx import sheet_names
from analytics.schema import Dataset

from .hostile import LEADS, runs_in_a_spreadsheet
from .synthetic import make_dataset

# The defect of the report: a fusion partner typed as "$^^$" made matplotlib's mathtext parser raise.
HOSTILE = [
    "$^^$",
    "$\\frac{1}{0}$",
    "$x_{",
    "<para>",
    "</para>",
    "&amp;",
    "&",
    "<b>bold",
    "<font color='red'>x</font>",
    "<script>alert(1)</script>",
    "=1+2",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "|calc",
    "\t=1",
    "  -x",
    "\r\n+1",
    "\x00\x1b\x7f",
    "\u202eabc",
    "漢字 😀 Ωμέγα",
    "",
    " ",
    "x" * 2000,
    "word " * 400,
    "\\",
    "{0} %s",
    "-1.5",
]
# Always among the protocol names, so the PDF can be searched for it.
MARKER = "<b>P&amp;1</b>$^^$"

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.builds(lambda lead, rest: lead + rest, st.sampled_from(LEADS), st.text(max_size=30)),
    st.text(max_size=60),
)
hostile_texts = st.lists(hostile_text, min_size=1, max_size=5)

CASE_TEXT = (
    "subtype",
    "fab",
    "exclusion_reason",
    "protocol",
    "death_cause",
    "relapse_site",
    "kmt2a_partner",
    "risk_rule_version",
    "age_reason",
    "kmt2a_reason",
    "risk_reason",
    "cr_reason",
    "os_reason",
    "efs_reason",
    "cir_reason",
)
FINDING_TEXT = ("method", "abnormality", "abnormality_label", "fusion")
AE_TEXT = ("event_type", "event_label", "phase")

_BASE = make_dataset(80, n_centers=3, seed=5)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fill(frame: pd.DataFrame, columns: tuple[str, ...], texts: list[str]) -> None:
    """Hostile text wherever the column has a value (everywhere when it has none), cycling through ``texts``."""
    for k, column in enumerate(columns):
        values = frame[column].tolist()
        anywhere = all(_missing(v) or v == "" for v in values)
        frame[column] = [
            texts[(i + k) % len(texts)] if anywhere or not _missing(v) else v for i, v in enumerate(values)
        ]


def hostile_dataset(texts: list[str], protocol_marker: bool = False) -> Dataset:
    cases, findings, adverse = _BASE.cases.copy(), _BASE.findings.copy(), _BASE.adverse_events.copy()
    centers = sorted(cases["center"].unique())
    renamed = {c: f"{texts[i % len(texts)]}#{i}" for i, c in enumerate(centers)}
    for frame in (cases, findings, adverse):
        frame["center"] = frame["center"].map(renamed)
    _fill(cases, CASE_TEXT, texts)
    _fill(findings, FINDING_TEXT, texts)
    _fill(adverse, AE_TEXT, texts)
    if protocol_marker:
        cases.loc[cases.index[::3], "protocol"] = MARKER
    return Dataset(cases=cases, findings=findings, adverse_events=adverse, data_cut=_BASE.data_cut)


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    types = pd.api.types
    return [c for c in frame.columns if types.is_numeric_dtype(frame[c]) and not types.is_bool_dtype(frame[c])]


def _check_csv(dataset: Dataset) -> None:
    for table in ("cases", "findings", "adverse_events"):
        content = dataset_csv(dataset, table).decode("utf-8")
        for row in csv.reader(io.StringIO(content, newline="")):
            for cell in row:
                assert not runs_in_a_spreadsheet(cell), (table, cell)
        source = getattr(dataset, table)
        back = pd.read_csv(io.StringIO(content), keep_default_na=False, na_values=[""])
        assert len(back) == len(source)
        for column in _numeric_columns(source):
            assert pd.api.types.is_numeric_dtype(back[column]), column
            pd.testing.assert_series_equal(
                back[column].astype(float), source[column].astype(float).reset_index(drop=True), check_names=False
            )


def _check_xlsx(report) -> None:
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not runs_in_a_spreadsheet(cell.value), (ws.title, cell.coordinate, cell.value)
    tables = [t for s in report.sections for t in s.tables]
    for table, name in zip(tables, sheet_names(report), strict=True):
        ws = wb[name]
        for i, values in enumerate(table.rows):
            for j, value in enumerate(values):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    stored = ws.cell(5 + i, 1 + j).value
                    assert isinstance(stored, int | float), (name, i, j, stored)
                    assert stored == value or (math.isnan(stored) and math.isnan(value))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=hostile_texts)
def test_no_csv_or_xlsx_cell_holds_a_formula_and_numbers_stay_numbers(texts):
    dataset = hostile_dataset(texts)
    _check_csv(dataset)
    _check_xlsx(build_report(dataset, settings={}, metadata={"note": texts[0]}))


def test_negative_numbers_stay_numbers_in_the_csv():
    dataset = hostile_dataset(["-x"])
    dataset.cases["lab_alt_post"] = -1.5
    content = dataset_csv(dataset, "cases").decode()
    header, first = next(csv.reader(io.StringIO(content))), list(csv.reader(io.StringIO(content)))[1]
    assert first[header.index("lab_alt_post")] == "-1.5"
    assert first[header.index("center")].startswith("'-x")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=hostile_texts, center_report=st.booleans())
def test_the_pooled_report_renders_every_format_whatever_the_text(texts, center_report):
    dataset = hostile_dataset(texts, protocol_marker=True)
    scope = sorted(dataset.cases["center"].unique())[0] if center_report else None
    report = build_report(dataset, settings={"center_scope": scope}, metadata={})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # glyphs DejaVu Sans lacks (emoji) are drawn as boxes
        figures = render_figures(report)
    assert figures and all(f["png"] for f in figures.values())
    for drawn in figures.values():
        ElementTree.fromstring(drawn["svg"])  # well-formed: no control character slipped into the XML
    render_xlsx(report)
    context = render_html_context(report)
    cells = [c for s in context["sections"] for t in s["tables"] for r in t["rows"] for c in r]
    assert MARKER in cells  # handed to the template as it was typed; Django escapes it
    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(report, figures)))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf.pages))
    assert MARKER in text  # printed literally, not read as bold markup and an entity


def test_mathtext_in_a_label_is_drawn_as_the_characters_typed():
    report = build_report(hostile_dataset(["$^^$"]), settings={}, metadata={})
    svg = render_figures(report)["kmt2a_partners"]["svg"].decode()
    assert "$^^$" in svg
