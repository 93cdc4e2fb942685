"""The Celery app of the workers tests/faults/test_worker_killed.py starts (`celery -A tests.faults.paused_worker
worker`): the registry's own app, whose tasks stop for good at one step named by FAULTS_PAUSE_AT, after writing
FAULTS_PAUSED_FILE (the id of the process that stopped: the worker with the solo pool, a pool process with
prefork), so that the test kills that process there. Only the first process to reach the step stops: the pool
process that replaces a killed one goes on. A worker started without FAULTS_PAUSE_AT is a plain worker (with
unacknowledged messages looked for every second, not every ~100 s)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import worker_init

from config.celery import app

__all__ = ["app"]

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def _stop_here() -> None:
    paused = Path(os.environ["FAULTS_PAUSED_FILE"])
    if paused.exists():  # stopped once already, in a pool process since killed
        return
    written = paused.with_name(f"{paused.name}.{os.getpid()}")
    written.write_text(str(os.getpid()))
    written.replace(paused)  # whole: the test reads the id as soon as the file is there
    while True:  # until SIGKILL
        time.sleep(1)


def _pause_after(module, name: str, calls: int = 1, *, before: bool = False) -> None:
    original = getattr(module, name)
    seen = []

    def paused(*args, **kwargs):
        if before:
            _stop_here()
        result = original(*args, **kwargs)
        seen.append(1)
        if len(seen) == calls:
            _stop_here()
        return result

    setattr(module, name, paused)


@worker_init.connect
def _install_pause(**kwargs) -> None:
    where = os.environ.get("FAULTS_PAUSE_AT")
    if not where:
        return
    import django

    django.setup()
    from analytics import tasks
    from analytics.runs import services
    from quality import tasks as quality_tasks
    from quality.services import findings

    points = {
        "start": lambda: _pause_after(tasks, "run_execute"),  # the run claimed, its parts not sent
        "part": lambda: _pause_after(tasks, "run_part_build"),  # a center's part saved, not acknowledged
        "join": lambda: _pause_after(services, "_save_artifact", calls=2),  # two files written, nothing committed
        "sweep": lambda: _pause_after(findings, "_sweep_batch"),  # a batch of the sweep checked and stored
        "check": lambda: _pause_after(quality_tasks, "cases_check", before=True),  # an import's check taken
    }
    points[where]()
