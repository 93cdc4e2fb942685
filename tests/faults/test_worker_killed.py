"""A real Celery worker killed with SIGKILL in the middle of a task: the work is finished once.

Most tests start `celery -A tests.faults.paused_worker worker` (one process: the solo pool) against the test
database and REDIS_URL, let a task stop at a known step, kill the worker, start another and wait. The message
of the killed task was never acknowledged (acks late), so Redis hands it out again once the visibility timeout
has passed (3 s here, CELERY_VISIBILITY_TIMEOUT). With the solo pool even an early acknowledgement waits for the
task's end (the worker's event loop sends it), so those tests prove the redelivered work is done once, not that
acks_late is on.

The prefork tests run the worker as docker/worker.sh does (the prefork pool; one process here, so that the
killed one's replacement is the only taker) and kill only the pool process running the task. The worker itself
lives on and answers for the lost process: with acks_late and task_reject_on_worker_lost it puts the message back
in the queue at once, and the new pool process finishes the work. Without acks_late the message was
acknowledged when the pool process took it; without task_reject_on_worker_lost the worker acknowledges it when
the process is lost (recording a WorkerLostError): either way it is gone and the run stays running. Those
workers keep the visibility timeout long, so that only the worker's own requeue can bring the message back
within the test.

The test database is committed to (transaction=True), as the workers are other processes; serialized_rollback
puts back the vocabularies the migrations seeded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.files.storage import default_storage
from django.utils import timezone

from analytics.runs.models import AnalysisRun, RunPart, artifact_folder
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from quality.models import Finding, QualitySnapshot
from quality.services import registry_sweep
from quality.services.findings import cases_check
from quality.tasks import quality_sweep
from registry.models import Case
from registry.services import imports as import_services
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401
from tests.analytics.runs.test_worker import _test_database_url
from tests.registry.transfer.rows import full_case_rows, read_of

ROOT = Path(__file__).resolve().parents[2]
BOOT_SECONDS = 30
FINISH_SECONDS = 40
VISIBILITY_TIMEOUT = 3
LONG_VISIBILITY_TIMEOUT = 3600  # longer than any test waits
QUEUE_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis broker)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _wait(until, seconds: float, what: str, workers=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return
        for worker in workers:
            assert worker.poll() is None, "a worker exited"
        time.sleep(0.25)
    pytest.fail(f"{what}: not within {seconds} s")


@pytest.fixture
def broker():
    """The Redis database of REDIS_URL with no message left from an earlier test (nor after this one)."""
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(*QUEUE_KEYS)
    yield client
    client.delete(*QUEUE_KEYS)


@pytest.fixture
def workers(tmp_path, settings, broker):
    """start(pause_at=None, prefork=False) starts a worker (the solo pool, or the prefork pool with one
    process); every worker still running is stopped afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    started = []

    def start(pause_at: str | None = None, *, prefork: bool = False) -> subprocess.Popen:
        pool = ["--pool=prefork", "--concurrency=1"] if prefork else ["--pool=solo"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _test_database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_VISIBILITY_TIMEOUT": str(LONG_VISIBILITY_TIMEOUT if prefork else VISIBILITY_TIMEOUT),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "LOG_LEVEL": "WARNING",
            "FAULTS_PAUSE_AT": pause_at or "",
            "FAULTS_PAUSED_FILE": str(tmp_path / "paused"),
        }
        log = tmp_path / f"worker-{len(started)}.log"
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "tests.faults.paused_worker", "worker", *pool,
                "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"faults-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append((process, log))
        return process

    start.paused = tmp_path / "paused"
    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        print(log.name, log.read_text()[-3000:])  # shown by pytest when the test failed


def _kill_when_paused(worker, paused: Path) -> None:
    _wait(paused.exists, BOOT_SECONDS, "the worker did not reach the step", [worker])
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _files(run) -> list[str]:
    folder = artifact_folder(run.pk)
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


@pytest.mark.parametrize("step", ["start", "part", "join"])
def test_a_pooled_run_whose_worker_is_killed_is_finished_once_by_another(
    step,
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    workers,
    not_eager,
):
    first = workers(pause_at=step)
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    _kill_when_paused(first, workers.paused)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.RUNNING  # what the killed worker left

    second = workers()
    _wait(lambda: AnalysisRun.objects.get(pk=run.pk).is_finished, FINISH_SECONDS, "the run did not finish", [second])
    _finished_once(run, case_a, case_b)


def _finished_once(run, case_a, case_b) -> None:  # noqa: F811
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert AnalysisRun.objects.count() == 1 and run.n_cases == 2
    centers = list(RunPart.objects.filter(run=run).values_list("center_id", flat=True))
    assert sorted(centers) == sorted({case_a.center_id, case_b.center_id})
    assert _files(run) == sorted(a.file.name.rsplit("/", 1)[1] for a in run.artifacts.all())
    assert run.artifacts.get(kind="pdf").file.open("rb").read(5) == b"%PDF-"


@pytest.mark.parametrize("step", ["start", "part", "join"])
def test_a_pooled_run_whose_pool_process_is_killed_is_finished_once_by_the_same_worker(
    step,
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    workers,
    not_eager,
):
    worker = workers(pause_at=step, prefork=True)
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    _wait(workers.paused.exists, BOOT_SECONDS, "no pool process reached the step", [worker])
    pool_process = int(workers.paused.read_text())
    assert pool_process != worker.pid
    os.kill(pool_process, signal.SIGKILL)

    _wait(
        lambda: AnalysisRun.objects.get(pk=run.pk).is_finished,
        FINISH_SECONDS,
        "the run did not finish: the killed process's message was not put back in the queue",
        [worker],  # the worker itself lives on, with a new pool process
    )
    _finished_once(run, case_a, case_b)


def _open_findings():
    return sorted(Finding.objects.filter(resolved_at__isnull=True).values_list("case_id", "rule_id", "field"))


def test_a_quality_sweep_whose_worker_is_killed_is_finished_once_by_another(
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    workers,
    not_eager,
):
    first = workers(pause_at="sweep")
    quality_sweep.apply_async()
    _kill_when_paused(first, workers.paused)
    today = timezone.localdate()
    assert not QualitySnapshot.objects.filter(day=today).exists()

    second = workers()
    _wait(lambda: QualitySnapshot.objects.filter(day=today).exists(), FINISH_SECONDS, "no sweep finished", [second])
    found, total = _open_findings(), Finding.objects.count()
    assert found and len(set(found)) == len(found)
    assert QualitySnapshot.objects.filter(day=today).count() == QualitySnapshot.objects.count()
    registry_sweep()  # a sweep now, in the test, finds what the worker stored: it was complete
    assert _open_findings() == found and Finding.objects.count() == total


def test_an_imports_check_whose_worker_is_killed_is_done_once_by_another(
    people,  # noqa: F811
    center_a,  # noqa: F811
    workers,
    not_eager,
    monkeypatch,
):
    first = workers(pause_at="check")
    monkeypatch.setattr(import_services, "read_upload", lambda file_name, data: read_of(full_case_rows("2019-07")))
    job = import_services.import_check(user=people.entry_a, center=center_a, file_name="cases.xlsx", data=b"x")
    import_services.import_commit(user=people.entry_a, job=job)  # commits, then sends quality.check_cases
    _kill_when_paused(first, workers.paused)
    case = Case.objects.get(center_case_number="2019-07")
    assert not Finding.objects.filter(case=case).exists()

    second = workers()
    _wait(lambda: Finding.objects.filter(case=case).exists(), FINISH_SECONDS, "no check finished", [second])
    found, total = _open_findings(), Finding.objects.count()
    assert len(set(found)) == len(found)
    cases_check([case.pk])  # a check now, in the test, finds what the worker stored
    assert _open_findings() == found and Finding.objects.count() == total
