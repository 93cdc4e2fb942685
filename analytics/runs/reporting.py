"""The bridge from a run to analytics.reports: the report's settings, the report itself, and every file of it.

Formatting and statistics live in analytics.reports and analytics.core; this only says which settings, which
scope and which rows go in, and names the files that come out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.reports import (
    Report,
    ReportSettings,
    build_report,
    dataset_csv,
    render_figures,
    render_html_context,
    render_pdf,
    render_xlsx,
)
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


def _center_rows(frame: pd.DataFrame, center: str) -> pd.DataFrame:
    return frame[frame["center"] == center].reset_index(drop=True)


def center_rows_only(dataset: Dataset, center: str) -> Dataset:
    """The dataset restricted to one center's rows: what a center's own report may hand out as CSV."""
    return Dataset(
        cases=_center_rows(dataset.cases, center),
        findings=_center_rows(dataset.findings, center),
        adverse_events=_center_rows(dataset.adverse_events, center),
        assessments=_center_rows(dataset.assessments, center),
        data_cut=dataset.data_cut,
    )


def figure_file_name(name: str) -> str:
    """The file name (without extension) a figure is stored under."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:90] or "figure"


# The dataset's tables, each its own CSV file.
CSV_TABLES = {
    "dataset": "cases",
    "findings": "findings",
    "adverse_events": "adverse_events",
    "assessments": "assessments",
}


def render_files(report: Report, csv_dataset: Dataset) -> list[RenderedFile]:
    """PDF, XLSX, the dataset's tables as CSV and every figure as PNG and SVG (figures drawn once)."""
    figures = render_figures(report)
    files = [
        RenderedFile("pdf", "report", render_pdf(report, figures)),
        RenderedFile("xlsx", "report", render_xlsx(report)),
    ]
    files += [RenderedFile("csv", name, dataset_csv(csv_dataset, table)) for name, table in CSV_TABLES.items()]
    for name, formats in figures.items():
        for kind in ("png", "svg"):
            if kind in formats:
                files.append(RenderedFile(kind, figure_file_name(name), formats[kind]))
    return files


def html_context(results: dict[str, Any], *, figure_url: str) -> dict[str, Any]:
    """The report page's context (``figure_url`` has ``{name}`` and ``{fmt}``, the run's figure address)."""
    return render_html_context(Report.from_dict(results), figure_url=figure_url)
