"""Time the request that starts an analysis run (the POST of the "Start a run" form), on the demo data.

Usage::

    DATABASE_URL=postgres://.../scratch REDIS_URL=redis://127.0.0.1:6379/<n> python benchmarks/run_request.py
    python benchmarks/run_request.py --cases 360 --repeat 5      # a temporary SQLite file, in-memory broker

The database must be a scratch one: the script migrates it and seeds the demo (``seed_demo``, 360 cases by
default). Celery is not eager: the request only hands the run to the broker and no worker takes it (the queue
is purged at the end, so no worker started later picks these runs up). With REDIS_URL the broker is that
Redis; without it Celery's in-memory transport.

It prints, in milliseconds, the wall-clock time of the POST through Django's test client (middleware, form,
service, redirect) for a coordinator's pooled run and for a center's own report; each repetition asks with
other settings so that it is a new run, never a reuse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_SCRATCH = tempfile.mkdtemp(prefix="run-request-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_SCRATCH}/bench.sqlite3")
os.environ["MEDIA_ROOT"] = f"{_SCRATCH}/media"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from analytics.runs.models import AnalysisRun  # noqa: E402
from config.celery import app  # noqa: E402
from registry.demo.people import ensure_people  # noqa: E402

FORM = {"apply_exclusions": "on", "induction_failure_dating": "day0", "ci_transform": "log-log"}


def _time_posts(user, repeat: int, first_window: int, extra: dict) -> list[float]:
    client = Client()
    client.force_login(user)
    url = reverse("analytics:run_new")
    client.get(url)  # warm: templates, the form's queries
    timings = []
    for i in range(repeat):
        data = {**FORM, **extra, "induction_window_days": str(first_window + i)}  # new settings: a new run
        before = AnalysisRun.objects.count()
        start = time.perf_counter()
        response = client.post(url, data)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AnalysisRun.objects.count() == before + 1
    return timings


def _line(label: str, timings: list[float]) -> str:
    return (
        f"{label:<28} median {statistics.median(timings):9.1f} ms   min {min(timings):9.1f}   "
        f"max {max(timings):9.1f}   (n={len(timings)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=360, help="demo cases to seed (default 360)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per kind (default 5)")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("seed_demo", cases=args.cases, quiet=True)
    people = ensure_people()
    broker = "Redis" if os.environ.get("REDIS_URL") else "in-memory"
    print(f"database: {connection.vendor}; broker: {broker}; eager: {app.conf.task_always_eager}")
    print(f"{args.cases} demo cases, {len(people.centers)} centers")
    # Settings no earlier run of this script used (a second run of the script on the same database).
    first = 1 + AnalysisRun.objects.count()
    # The demo logins have no second factor; signing in is not what is measured.
    try:
        with override_settings(TWO_FACTOR_ENFORCED=False):
            pooled = _time_posts(people.users["coordinator"], args.repeat, first, {})
            code, entry = next(iter(people.entry_users.items()))
            center = _time_posts(entry, args.repeat, first + args.repeat, {"centers": code})
    finally:
        app.control.purge()
    print(_line("POST pooled run", pooled))
    print(_line(f"POST {code} report", center))


if __name__ == "__main__":
    main()
