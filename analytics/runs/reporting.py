"""The bridge from a run to analytics.reports: the report's settings, the report itself, and every file of it.

Formatting and statistics live in analytics.reports and analytics.core; this only says which settings, which
scope and which rows go in, and names the files that come out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analytics.plans.document import plan_document
from analytics.plans.execute import execute_plan
from analytics.plans.result import AnalysisResult, PlanResult
from analytics.plans.spec import PlanSpec, SpecError
from analytics.reports import (
    Report,
    ReportSettings,
    build_report,
    dataset_csv,
    render_html_context,
    render_pdf,
    render_xlsx,
)
from analytics.reports.sections.plans import plan_sections
from analytics.reports.sections.plans.counts import counts_suppressed
from analytics.runs.drawing import done_aside, drawing_processes, figures_drawn_aside
from analytics.runs.options import RunFilters, RunSettings
from analytics.schema import Dataset

__all__ = [
    "RenderedFile",
    "add_plan_sections",
    "center_rows_only",
    "dataset_files_aside",
    "execute_plans",
    "figure_file_name",
    "html_context",
    "make_report",
    "plan_file_name",
    "plan_files",
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


PLAN_UNREADABLE = "The plan's stored spec could not be read:"

# The dataset's tables, each its own CSV file.
CSV_TABLES = {
    "dataset": "cases",
    "findings": "findings",
    "adverse_events": "adverse_events",
    "assessments": "assessments",
}


@contextmanager
def dataset_files_aside(csv_dataset: Dataset) -> Iterator[Callable[[], list[RenderedFile]]]:
    """Start writing the dataset's tables as CSV in another process (they need only the rows, not the report);
    yields a function that waits for them. The join computes the statistics meanwhile: at 100 000 cases the
    tables took 5-6 s of the join's one process. With one CPU they are written here when asked for."""
    calls = [(dataset_csv, (csv_dataset, table)) for table in CSV_TABLES.values()]
    with done_aside(calls, 1 if drawing_processes(2) else 0) as written:
        yield lambda: [RenderedFile("csv", name, content) for name, content in zip(CSV_TABLES, written(), strict=True)]


def render_files(report: Report, csv_files: Callable[[], list[RenderedFile]]) -> list[RenderedFile]:
    """PDF, XLSX, the dataset's tables as CSV (``dataset_files_aside``'s) and every figure as PNG and SVG: each
    figure drawn once, in other processes while the XLSX is written here; the PDF embeds the PNGs."""
    with figures_drawn_aside(report) as drawn:
        xlsx = RenderedFile("xlsx", "report", render_xlsx(report))
        tables = csv_files()
        figures = drawn()
    files = [RenderedFile("pdf", "report", render_pdf(report, figures)), xlsx, *tables]
    for name, formats in figures.items():
        for kind in ("png", "svg"):
            if kind in formats:
                files.append(RenderedFile(kind, figure_file_name(name), formats[kind]))
    return files


def html_context(results: dict[str, Any], *, figure_url: str) -> dict[str, Any]:
    """The report page's context (``figure_url`` has ``{name}`` and ``{fmt}``, the run's figure address)."""
    return render_html_context(Report.from_dict(results), figure_url=figure_url)


def _meta(ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": ref.get("plan_id"),
        "version": ref.get("number"),
        "version_id": ref["version_id"],
        "registered": bool(ref.get("registered")),
    }


def execute_plans(plans: tuple[dict[str, Any], ...], dataset: Dataset, *, conf_type: str) -> list[PlanResult]:
    """Execute each plan version a run carries (``RunSettings.plans``) on the run's rows, in order."""
    results = []
    for ref in plans:
        try:
            spec = PlanSpec.from_dict(ref["spec"])
        except (SpecError, KeyError, TypeError, ValueError) as exc:
            # A stored spec that no longer reads (an older shape): the section says so; the other plans run.
            name = str(ref["spec"].get("name", "")) if isinstance(ref.get("spec"), dict) else ""
            results.append(
                PlanResult(
                    plan={"name": name, **_meta(ref)},
                    n_population=0,
                    analyses=[AnalysisResult(key="plan", title=name, method="", message=f"{PLAN_UNREADABLE} {exc}")],
                    problems=[{"where": "plan", "message": f"{PLAN_UNREADABLE} {exc}", "level": "error"}],
                )
            )
            continue
        results.append(execute_plan(spec, dataset, plan_meta=_meta(ref), conf_type=conf_type))
    return results


def add_plan_sections(report: Report, results: list[PlanResult]) -> None:
    """Append one section per executed plan, numbered after the report's own sections."""
    start = max((s.number for s in report.sections), default=0) + 1
    threshold = int(report.settings.get("suppress_below", 5))
    report.sections.extend(plan_sections(results, start, threshold=threshold))


def plan_file_name(ref: dict[str, Any]) -> str:
    """The JSON document's file name (without extension) of one executed plan version."""
    return f"plan-{ref.get('plan_id', 'x')}-version-{ref.get('number', ref['version_id'])}"


def plan_files(plans: tuple[dict[str, Any], ...], results: list[PlanResult], *, threshold: int) -> list[RenderedFile]:
    """Each executed plan's results as its own JSON document, its center-level counts under the small-cell rule."""
    return [
        RenderedFile("json", plan_file_name(ref), plan_document(counts_suppressed(res.to_dict(), threshold)))
        for ref, res in zip(plans, results, strict=True)
    ]
