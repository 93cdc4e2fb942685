"""Import 10 000 synthetic cases from one workbook on PostgreSQL: read, dry run and commit, against the targets.

Usage::

    DATABASE_URL=postgres://USER@HOST:5432/ilr_bench python benchmarks/import_scale.py [--cases 10000]

The database must be a scratch one (its name must contain "bench" or "scratch"): the script migrates it and
empties the case tables (TRUNCATE ... CASCADE, history and import jobs included) before it starts. SQLite is
refused: the target is PostgreSQL's.

The file is the demo's synthetic cohort as an import workbook (``registry.demo.import_workbook``: every case
new, about 16 rows a case across the sheets, 160 000 rows for 10 000 cases). One center's data-entry user then
runs, each timed on its own:

- ``read``: ``read_upload`` of the bytes (the reader alone; the dry run and the commit each read again);
- ``dry run``: ``import_check``: read, plan every row against the entry rules, store the job;
- ``commit``: ``import_commit``: read, plan again under the center's and the cases' locks, write every row
  with its history row.

The commit queues the data-quality check of the imported cases for a worker (on commit). Celery runs
non-eagerly here with an in-memory broker nobody consumes, so that check is NOT in the commit's time; it is
run afterwards in this process (``cases_check``, what the worker's task calls) and printed as its own figure.

The reference is django-import-export's default path: ``resource.import_data(dataset, dry_run=False)`` with the
sheets' generated resources (``registry.transfer.resources``), row by row, on the cases sheet and the
follow-up sheet of the first ``--default-cases`` cases, into a second center. It checks each row's fields only
(no entry rules across a case), so the comparison flatters it.

Each step prints its wall-clock time and this process's CPU time (the database server's work is in the wall
time only; a much larger wall time means the machine was busy). Peak memory is the process's peak RSS
(ru_maxrss), taken after the commit and before the reference path.
``--profile DIR`` also writes cProfile files of the dry run and the commit (timings then include the profiler's
overhead) and prints their top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("DATABASE_URL", "")
NOT_POSTGRES = "Set DATABASE_URL to a scratch PostgreSQL database (postgres://...): the targets are PostgreSQL's."
NOT_SCRATCH = "The database name must contain 'bench' or 'scratch': this script empties its case tables."
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    sys.exit(NOT_POSTGRES)
_DB_NAME = urlparse(DATABASE_URL).path.lstrip("/")
if "bench" not in _DB_NAME and "scratch" not in _DB_NAME:
    sys.exit(NOT_SCRATCH)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"  # the commit queues the quality check; nobody runs it meanwhile
os.environ["REDIS_URL"] = ""  # in-memory broker: no worker can pick the task up during the timings
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from quality.services.findings import cases_check  # noqa: E402
from registry import models as m  # noqa: E402
from registry.choices import Role  # noqa: E402
from registry.demo.import_workbook import case_rows, cases_rows, write_workbook  # noqa: E402
from registry.models import ImportJob  # noqa: E402
from registry.services.imports import import_check, import_commit  # noqa: E402
from registry.transfer.files import read_upload  # noqa: E402
from registry.transfer.resources import resource_for  # noqa: E402
from registry.transfer.sheets import SHEETS, Kind  # noqa: E402

SEED = 20260101
TARGET_SECONDS = 60.0  # dry run + commit, 10 000 cases
TARGET_SPEEDUP = 5.0
TARGET_RSS_MB = 1024.0
TARGET_CASES = 10_000
CENTER, REFERENCE_CENTER, USERNAME = "BEN", "BEX", "bench-entry"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _fresh_database():
    """Migrate, empty the case tables, and make the two centers and their data-entry user."""
    call_command("migrate", verbosity=0)
    models = [m.Case, *m.CASE_RECORD_MODELS, ImportJob]
    tables = [model._meta.db_table for model in models]
    tables += [model.history.model._meta.db_table for model in models if hasattr(model, "history")]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(connection.ops.quote_name(t) for t in tables)} RESTART IDENTITY CASCADE")
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    centers = []
    for code in (CENTER, REFERENCE_CENTER):
        center, _ = m.Center.objects.get_or_create(code=code, defaults={"name": f"Benchmark {code}", "city": "-"})
        m.Membership.objects.get_or_create(user=user, center=center, role=Role.DATA_ENTRY)
        centers.append(center)
    return user, centers[0], centers[1]


def _induction_days() -> dict[str, int]:
    return {p.name: p.induction_day for p in m.Protocol.objects.filter(version="")}


def _timed(label: str, fn, profile_dir: Path | None):
    profiler = cProfile.Profile() if profile_dir else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    out = fn()
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label}: {seconds:.1f} s wall, {cpu:.1f} s CPU of this process (peak RSS so far {_peak_rss_mb():.0f} MB)",
          flush=True)  # fmt: skip
    if profiler:
        path = profile_dir / f"{label.replace(' ', '_')}.prof"
        profiler.dump_stats(path)
        print(f"\n-- profile of {label} ({path}), top 25 by cumulative time")
        pstats.Stats(str(path), stream=sys.stdout).sort_stats("cumulative").print_stats(25)
        print(f"-- top 25 by own time ({label})")
        pstats.Stats(str(path), stream=sys.stdout).sort_stats("tottime").print_stats(25)
    return out, seconds


def _reference_path(user, center, n_cases: int, induction_days: dict[str, int]) -> tuple[int, float]:
    """django-import-export's row-by-row import of the cases and follow-up sheets of the first `n_cases`."""
    rows = [case_rows(n, seed=SEED, induction_days=induction_days) for n in range(1, n_cases + 1)]
    total_rows, seconds = 0, 0.0
    for sheet in (SHEETS[0], next(s for s in SHEETS if s.name == "follow_up")):
        headers = [c.name for c in sheet.columns]
        registry_ids = dict(m.Case.objects.filter(center=center).values_list("center_case_number", "registry_id"))
        dataset = tablib.Dataset(headers=headers)
        for case in rows:
            for row in case.get(sheet.name, ()):
                values = {**row, "center": center.code, "registry_id": registry_ids.get(row["case_number"])}
                dataset.append([_reference_cell(c, values.get(c.name)) for c in sheet.columns])
        resource_ = resource_for(sheet)()
        start = time.perf_counter()
        result = resource_.import_data(dataset, dry_run=False, raise_errors=True, user=user)
        seconds += time.perf_counter() - start
        if result.has_validation_errors():
            sys.exit(f"The reference path refused rows of {sheet.name}: {result.invalid_rows[:3]}")
        total_rows += len(dataset)
    return total_rows, seconds


def _reference_cell(column, value):
    if column.kind == Kind.BOOLEAN and value is None and not column.nullable_boolean:
        value = False  # the resource's widget gives None for an empty cell, which a NOT NULL column refuses
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=TARGET_CASES)
    parser.add_argument("--default-cases", type=int, default=1000, help="cases through the reference path")
    parser.add_argument("--no-quality-check", action="store_true", help="skip timing the worker's quality check")
    parser.add_argument("--profile", type=Path, help="write cProfile files of the dry run and the commit here")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    db = settings.DATABASES["default"]
    print(f"database: {connection.vendor} {db['NAME']}; Python {sys.version.split()[0]}; "
          f"Celery eager: {settings.CELERY_TASK_ALWAYS_EAGER}")  # fmt: skip

    user, center, reference_center = _fresh_database()
    induction_days = _induction_days()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as stream:
        counts = write_workbook(stream, cases_rows(args.cases, seed=SEED, induction_days=induction_days))
        stream.seek(0)
        data = stream.read()
    n_rows = sum(counts.values())
    print(f"workbook: {args.cases} cases, {n_rows} rows, {len(data) / 2**20:.1f} MiB "
          f"(written in {time.perf_counter() - start:.1f} s)", flush=True)  # fmt: skip
    print("  rows per sheet: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    rss_before = _peak_rss_mb()

    read, read_s = _timed("read", lambda: read_upload("synthetic.xlsx", data), None)
    if read.problems:
        sys.exit(f"The reader found problems: {read.problems[:5]}")
    del read
    job, check_s = _timed(
        "dry run",
        lambda: import_check(user=user, center=center, file_name="synthetic.xlsx", data=data),
        args.profile,
    )
    if job.status != ImportJob.Status.CHECKED:
        sys.exit(f"The dry run found problems: {job.problems[:5]}")
    job, commit_s = _timed("commit", lambda: import_commit(user=user, job=job), args.profile)
    if job.status != ImportJob.Status.COMMITTED:
        sys.exit(f"The commit was refused: {job.problems[:5]}")
    peak_rss = _peak_rss_mb()
    imported = list(m.Case.objects.filter(center=center).values_list("pk", flat=True))
    assert len(imported) == args.cases, len(imported)

    quality_s = None
    if not args.no_quality_check:
        _checked, quality_s = _timed("quality check", lambda: cases_check(imported), None)
    ref_rows, ref_s = _reference_path(user, reference_center, min(args.default_cases, args.cases), induction_days)

    total = check_s + commit_s
    rate = n_rows / total
    ref_rate = ref_rows / ref_s
    speedup = rate / ref_rate
    lines = [
        ("rows", f"{n_rows}"),
        ("cases", f"{args.cases}"),
        ("read (reader alone) s", f"{read_s:.1f}"),
        ("dry run (import_check) s", f"{check_s:.1f}"),
        ("commit (import_commit) s", f"{commit_s:.1f}"),
        ("total (dry run + commit) s", f"{total:.1f}"),
        ("rows/s (dry run + commit)", f"{rate:.0f}"),
        ("peak RSS MB", f"{peak_rss:.0f} (before the import: {rss_before:.0f})"),
        ("default path rows/s", f"{ref_rate:.0f} ({ref_rows} rows: cases + follow_up, {ref_s:.1f} s)"),
        ("speed-up", f"{speedup:.1f}x"),
        ("quality check (a worker's job) s", "not run" if quality_s is None else f"{quality_s:.1f}"),
    ]
    print()
    for label, value in lines:
        print(f"{label:<34}{value}")
    print()
    at_scale = args.cases >= TARGET_CASES
    seconds_target = TARGET_SECONDS * args.cases / TARGET_CASES
    verdicts = [
        (f"dry run + commit < {seconds_target:.3g} s", total < seconds_target),
        (f"speed-up >= {TARGET_SPEEDUP:.0f}x the default path", speedup >= TARGET_SPEEDUP),
        (f"peak RSS < {TARGET_RSS_MB:.0f} MB", peak_rss < TARGET_RSS_MB),
    ]
    print("(the quality check is queued on commit for a worker: it is not in the commit's time)")
    for label, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")
    if not at_scale:
        print(f"(the targets are for {TARGET_CASES} cases; the time target is scaled to {args.cases})")
    if args.profile:
        print("(profiled: the times include cProfile's overhead)")


if __name__ == "__main__":
    main()
