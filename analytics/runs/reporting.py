"""The bridge from a run to analytics.reports: the report's settings, the report itself, and every file of it.

Formatting and statistics live in analytics.reports and analytics.core; this only says which settings, which
scope and which rows go in, and names the files that come out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from analytics import reports as _reports
from analytics.reports import Report, ReportSettings, build_report
from analytics.runs.options import RunFilters, RunSettings
from analytics.schema import Dataset

__all__ = [
    "RenderedFile",
    "center_rows_only",
    "figure_file_name",
    "html_context",
    "make_report",
    "render_files",
    "report_settings",
]


@dataclass(frozen=True)
class RenderedFile:
    kind: str  # pdf, xlsx, csv, png, svg
    name: str
    content: bytes


def report_settings(filters: RunFilters, settings: RunSettings, *, center_scope: str | None) -> ReportSettings:
    """The report's settings for a run: the endpoint choices, CI transform, rule version, exclusions and scope."""
    return ReportSettings(
        endpoint=settings.endpoint_settings().as_dict(),
        conf_type=settings.ci_transform,
        rule_version=settings.rule_version,
        center_scope=center_scope,
        apply_exclusions=filters.apply_exclusions,
    )


def make_report(dataset: Dataset, *, settings: ReportSettings, metadata: dict[str, Any]) -> Report:
    return build_report(dataset, settings=settings, metadata=metadata)


def center_rows_only(dataset: Dataset, center: str) -> Dataset:
    """The dataset restricted to one center's rows: what a center's own report may hand out as CSV."""
    return Dataset(
        cases=dataset.cases[dataset.cases["center"] == center].reset_index(drop=True),
        findings=dataset.findings[dataset.findings["center"] == center].reset_index(drop=True),
        adverse_events=dataset.adverse_events[dataset.adverse_events["center"] == center].reset_index(drop=True),
        data_cut=dataset.data_cut,
    )


def figure_file_name(name: str) -> str:
    """The file name (without extension) a figure is stored under."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:90] or "figure"


def render_files(report: Report, csv_dataset: Dataset) -> list[RenderedFile]:
    """PDF, XLSX, the dataset CSV and every figure as PNG and SVG."""
    files = [
        RenderedFile("pdf", "report", _reports.render_pdf(report)),
        RenderedFile("xlsx", "report", _reports.render_xlsx(report)),
        RenderedFile("csv", "dataset", _reports.dataset_csv(csv_dataset)),
    ]
    for name, formats in _reports.render_figures(report).items():
        for kind in ("png", "svg"):
            if kind in formats:
                files.append(RenderedFile(kind, figure_file_name(name), formats[kind]))
    return files


def html_context(results: dict[str, Any], *, figure_files: dict[str, dict[str, Any]], file_name) -> dict[str, Any]:
    """The report page's context: what analytics.reports gives for HTML, each section's figures paired with the
    run's stored files (``figure_files[file name][kind]``) so the page shows the PNG the PDF embeds."""
    report = Report.from_dict(results)
    context = dict(_reports.render_html_context(report))
    context["figure_files"] = {f.name: figure_files.get(file_name(f.name), {}) for f in report.figures()}
    return context
