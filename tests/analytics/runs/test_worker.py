"""A pooled run on a real Celery worker process against Redis (CI sets REDIS_URL; skipped without it).

The test database is committed to (transaction=True) so that the worker, a separate process with its own
connection, sees the run; serialized_rollback puts the vocabularies the migrations seeded back afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request

ROOT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 180

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis broker)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _test_database_url() -> str:
    """The URL of the database this test runs on (the test database's NAME), for the worker process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if "memory" in name or not name:
            pytest.skip("the test database is in memory: a worker process cannot share it")
        return f"sqlite:///{name}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, settings):
    media = tmp_path / "worker-media"
    settings.MEDIA_ROOT = media
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=2",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        print((tmp_path / "worker.log").read_text()[-4000:])  # shown by pytest when the test failed


def test_a_real_worker_completes_a_pooled_run(people, case_a, case_b, worker, not_eager):
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    assert run.status == AnalysisRun.Status.QUEUED
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.5)
    assert run.status == AnalysisRun.Status.DONE, run.error or f"still {run.status} after {WAIT_SECONDS} s"
    assert run.parts.count() == 2 and run.n_cases == 2
    assert run.artifacts.filter(kind="pdf").exists()
    assert run.artifacts.get(kind="pdf").file.open("rb").read(5) == b"%PDF-"
