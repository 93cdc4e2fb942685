"""Every task is acknowledged late and outlasted by the broker's visibility timeout: a worker killed mid-task
leaves its message to another worker, and a task still running (or waiting to retry) is never handed out twice."""

from __future__ import annotations

import pytest

from config.celery import app

OURS = ("analytics.", "quality.", "registry.", "audit.")


def _tasks():
    app.loader.import_default_modules()
    return sorted((name, task) for name, task in app.tasks.items() if name.startswith(OURS))


def _longest_retry_wait(task) -> int:
    if not getattr(task, "autoretry_for", ()):
        return 0
    if getattr(task, "retry_backoff", False):
        return getattr(task, "retry_backoff_max", 600)  # Celery's default cap
    return task.default_retry_delay


def test_the_registry_has_tasks_to_check():
    assert {"analytics.run_start", "analytics.run_part", "analytics.run_join", "quality.sweep"} <= dict(_tasks()).keys()


@pytest.mark.parametrize("name", [name for name, _task in _tasks()])
def test_a_task_is_acknowledged_late_and_outlasted_by_the_visibility_timeout(name):
    task = app.tasks[name]
    assert task.acks_late and task.reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    hard_limit = task.time_limit or app.conf.task_time_limit
    assert hard_limit, f"{name} has no hard time limit"
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert hard_limit + _longest_retry_wait(task) < visibility, (
        f"{name}: {hard_limit} s + {_longest_retry_wait(task)} s of retry wait >= the visibility timeout {visibility} s"
    )
