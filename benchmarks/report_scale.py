"""Time building and rendering the pooled report on synthetic cohorts.

Usage::

    python benchmarks/report_scale.py [--sizes 400,10000] [--centers 20] [--seed 1]

For each size it draws a synthetic analysis-ready dataset (tests/analytics/reports/synthetic.py: every column of
analytics.schema, findings and adverse events) and times, wall-clock, each step once: ``build_report`` (all
statistics), ``render_figures`` (PNG + SVG of every figure), ``render_pdf`` (given the figures), ``render_xlsx``,
``render_html_context``, ``dataset_csv``, and a center-restricted ``build_report``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.reports import (
    build_report,
    dataset_csv,
    render_figures,
    render_html_context,
    render_pdf,
    render_xlsx,
)
from tests.analytics.reports.synthetic import make_dataset


def _timed(label: str, fn, timings: dict[str, float]):
    start = time.perf_counter()
    out = fn()
    timings[label] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400,10000")
    parser.add_argument("--centers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    steps = ["build", "figures", "pdf", "xlsx", "html", "csv", "center build"]
    print(f"{'cases':>7} " + " ".join(f"{s:>12}" for s in steps) + f" {'total':>8}  (seconds)")
    for size in (int(s) for s in args.sizes.split(",")):
        data = make_dataset(size, n_centers=args.centers, seed=args.seed)
        timings: dict[str, float] = {}
        report = _timed("build", lambda data=data: build_report(data), timings)
        figures = _timed("figures", lambda report=report: render_figures(report), timings)
        _timed("pdf", lambda report=report, figures=figures: render_pdf(report, figures), timings)
        _timed("xlsx", lambda report=report: render_xlsx(report), timings)
        _timed("html", lambda report=report: render_html_context(report), timings)
        _timed("csv", lambda data=data: dataset_csv(data), timings)
        scope = str(data.cases["center"].iloc[0])
        _timed(
            "center build", lambda data=data, scope=scope: build_report(data, settings={"center_scope": scope}), timings
        )
        total = sum(timings.values())
        print(f"{size:>7} " + " ".join(f"{timings[s]:>12.2f}" for s in steps) + f" {total:>8.2f}")


if __name__ == "__main__":
    main()
