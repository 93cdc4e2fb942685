"""Celery tasks of the pooled analyses. Each takes ids and calls one service; the services make a second
delivery harmless (a run is claimed with a conditional update, a part exists once, the join runs once), and
a task delivered again because its worker died (acks late) picks up where it stopped: a start resumes the run
its own message claimed (a second message of the same run, sent again by the outbox, does nothing), the join
builds any part still missing and replaces the files a killed join left.

    run_start_task(run_id)            claim the run, then fan out: a chord of one part per center ...
      run_part_task(run_id, center)   ... each building that center's rows,
      run_join_task(run_id)           ... joined by the pooled step (report, files, results).
    nightly_pooled_run_task()         the pooled run django-celery-beat starts every night (see the admin).
    send_waiting_runs_task()          every minute: the runs Redis could not take, or lost (runs/sending.py).

Without REDIS_URL (CELERY_TASK_ALWAYS_EAGER) the same canvas runs in-process. Tasks are acknowledged late and
retried with backoff on transient errors (database or broker connections); any other failure, or one that
outlasts its retries or its soft time limit, is recorded on the run with its reason.
"""

from __future__ import annotations

from contextlib import contextmanager

from celery import Task, chord, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from analytics.runs.sending import run_send_waiting
from analytics.runs.services import (
    run_execute,
    run_fail,
    run_fail_stale,
    run_finish,
    run_part_build,
    run_request_scheduled,
    run_resume,
)
from config.dispatch import queue_on_commit

__all__ = ["nightly_pooled_run_task", "run_join_task", "run_part_task", "run_start_task", "send_waiting_runs_task"]

TRANSIENT_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError, BrokerOperationalError)
TIME_LIMIT_REASON = "The task ran out of time (soft limit {seconds} s)."


class _RegistryTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT_ERRORS
    max_retries = 5
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    time_limit = settings.CELERY_TASK_TIME_LIMIT


def _close_broken_connections() -> None:
    """A dropped database connection stays broken until closed; the next query then opens a fresh one. (A worker
    closes it before each task; eager Celery runs the retry in the same task.)"""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            conn.close()


class _RunTask(_RegistryTask):
    """A task of one run: when it fails for good, the run is marked failed with the reason."""

    def call(self, service, **kwargs):
        """The task's one service call. A worker retries a transient error by sending the task again; eager
        Celery (no broker: the embedded setup) cannot, so it retries here, as many times, on a fresh connection."""
        if not self.request.is_eager:
            return service(**kwargs)
        for attempt in range(self.max_retries + 1):
            try:
                return service(**kwargs)
            except TRANSIENT_ERRORS:
                if attempt == self.max_retries:
                    raise
                _close_broken_connections()

    @contextmanager
    def failures_recorded(self, run_id: int):
        # In the body, not only in on_failure: eager execution with propagation (the embedded setup) never
        # calls on_failure. A transient error is recorded only once the retries are spent.
        try:
            yield
        except TRANSIENT_ERRORS as exc:
            if self.request.retries >= self.max_retries:
                run_fail(run_id=run_id, error=_reason(exc, self))
            raise
        except Exception as exc:
            run_fail(run_id=run_id, error=_reason(exc, self))
            raise

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            run_fail(run_id=run_id, error=_reason(exc, self))  # a no-op if the body recorded it already
        super().on_failure(exc, task_id, args, kwargs, einfo)


def _reason(exc: BaseException, task: Task) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return TIME_LIMIT_REASON.format(seconds=task.soft_time_limit)
    return f"{task.name}: {type(exc).__name__}: {exc}"


@shared_task(base=_RunTask, bind=True, name="analytics.run_start")
def run_start_task(self, run_id: int) -> list[int] | None:
    with self.failures_recorded(run_id):
        # The message's id, kept on the run by the claim, tells this message delivered again (its worker died
        # after the claim: resume) from a copy the outbox sent again while this one waited in a long queue.
        message = self.request.id
        centers = self.call(run_execute, run_id=run_id, message=message)
        if centers is None:
            centers = self.call(run_resume, run_id=run_id, message=message)
    if centers is None:  # taken by another message of the same run, finished or failed
        return None
    join = run_join_task.si(run_id)
    eager = self.request.is_eager

    def not_sent(exc: Exception) -> None:
        if not eager:
            raise exc  # the broker refused: retried, this run resumed
        # Eager (no broker): the parts and the join ran right here and recorded their own failure.
        run_fail(run_id=run_id, error=_reason(exc, self))

    # No transaction is open in a task, so this sends at once.
    canvas = chord([run_part_task.si(run_id, center_id) for center_id in centers], join) if centers else join
    queue_on_commit(canvas, on_error=not_sent)
    return centers


@shared_task(base=_RunTask, bind=True, name="analytics.run_part")
def run_part_task(self, run_id: int, center_id: int) -> int | None:
    with self.failures_recorded(run_id):
        part = self.call(run_part_build, run_id=run_id, center_id=center_id)
    return part.pk if part else None


@shared_task(base=_RunTask, bind=True, name="analytics.run_join")
def run_join_task(self, run_id: int) -> str | None:
    with self.failures_recorded(run_id):
        run = self.call(run_finish, run_id=run_id)
    return run.status if run else None


@shared_task(base=_RegistryTask, name="analytics.nightly_pooled_run")
def nightly_pooled_run_task() -> int:
    """Fail runs no worker finished (a worker killed at its hard limit leaves no reason), then request the
    nightly pooled run; on unchanged rows it points to last night's run (reused_from) and draws nothing."""
    run_fail_stale()
    return run_request_scheduled().pk


@shared_task(base=_RegistryTask, name="analytics.send_waiting_runs", soft_time_limit=50, time_limit=55)
def send_waiting_runs_task() -> int:
    """Hand to the queue the runs it could not take when they were asked for, and those whose message it lost."""
    return run_send_waiting()
