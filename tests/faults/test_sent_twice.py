"""A run sent twice starts once. The outbox (analytics/runs/sending.py) sends again a run still queued
RUN_RESEND_AFTER_MINUTES after it was sent, in case Redis lost its message; when the queue was only long (every
worker busy), both messages reach workers. The first to arrive starts the run and the other, another message
(another task id) for the same run, finds it taken and does nothing, also while the first worker is still on the
run (its parts waiting in the queue). The same message delivered again because its worker died resumes the run:
tests/faults/test_redelivery.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.utils import uuid
from django.utils import timezone

from analytics.runs.models import AnalysisRun, RunPart
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.sending import run_send_waiting
from analytics.runs.services import run_request
from analytics.tasks import run_start_task
from config.celery import app
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(monkeypatch):
    """The ids of the start messages sent, held as a long queue holds them (none is delivered)."""
    held: list[str] = []

    def hold(args=None, kwargs=None, task_id=None, **options):
        held.append(task_id or uuid())

    monkeypatch.setattr(app.tasks[run_start_task.name], "apply_async", hold)
    return held


def _deliver(run: AnalysisRun, message: str):
    return run_start_task.apply(args=[run.pk], task_id=message).get()


def test_a_run_the_outbox_sent_again_while_the_queue_was_long_is_started_once(
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    media_root,  # noqa: F811
    queue,
    settings,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    settings.RUN_RESEND_AFTER_MINUTES = 30
    AnalysisRun.objects.filter(pk=run.pk).update(sent_at=timezone.now() - timedelta(minutes=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_send_waiting() == 1  # no worker took it in 30 minutes: sent again
    first, second = queue
    assert first != second

    centers = sorted({case_a.center_id, case_b.center_id})
    with django_capture_on_commit_callbacks() as fan_outs:  # the parts wait in the queue
        assert _deliver(run, first) == centers
        assert _deliver(run, second) is None  # the run is taken: nothing is fanned out again
    assert len(fan_outs) == 1
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.RUNNING and run.start_message == first

    with django_capture_on_commit_callbacks(execute=True):
        fan_outs[0]()  # the parts and the join reach workers
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert sorted(RunPart.objects.filter(run=run).values_list("center_id", flat=True)) == centers
    assert run.artifacts.filter(kind="pdf").count() == 1
    finished = run.finished_at
    assert _deliver(run, second) is None and _deliver(run, first) is None  # late copies change nothing
    run.refresh_from_db()
    assert run.finished_at == finished and AnalysisRun.objects.count() == 1
