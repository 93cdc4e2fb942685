"""Degenerate inputs build a report with notes instead of failing: few cases, one center, no events, no data."""

from __future__ import annotations

import json

import pytest

from analytics.reports import build_report, render_figures, render_html_context, render_pdf, render_xlsx
from analytics.reports.settings import ReportSettings

from .synthetic import make_dataset


def _all_notes(report) -> str:
    return json.dumps([s.notes for s in report.sections] + [t.notes for t in report.tables()])


def _render_everything(report) -> None:
    figures = render_figures(report, dpi=40)
    assert render_pdf(report, figures).startswith(b"%PDF")
    assert render_xlsx(report)[:2] == b"PK"
    json.dumps(render_html_context(report))
    json.dumps(report.to_dict())


def test_ten_cases_build_and_render():
    report = build_report(make_dataset(10, n_centers=3, seed=5))
    _render_everything(report)


def test_one_center_has_no_heterogeneity_and_says_so():
    report = build_report(make_dataset(60, n_centers=1, seed=6))
    notes = _all_notes(report)
    assert "one stratum" in notes
    assert "only one center" in notes
    _render_everything(report)


def test_no_events_give_notes_not_errors():
    report = build_report(make_dataset(80, n_centers=3, seed=7, events=False))
    notes = _all_notes(report)
    assert "no events" in notes.lower()
    assert "No log-rank test" in notes
    _render_everything(report)


def test_empty_findings_and_adverse_events():
    data = make_dataset(40, n_centers=2, seed=8)
    data = type(data)(data.cases, data.findings.iloc[0:0], data.adverse_events.iloc[0:0], data.data_cut)
    report = build_report(data)
    assert "No findings recorded." in _all_notes(report)
    assert "No adverse events recorded." in _all_notes(report)
    _render_everything(report)


def test_unknown_endpoints_everywhere():
    data = make_dataset(30, n_centers=2, seed=9)
    cases = data.cases.copy()
    for col in ("os_time", "os_event", "efs_time", "efs_event", "cir_time", "cir_event", "risk_class", "cr_status"):
        cases[col] = None
    cases["cir_status"] = "unknown"
    report = build_report(type(data)(cases, data.findings, data.adverse_events, data.data_cut))
    assert "No cases with a known time" in _all_notes(report)
    _render_everything(report)


def test_every_case_excluded():
    data = make_dataset(20, n_centers=2, seed=10)
    cases = data.cases.assign(excluded=True, exclusion_reason="chemotherapy refused")
    report = build_report(type(data)(cases, data.findings, data.adverse_events, data.data_cut))
    rows = report.table("cohort_exclusions").rows
    assert ["In the outcome analyses (sections 4-7)", 0] in rows
    _render_everything(report)


def test_settings_come_as_a_dict_and_bad_ones_are_refused():
    settings = ReportSettings.coerce({"times": [365, 1095], "conf_type": "log"})
    assert settings.times == (365, 1095)
    with pytest.raises(ValueError):
        ReportSettings.coerce({"colour": "red"})
    with pytest.raises(ValueError):
        ReportSettings.coerce({"conf_type": "logit"})
    with pytest.raises(ValueError):
        ReportSettings.coerce({"endpoint": {"induction_failure_dating": "tomorrow"}})


def test_a_mismatched_rule_version_is_noted():
    report = build_report(make_dataset(40, n_centers=2, seed=11), settings={"rule_version": "seed000-v2"})
    rows = report.table("methods_settings").rows
    row = next(r for r in rows if r[0] == "Risk rule version in the data")
    assert "differs" in row[2]


def test_an_empty_dataset_builds_and_renders():
    data = make_dataset(20, n_centers=2, seed=12)
    empty = type(data)(data.cases.iloc[0:0], data.findings.iloc[0:0], data.adverse_events.iloc[0:0], data.data_cut)
    report = build_report(empty)
    assert report.table("cohort_center_lineage").rows == []
    _render_everything(report)


def test_nullable_pandas_dtypes_are_read_as_flags_and_numbers():
    data = make_dataset(60, n_centers=2, seed=13)
    cases = data.cases.copy()
    for col in ("age_lt_6m", "wbc_ge_300", "excluded"):
        cases[col] = cases[col].astype("boolean")
    cases.loc[cases.index[:3], "age_lt_6m"] = None
    cases["os_event"] = cases["os_event"].astype("Int64")
    plain = build_report(data)
    nullable = build_report(type(data)(cases, data.findings, data.adverse_events, data.data_cut))
    assert nullable.table("survival_os_risk_class").rows == plain.table("survival_os_risk_class").rows
