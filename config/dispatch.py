"""The one way the registry hands work to Celery: after the current transaction commits.

A task sent inside a transaction can reach a worker before the rows it needs are committed (the worker does not
find the run, or reads the rows as they were), and is sent even when the transaction rolls back. Outside a
transaction (a task fanning out) ``on_commit`` sends at once. tests/faults/test_on_commit.py fails when a module
sends a task any other way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Task, current_app
from celery.canvas import Signature
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

__all__ = ["queue_on_commit", "queue_unavailable"]

# What a send raises when Redis (the broker, or the result backend it also is) cannot be reached.
_UNREACHABLE = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError)


def queue_unavailable(exc: Exception) -> bool:
    """True when a send failed because the queue could not be reached (the work can be sent again later), not
    because eager Celery ran the task right here and it raised. The result backend's retries wrap the connection
    error (a RuntimeError whose cause it is), so the whole chain is read."""
    if current_app.conf.task_always_eager:
        return False
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, _UNREACHABLE):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def queue_on_commit(
    work: Task | Signature,
    *args: Any,
    on_error: Callable[[Exception], None] | None = None,
    robust: bool = False,
    using: str | None = None,
) -> None:
    """Send ``work`` (a task called with ``args``, or a signature or canvas such as a chord) once the transaction
    commits; discarded if it rolls back.

    ``on_error`` receives what the send raised (the broker unreachable; with eager Celery, the task's own
    error); without it the error propagates to whoever committed. ``robust``: an error of ``on_error`` itself is
    logged, not raised, once the transaction has committed.
    """
    signature = work.si(*args) if isinstance(work, Task) else work
    if args and not isinstance(work, Task):
        raise TypeError("arguments go into the signature, not to queue_on_commit")

    def send() -> None:
        try:
            signature.apply_async()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)

    transaction.on_commit(send, using=using, robust=robust)
