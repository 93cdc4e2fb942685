"""Run an analysis run's Celery canvas in the test, as the embedded (no broker) setup does on commit."""

from __future__ import annotations

from django.test import TestCase

from analytics.tasks import run_start_task


def run_canvas(run_id: int, *, message: str | None = None):
    """The start task, then the parts and the join it queues. The test's transaction never commits, so what the
    tasks queue on commit (config/dispatch.py) is run here, as it is queued. ``message``: the start message's
    id (a new one when omitted), as a broker delivering the same message again gives it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return run_start_task.apply(args=[run_id], task_id=message)
