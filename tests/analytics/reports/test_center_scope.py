"""A center's report: its own cases only, its position against the pool, and no other center's code anywhere."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pytest
from openpyxl import load_workbook

from analytics.reports import ReportScopeError, build_report, render_html_context, render_pdf, render_xlsx
from analytics.reports.sections.forest import OTHER_CENTER

from .conftest import SCOPE
from .synthetic import make_dataset


def _others(dataset):
    return sorted(set(dataset.cases["center"]) - {SCOPE})


def _assert_absent(text: str, codes: list[str]) -> None:
    for code in codes:
        assert not re.search(rf"(?<!\w){re.escape(code)}(?!\w)", text), code


def test_it_counts_only_the_centers_own_cases(center_report, dataset):
    own = dataset.cases[dataset.cases["center"] == SCOPE]
    rows = center_report.table("cohort_center_lineage").rows
    assert [r[0] for r in rows] == [SCOPE]
    assert rows[0][-1] == len(own)


def test_its_dict_names_no_other_center(center_report, dataset):
    _assert_absent(json.dumps(center_report.to_dict()), _others(dataset))
    _assert_absent(json.dumps(render_html_context(center_report)), _others(dataset))


def test_its_workbook_names_no_other_center(center_report, dataset):
    wb = load_workbook(io.BytesIO(render_xlsx(center_report)))
    text = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )
    _assert_absent(text + " ".join(wb.sheetnames), _others(dataset))
    assert SCOPE in text


def test_its_pdf_and_figures_name_no_other_center(center_report, center_figures, dataset):
    pdf = render_pdf(center_report, center_figures)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert SCOPE in text
    _assert_absent(text, _others(dataset))
    for drawn in center_figures.values():
        _assert_absent(drawn["svg"].decode("utf-8"), _others(dataset))


def test_the_forest_plot_shows_other_centers_unnamed(center_report, dataset):
    rows = center_report.table("centers_forest").rows
    labels = [r[0] for r in rows if not r[0].startswith("Pooled")]
    assert labels[0] == SCOPE
    assert set(labels[1:]) == {OTHER_CENTER}
    assert len(labels) == dataset.cases["center"].nunique()


def test_it_sets_the_center_beside_the_pool(center_report, dataset):
    table = center_report.table("centers_own_vs_pool")
    cases = dataset.cases[dataset.cases["excluded"] != True]  # noqa: E712
    first = table.rows[0]
    assert first[1] == int((cases["center"] == SCOPE).sum())
    assert first[2] == len(cases)
    assert [r[0] for r in table.rows][2:] == ["2-year OS, % (95% CI)", "2-year EFS, % (95% CI)"]


def test_with_one_other_center_the_pool_is_not_shown():
    data = make_dataset(120, n_centers=2, seed=3)
    own = data.cases["center"].iloc[0]
    report = build_report(data, settings={"center_scope": own})
    table = report.table("centers_own_vs_pool")
    assert all(r[2] == "not shown" for r in table.rows)


def test_a_center_coded_like_a_word_of_the_report_does_not_stop_another_centers_report():
    data = make_dataset(200, n_centers=3, seed=5)
    own, other = sorted(set(data.cases["center"]))[:2]
    data.cases["center"] = data.cases["center"].replace({other: "SHA"})  # as the fingerprint's "SHA-256" label
    report = build_report(data, settings={"center_scope": own}, metadata={"fingerprint": "fp-1"})
    assert report.table("cohort_center_lineage").rows[0][0] == own


def test_an_unknown_center_is_refused(dataset):
    with pytest.raises(ReportScopeError):
        build_report(dataset, settings={"center_scope": "NOWHERE"})
