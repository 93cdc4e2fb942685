"""The plans report section: what a coordinator reads, through the existing HTML, XLSX and PDF renderers."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from analytics.plans.execute import execute_plan
from analytics.plans.spec import Analysis, Claim, Group, Outcome, PlanSpec, Variable
from analytics.reports import render_figures, render_html_context, render_pdf, render_xlsx
from analytics.reports.model import Report
from analytics.reports.sections.plans import VERDICT_TEXT, plan_sections
from analytics.reports.sections.plans.tables import LANDMARK_AXIS
from tests.analytics.plans.helpers import synthetic_dataset

RISK = Variable.of("risk_class")
TWO = (Group("unfavorable", ("unfavorable",)), Group("other", ("favorable", "intermediate")))
CLAIM = Claim(
    source="000_743ea5dade156a28.txt",
    quote="OR 7.20 (0.70-73.53), p = 0.0649",
    values=(
        ("estimate", 7.2),
        ("lower", 0.7),
        ("upper", 73.53),
        ("p", 0.0649),
        ("n", 33),
        ("test", "chi-square"),
        ("groups", (("unfavorable", "91.6%"), ("other", "58.3%"))),
    ),
    effect="odds_ratio",
    not_recomputable="",
)


def _result():
    spec = PlanSpec(
        name="Seed 000 re-tested",
        question="Is unfavorable cytogenetics linked to induction failure?",
        analyses=(
            Analysis(
                "cr", "CR by risk", Outcome("cr"), "proportions", exposure=RISK, groups=TWO, pool_centers=True,
                claim=CLAIM,
            ),
            Analysis("trm", "TRM by risk", Outcome("trm"), "proportions", exposure=RISK, groups=TWO, pool_centers=True),
            Analysis("os", "OS by risk", Outcome("os"), "km", exposure=RISK, groups=TWO, times=(365.0, 730.0)),
            Analysis("rel", "Relapse by risk", Outcome("relapse"), "cif", exposure=RISK, groups=TWO),
            Analysis(
                "cox", "EFS Cox", Outcome("efs"), "cox", exposure=RISK, groups=TWO,
                covariates=(Variable.of("age_lt_6m"),),
            ),
            Analysis(
                "none", "Nothing", Outcome("os"), "km", exposure=Variable.of("sex"), groups=(Group("boys", ("M",)),)
            ),
        ),
    )  # fmt: skip
    return execute_plan(spec, synthetic_dataset(240, n_centers=6, seed=3), plan_meta={"id": 12, "version": 3})


def test_the_section_shows_population_groups_tests_effects_claim_and_verdict() -> None:
    result = _result()
    (section,) = plan_sections([result], 9)
    assert section.number == 9 and section.title == "Plan: Seed 000 re-tested (version 3)"
    assert "Question: Is unfavorable" in section.notes[0]
    keys = [t.key for t in section.tables]
    for key in ("population", "cr_groups", "cr_tests", "cr_effects", "cr_centers", "cr_pooled", "cr_claim"):
        assert f"plan_12_{key}" in keys
    assert {"plan_12_os_km", "plan_12_rel_cif", "plan_12_cr_forest"} <= {f.name for f in section.figures}
    claim = next(t for t in section.tables if t.key == "plan_12_cr_claim")
    verdict = result.analyses[0].verdict
    assert VERDICT_TEXT.format(word=verdict.word, reason=verdict.reason) in claim.notes
    assert ["Verdict", "", verdict.word] in claim.rows
    published = {row[0]: row[1:] for row in claim.rows}
    assert published["Group unfavorable"][0] == "91.6%" and published["Group unfavorable"][1].endswith(")")
    assert published["odds ratio"][0] == "7.2 (0.7\u201373.53)"
    tests = next(t for t in section.tables if t.key == "plan_12_cr_tests")
    assert sum(row[4] == "yes" for row in tests.rows) == 1
    assert all(t.method for t in section.tables), [t.key for t in section.tables if not t.method]
    not_run = next(t for t in section.tables if t.key == "plan_12_none_groups")
    assert not_run.rows == [] and not_run.notes[0].startswith("Not run:")


def test_per_center_counts_below_five_are_hidden() -> None:
    result = _result()
    (section,) = plan_sections([result], 1)
    centers = next(t for t in section.tables if t.key == "plan_12_trm_centers")
    assert centers.center_level
    raw = {c.center: c.n_events for c in result.analyses[1].per_center}
    small = [c for c, n in raw.items() if 0 < n < 5]
    assert small, "the synthetic data should have a small center"
    for row in centers.rows:
        if row[0] in small:
            assert row[2] in ("<5", "suppr.")
    # What is hidden there is not printed elsewhere in the analysis' tables.
    for table in section.tables:
        if table.key.startswith("plan_12_trm_") and table.key != "plan_12_trm_centers":
            assert not any(row and row[0] in small for row in table.rows)


def test_it_renders_through_html_xlsx_and_pdf_and_shows_the_verdict() -> None:
    result = _result()
    report = Report(title="Plans", settings={}, metadata={}, sections=plan_sections([result.to_dict()], 1))
    word = result.analyses[0].verdict.word
    html = json.dumps(render_html_context(report), ensure_ascii=False)
    assert f"Verdict: {word}" in html
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(f"Verdict: {word}" in c for c in cells)
    figures = render_figures(report)
    assert set(figures) == {f.name for f in report.figures()}
    assert render_pdf(report, figures).startswith(b"%PDF")


def test_a_landmark_figure_says_where_time_starts() -> None:
    spec = PlanSpec(
        name="landmark",
        analyses=(
            Analysis("hsct", "OS by HSCT", Outcome("os"), "km", exposure=Variable.of("hsct"), landmark_days=180),
        ),
    )
    result = execute_plan(spec, synthetic_dataset(300), plan_meta={})
    (section,) = plan_sections([result], 1)
    (figure,) = section.figures
    assert figure.notes == [LANDMARK_AXIS.format(days=180)]
    groups = section.tables[1]
    assert any(note.startswith("Left out: event before the landmark (day 180)") for note in groups.notes)
