"""The report's formats: JSON round trip, HTML context, XLSX, PDF, PNG/SVG figures and the dataset CSV."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pypdf
from openpyxl import load_workbook

from analytics.reports import (
    Report,
    dataset_csv,
    render_figures,
    render_html_context,
    render_pdf,
    render_xlsx,
)
from analytics.reports.pdf import split_columns
from analytics.reports.xlsx import sheet_names
from analytics.schema import CASE_COLUMNS


def test_the_report_survives_a_json_round_trip(report):
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    again = Report.from_dict(data)
    assert again.to_dict() == data
    assert [t.key for t in again.tables()] == [t.key for t in report.tables()]


def test_the_html_context_is_plain_strings(report):
    context = render_html_context(report, figure_url="/runs/7/figures/{name}.{fmt}")
    assert [s["number"] for s in context["sections"]] == list(range(1, 9))
    for section in context["sections"]:
        for table in section["tables"]:
            assert all(isinstance(cell, str) for row in table["rows"] for cell in row)
    figure = context["sections"][5]["figures"][0]
    assert figure["png_url"] == f"/runs/7/figures/{figure['name']}.png"
    json.dumps(context)


def test_the_workbook_has_a_sheet_per_table(report):
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    names = sheet_names(report)
    assert wb.sheetnames == ["Contents", *names]
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)
    table = report.table("cohort_center_lineage")
    sheet = wb[names[0]]
    assert sheet["A1"].value == table.title
    assert [c.value for c in sheet[4]] == table.columns
    assert [c.value for c in sheet[5]] == table.rows[0]


def test_sheet_names_stay_unique_when_titles_repeat(report):
    twin = Report.from_dict(report.to_dict())
    for t in twin.sections[0].tables:
        t.title = "x" * 40
    names = sheet_names(twin)
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 for n in names)


def test_the_pdf_opens_and_has_every_section(report):
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5
    text = " ".join(page.extract_text() for page in reader.pages)
    for section in report.sections:
        assert f"{section.number}. {section.title}" in text
    assert "fp-0123456789abcdef" in text
    assert sum(len(page.images) for page in reader.pages) == len(report.figures())


def test_wide_tables_are_split_into_blocks_that_repeat_the_first_column():
    blocks = split_columns([f"c{i}" for i in range(20)], limit=8)
    assert all(b[0] == 0 and len(b) <= 9 for b in blocks)
    assert sorted({i for b in blocks for i in b}) == list(range(20))


def test_every_figure_renders_as_png_and_svg(report):
    figures = render_figures(report)
    assert set(figures) == {f.name for f in report.figures()}
    kinds = {f.kind for f in report.figures()}
    assert {"km", "cif", "forest", "bar"} <= kinds
    for drawn in figures.values():
        assert drawn["png"].startswith(b"\x89PNG")
        assert b"<svg" in drawn["svg"][:500]


def test_the_km_figure_carries_numbers_at_risk_and_ci(report):
    figure = next(f for f in report.figures() if f.name == "km_os_risk_class")
    for curve in figure.data["curves"]:
        assert len(curve["at_risk"]) == len(figure.data["risk_times"])
        assert curve["at_risk"][0] == curve["n"]
        assert len(curve["lower"]) == len(curve["upper"]) == len(curve["time"])


def test_the_dataset_csv_has_the_schema_columns_and_no_birth_dates(dataset):
    frame = pd.read_csv(io.BytesIO(dataset_csv(dataset)))
    assert list(frame.columns) == list(CASE_COLUMNS)
    assert len(frame) == len(dataset.cases)
    assert not any("birth" in c for c in frame.columns)
    findings = pd.read_csv(io.BytesIO(dataset_csv(dataset, "findings")))
    assert len(findings) == len(dataset.findings)


def test_the_package_imports_no_django():
    code = "import sys, analytics.reports; sys.exit(1 if any(m.startswith('django') for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
