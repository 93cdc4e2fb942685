"""Time a full pooled analysis run, from the registry's records to every file, on the demo data and on 10 000 cases.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/pooled_bench python benchmarks/pooled_run.py [--sizes 360,10000]
    DATABASE_URL=postgres://USER@HOST:5432/copy_of_bench_scale_100k python benchmarks/pooled_run.py --sizes 100000

Issue 13's targets: under 8 s end to end at 10 000 cases, under 60 s at 100 000, peak memory under 2 GB.

The database must be a scratch one: the script migrates it, seeds the demo (``seed_demo``, through the services)
up to the first size, and adds the cases up to each further size with ``bulk_create`` (the demo's own synthetic
case plans, written straight to the tables: no entry rules, no audit rows; acceptable in a benchmark only).
Without DATABASE_URL it makes a temporary SQLite file. Files go to a temporary MEDIA_ROOT; Celery runs eagerly.

For each size it prints, wall-clock in seconds:

- ``run (end to end)``: ``run_request`` by a coordinator and the eager run it queues: the per-center parts,
  the join (report, PDF, XLSX, CSV, every figure as PNG and SVG) and the files written under MEDIA_ROOT. This
  is the number a coordinator waits for.
- the steps of the same work, timed one by one: the dataset (queries + derivation), the canonical CSV and
  fingerprint, ``build_report``, then the files as the join makes them: XLSX and CSV while the figures are drawn
  in other processes (``analytics.runs.drawing``), the wait for the figures, the PDF;
- peak memory: the peak RSS of this process and of the largest drawing process (``getrusage``), and the
  tracemalloc peak of the steps (a separate, traced pass; without ``--no-trace``).

A database that already holds more cases than a size is used as it is (no case is added or removed): the size
is then only a label, and the run reads every case.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_SCRATCH = tempfile.mkdtemp(prefix="pooled-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_SCRATCH}/bench.sqlite3")
os.environ["MEDIA_ROOT"] = f"{_SCRATCH}/media"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from analytics.dataset import dataset_from_rows, dataset_rows  # noqa: E402
from analytics.reports import build_report, dataset_csv, render_figures, render_pdf, render_xlsx  # noqa: E402
from analytics.runs.drawing import figures_drawn_aside  # noqa: E402
from analytics.runs.fingerprint import fingerprint  # noqa: E402
from analytics.runs.models import AnalysisRun  # noqa: E402
from analytics.runs.options import RunFilters, RunSettings  # noqa: E402
from analytics.runs.reporting import report_settings  # noqa: E402
from analytics.runs.services import run_request  # noqa: E402
from analytics.schema import TABLES  # noqa: E402
from registry import models as m  # noqa: E402
from registry.access import cases_for_system  # noqa: E402
from registry.demo.build import _MODELS, Vocabulary  # noqa: E402
from registry.demo.cohort import plan_case  # noqa: E402
from registry.demo.people import ensure_people  # noqa: E402
from registry.derivation import risk_ruleset  # noqa: E402
from registry.pseudonyms import hospital_number_hash  # noqa: E402

SEED = 20260101
BATCH = 500


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the drawing processes): unlike wall time,
    hardly changed by other work on the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def _bulk_cases(first: int, last: int) -> None:
    """Cases ``first``..``last`` of the demo's synthetic plans, written with bulk_create (benchmark only)."""
    people = ensure_people()
    vocabulary = Vocabulary.load()
    for start in range(first, last + 1, BATCH):
        plans = [
            plan_case(n, seed=SEED, induction_days=vocabulary.induction_days)
            for n in range(start, min(start + BATCH, last + 1))
        ]
        with transaction.atomic():
            cases = m.Case.objects.bulk_create(
                [
                    m.Case(
                        registry_id=plan.registry_id,
                        center=people.centers[plan.center],
                        hospital_number_hash=hospital_number_hash(plan.hospital_number),
                        created_by=people.entry_users[plan.center],
                        **plan.case_fields,
                    )
                    for plan in plans
                ]
            )
            by_model: dict[type, list] = {}
            for plan, case in zip(plans, cases, strict=True):
                for kind, fields in [*plan.workup, *plan.course, *plan.follow_ups]:
                    model = _MODELS[kind]
                    by_model.setdefault(model, []).append(model(case=case, **vocabulary.resolve(kind, fields)))
            for model, rows in by_model.items():
                model.objects.bulk_create(rows)


def _grow_to(n: int) -> None:
    have = m.Case.objects.count()
    if have == 0:
        call_command("seed_demo", cases=n, quiet=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    elif have < n:
        _bulk_cases(have + 1, n)


def _steps(timings: dict[str, float] | None) -> None:
    """The run's work step by step, without the database writes of the service."""

    def timed(label, fn):
        start = time.perf_counter()
        out = fn()
        if timings is not None:
            timings[label] = time.perf_counter() - start
        return out

    filters, settings = RunFilters(), RunSettings(rule_version=risk_ruleset().version)
    rows = timed(
        "dataset (queries + derivation)",
        lambda: dataset_rows(
            cases_for_system(), rules=risk_ruleset(settings.rule_version), settings=settings.endpoint_settings()
        ),
    )
    dataset = dataset_from_rows(rows, data_cut=time.strftime("%Y-%m-%d"))
    rs = report_settings(filters, settings, center_scope=None)
    timed("canonical CSV + fingerprint", lambda: fingerprint(dataset, settings=rs.as_dict()))
    report = timed("build_report (statistics)", lambda: build_report(dataset, settings=rs))
    with figures_drawn_aside(report) as drawn:
        timed(
            "XLSX + CSV (figures drawn aside)", lambda: (render_xlsx(report), [dataset_csv(dataset, t) for t in TABLES])
        )
        figures = timed("waiting for the figures", drawn)
    timed("PDF", lambda: render_pdf(report, figures))
    if timings is not None:
        start = time.perf_counter()
        render_figures(report)
        timings["(figures drawn in one process)"] = time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="360,10000", help="comma-separated numbers of cases (ascending)")
    parser.add_argument("--no-trace", dest="trace", action="store_false", help="skip the tracemalloc pass")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; load average {os.getloadavg()}")
    coordinator = ensure_people().users["coordinator"]
    for i, n in enumerate(sizes):
        start = time.perf_counter()
        _grow_to(n)
        print(f"\n== {n} cases ({'seed_demo' if i == 0 else 'bulk_create'}: {time.perf_counter() - start:.1f} s)")

        # A window no earlier run had: a new run each time (an identical finished run would be reused).
        settings = RunSettings(induction_window_days=14 + AnalysisRun.objects.count())
        start, cpu = time.perf_counter(), _cpu_seconds()
        with transaction.atomic():
            run = run_request(user=coordinator, filters=RunFilters(), settings=settings)
        elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
        run.refresh_from_db()
        assert run.status == AnalysisRun.Status.DONE and run.reused_from_id is None, run.error
        print(f"{'run (end to end)':<34}{elapsed:8.2f} s   run {run.pk}: {run.n_cases} cases, "
              f"{run.parts.count()} centers, {run.artifacts.count()} files")  # fmt: skip
        print(f"{'  CPU time (this + drawing procs)':<34}{cpu:8.2f} s   (wall time depends on the load: see above)")

        timings: dict[str, float] = {}
        _steps(timings)
        for label, seconds in timings.items():
            print(f"  {label:<32}{seconds:8.2f} s")
        print(f"{'peak RSS of this process so far':<34}{_peak_rss_mb():8.1f} MiB")
        print(f"{'peak RSS of a drawing process':<34}{_peak_rss_mb(resource.RUSAGE_CHILDREN):8.1f} MiB")
        if args.trace:
            tracemalloc.start()
            _steps(None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{'peak memory (tracemalloc, steps)':<34}{peak / 2**20:8.1f} MiB")


if __name__ == "__main__":
    main()
