"""Time a full pooled analysis run, from the registry's records to every file, on the demo data and on 10 000 cases.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/pooled_bench python benchmarks/pooled_run.py [--sizes 360,10000]
    DATABASE_URL=... REDIS_URL=redis://HOST:6379/9 python benchmarks/pooled_run.py --sizes 10000 --workers 2
    DATABASE_URL=postgres://USER@HOST:5432/copy_of_bench_scale_100k python benchmarks/pooled_run.py --sizes 100000

Issue 13's targets: under 8 s end to end at 10 000 cases, under 60 s at 100 000, peak memory under 2 GB; end to
end is what a coordinator waits for.

The database must be a scratch one: the script migrates it, seeds the demo (``seed_demo``, through the services)
up to the first size, and adds the cases up to each further size with ``bulk_create`` (the demo's own synthetic
case plans, written straight to the tables: no entry rules, no audit rows; acceptable in a benchmark only).
Without DATABASE_URL it makes a temporary SQLite file. Files go to a temporary MEDIA_ROOT.

Two ways to run the analysis (``--workers``):

- ``--workers N`` (N >= 1; needs REDIS_URL, a scratch Redis database: its queue is purged first): the deployed
  path. A real worker is started as docker/worker.sh starts it (``celery -A config worker``, prefork pool,
  ``--concurrency N``, late acks) with the same DATABASE_URL, REDIS_URL and MEDIA_ROOT and without
  CELERY_TASK_ALWAYS_EAGER, here as there; the run is asked for with ``run_request`` and the script polls the
  run's row until it is finished. The six per-center parts then run side by side in the pool's processes.
- ``--workers 0``: Celery eager, the embedded setup: the parts one after another in this process, then the join.

The default is what the settings would deploy: WORKER_CONCURRENCY or 2 (docker/worker.sh's default) pool
processes when REDIS_URL is set, eager without it (config/settings.py is eager exactly when there is no broker).

For each size it prints, wall-clock in seconds:

- ``run (end to end)``: from ``run_request`` by a coordinator to the run done: the per-center parts, the join
  (report, PDF, XLSX, CSV, every figure as PNG and SVG) and the files written under MEDIA_ROOT. This is the
  number a coordinator waits for. With a worker it includes the queue's latency and the 0.1 s polling step.
- with a worker, from the run's and parts' timestamps: ``request -> claimed`` (run_start took it), ``request ->
  last part stored`` (the parts in parallel), ``join`` (last part stored -> run done, including the join's
  delivery), and each part's own ``RunPart.seconds`` (building its rows, not storing them); the CPU time of the
  worker's processes during the run, and split at the last part stored: on a busy machine it tells what the wall
  times would shrink to on an idle one (the parts' CPU shared by the pool's processes, the join's on one, its
  figures drawn aside); the peak RSS (VmHWM) of the worker's main process and of each pool process (read before
  the worker is stopped: the largest of all the runs so far), and of the largest drawing process the join forked
  (sampled every 0.1 s while it lived, so a lower bound); and the peak memory of the worker as a whole: the
  largest sum, at one sample, of the proportional set size (PSS) of all its processes (RSS counts the pages a
  forked drawing process shares with its parent in both, PSS splits them);
- eager: the CPU time of this process and of its drawing processes;
- the steps of the same work, timed one by one in this process (never on the worker): the dataset (queries +
  derivation), the fingerprint, then as the join does it: ``build_report`` while the dataset's CSV files are
  written in another process (``analytics.runs.reporting.dataset_files_aside``), the XLSX while the figures are
  drawn in other processes (``analytics.runs.drawing``), the waits for the CSV and for the figures, the PDF;
  and, for comparison, the CSV and the figures done in this process alone;
- peak memory of this process: its peak RSS and that of the largest drawing process (``getrusage``), and the
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
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="360,10000", help="comma-separated numbers of cases (ascending)")
    parser.add_argument("--no-trace", dest="trace", action="store_false", help="skip the tracemalloc pass")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="pool processes of a real Celery worker (needs REDIS_URL); 0: eager, in this process. Default: "
        "WORKER_CONCURRENCY or 2 (docker/worker.sh's) with REDIS_URL, 0 without",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds a run on the worker may take")
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = int(os.environ.get("WORKER_CONCURRENCY", "2")) if os.environ.get("REDIS_URL") else 0
    if args.workers and not os.environ.get("REDIS_URL"):
        parser.error("--workers needs REDIS_URL (a scratch Redis database: its queue is purged)")
    return args


# Imported (registry_scale.py grows its registry with this module's functions): eager, whatever the command line.
ARGS = _arguments() if __name__ == "__main__" else _arguments(["--workers", "0"])
_SCRATCH = tempfile.mkdtemp(prefix="pooled-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_SCRATCH}/bench.sqlite3")
os.environ["MEDIA_ROOT"] = f"{_SCRATCH}/media"
if ARGS.workers:
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)  # with REDIS_URL the settings send tasks to Redis
else:
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
from analytics.runs.reporting import dataset_files_aside, report_settings  # noqa: E402
from analytics.runs.services import run_request  # noqa: E402
from analytics.schema import TABLES  # noqa: E402
from benchmarks.pool_worker import Worker, running_worker, tail  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
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
    timed("fingerprint", lambda: fingerprint(dataset, settings=rs.as_dict()))
    with dataset_files_aside(dataset) as csv_files:
        report = timed("build_report (CSV written aside)", lambda: build_report(dataset, settings=rs))
        with figures_drawn_aside(report) as drawn:
            timed("XLSX (figures drawn aside)", lambda: render_xlsx(report))
            timed("waiting for the CSV", csv_files)
            figures = timed("waiting for the figures", drawn)
    timed("PDF", lambda: render_pdf(report, figures))
    if timings is not None:
        start = time.perf_counter()
        for table in TABLES:
            dataset_csv(dataset, table)
        timings["(CSV written in one process)"] = time.perf_counter() - start
    if timings is not None:
        start = time.perf_counter()
        render_figures(report)
        timings["(figures drawn in one process)"] = time.perf_counter() - start


def _eager_run(coordinator, settings: RunSettings) -> AnalysisRun:
    """``run_request`` with Celery eager: the parts one after another in this process, then the join."""
    start, cpu = time.perf_counter(), _cpu_seconds()
    with transaction.atomic():
        run = run_request(user=coordinator, filters=RunFilters(), settings=settings)
    elapsed, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.reused_from_id is None, run.error
    _print_run(run, elapsed)
    print(f"{'  CPU time (this + drawing procs)':<34}{cpu:8.2f} s   (wall time depends on the load: see above)")
    return run


def _worker_run(worker: Worker, coordinator, settings: RunSettings, timeout: float) -> AnalysisRun:
    """``run_request`` sent to the worker's queue; done when the row says so (polled every 0.1 s, while the
    worker's processes' memory is sampled)."""
    start, cpu = time.perf_counter(), worker.cpu_seconds()
    worker.cpu_marks.clear()
    worker.sample()
    with transaction.atomic():
        run = run_request(user=coordinator, filters=RunFilters(), settings=settings)
    while not AnalysisRun.objects.get(pk=run.pk).is_finished:
        worker.sample()
        if worker.process.poll() is not None:
            sys.exit(f"the worker stopped (status {worker.process.returncode}); its log:\n{tail(worker.log)}")
        if time.perf_counter() - start > timeout:
            sys.exit(f"run {run.pk} not finished within {timeout:.0f} s; the worker's log:\n{tail(worker.log)}")
        time.sleep(0.1)
    elapsed, cpu = time.perf_counter() - start, worker.cpu_seconds() - cpu
    worker.sample()
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.reused_from_id is None, run.error
    _print_run(run, elapsed)
    print(f"{'  CPU time (worker processes)':<34}{cpu:8.2f} s   (main, pool and drawing processes)")
    parts = list(run.parts.select_related("center").order_by("created_at"))
    last_part = max(part.created_at for part in parts)

    def since_request(moment) -> float:
        return (moment - run.created_at).total_seconds()

    print(f"{'  request -> claimed (run_start)':<34}{since_request(run.started_at):8.2f} s")
    print(f"{'  request -> last part stored':<34}{since_request(last_part):8.2f} s")
    print(f"{'  join (last part -> done)':<34}{(run.finished_at - last_part).total_seconds():8.2f} s")
    parts_cpu = worker.cpu_at(last_part.timestamp()) - worker.cpu_at(run.created_at.timestamp())
    join_cpu = worker.cpu_at(run.finished_at.timestamp() + 1) - worker.cpu_at(last_part.timestamp())
    print(f"{'  CPU: until the last part, join':<34}{parts_cpu:8.2f} s   {join_cpu:.2f} s (sampled every 0.1 s)")
    seconds = [part.seconds for part in parts]
    each = ", ".join(f"{part.center.code} {part.seconds:.2f}" for part in parts)
    print(f"{'  parts own seconds (sum, max)':<34}{sum(seconds):8.2f} s   max {max(seconds):.2f} s: {each}")
    return run


def _print_run(run: AnalysisRun, elapsed: float) -> None:
    print(f"{'run (end to end)':<34}{elapsed:8.2f} s   run {run.pk}: {run.n_cases} cases, "
          f"{run.parts.count()} centers, {run.artifacts.count()} files")  # fmt: skip


def _print_worker_memory(worker: Worker) -> None:
    """Peaks of the processes seen so far (VmHWM; a drawing process only while it lived)."""
    peaks = sorted(worker.peaks.items(), key=lambda item: (item[1][0], item[0]))
    for role in ("main", "pool"):
        for pid, (_role, mib) in (item for item in peaks if item[1][0] == role):
            print(f"{f'peak RSS, worker {role} process':<34}{mib:8.1f} MiB   pid {pid}")
    drawing = [mib for _role, mib in worker.peaks.values() if _role == "drawing"]
    if drawing:
        print(f"{'peak RSS, largest drawing process':<34}{max(drawing):8.1f} MiB   ({len(drawing)} seen)")
    alive = sum(mib for _role, mib in worker.peaks.values() if _role != "drawing")
    print(f"{'  sum of main and pool peaks':<34}{alive:8.1f} MiB   (peaks of different moments)")
    print(f"{'peak memory of the worker (PSS)':<34}{worker.pss_peak:8.1f} MiB   (all its processes at one sample)")


def main() -> None:
    sizes = sorted(int(s) for s in ARGS.sizes.split(","))
    call_command("migrate", verbosity=0)
    mode = f"a Celery worker, prefork pool of {ARGS.workers}" if ARGS.workers else "Celery eager, in this process"
    print(f"database: {connection.vendor}; Python {sys.version.split()[0]}; {mode}; load average {os.getloadavg()}")
    with ExitStack() as stack:
        worker = None
        if ARGS.workers:
            purged = celery_app.control.purge()  # messages of an earlier, interrupted benchmark would run first
            log = Path(_SCRATCH) / "worker.log"
            env = {k: os.environ[k] for k in ("DATABASE_URL", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL")}
            start = time.perf_counter()
            worker = stack.enter_context(running_worker(ARGS.workers, env=env, log=log))
            print(f"worker {worker.name} answered after {time.perf_counter() - start:.1f} s ({purged} messages purged)")
        _measure(sizes, worker)


def _measure(sizes: list[int], worker: Worker | None) -> None:
    coordinator = ensure_people().users["coordinator"]
    for i, n in enumerate(sizes):
        start = time.perf_counter()
        _grow_to(n)
        print(f"\n== {n} cases ({'seed_demo' if i == 0 else 'bulk_create'}: {time.perf_counter() - start:.1f} s)")

        # A window no earlier run had: a new run each time (an identical finished run would be reused).
        settings = RunSettings(induction_window_days=14 + AnalysisRun.objects.count())
        if worker is None:
            _eager_run(coordinator, settings)
        else:
            _worker_run(worker, coordinator, settings, ARGS.timeout)
            _print_worker_memory(worker)

        timings: dict[str, float] = {}
        _steps(timings)
        print("the same work step by step, in this process:")
        for label, seconds in timings.items():
            print(f"  {label:<32}{seconds:8.2f} s")
        print(f"{'peak RSS of this process so far':<34}{_peak_rss_mb():8.1f} MiB")
        print(f"{'peak RSS of a drawing process':<34}{_peak_rss_mb(resource.RUSAGE_CHILDREN):8.1f} MiB")
        if ARGS.trace:
            tracemalloc.start()
            _steps(None)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{'peak memory (tracemalloc, steps)':<34}{peak / 2**20:8.1f} MiB")


if __name__ == "__main__":
    main()
