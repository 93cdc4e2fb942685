"""Handing runs to the queue, and handing them again when the queue could not take them or lost them.

A run is sent once its request commits. When Redis (the broker) is unreachable the run stays queued with no
``sent_at``: the page and the API say it waits for the queue, and ``run_send_waiting`` sends it once Redis is
back (a beat task every minute, and every worker as it starts). A run sent long ago that no worker has taken lost
its message (Redis restarted without its data): it is sent again. Each send is claimed with a conditional update
of ``sent_at``, so two senders at once send a run once. A queue merely longer than RUN_RESEND_AFTER_MINUTES
still holds the first message when the second is sent: the first of the two a worker takes claims the run
(run_execute, which keeps that message's id), and the other finds it taken and does nothing (run_resume).

    run_send          claim one queued run's send and hand it to the queue on commit
    run_send_waiting  send every run the queue could not take, and every queued run whose message was lost
    run_queue_notice  what every route that starts a run tells its user when the queue could not take it
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from analytics.runs.models import AnalysisRun
from config.dispatch import queue_on_commit, queue_unavailable

__all__ = ["QUEUE_UNAVAILABLE_MESSAGE", "run_queue_notice", "run_send", "run_send_waiting"]

logger = logging.getLogger(__name__)

RUN_NOT_QUEUED = gettext_noop("The run could not be handed to the workers: {error}")
QUEUE_UNAVAILABLE_MESSAGE = gettext_noop(
    "The queue of analyses is unavailable just now. Run {pk} is saved, and it is sent to the workers by itself "
    "once the queue is back."
)


def _resend_after() -> timedelta:
    return timedelta(minutes=settings.RUN_RESEND_AFTER_MINUTES)


def run_send(*, run_id: int, last_sent: datetime | None = None) -> datetime | None:
    """Claim the send of a queued run last sent at ``last_sent`` (None: never) and send it once the transaction
    commits; returns the claim's time (the run's sent_at). None when the run is no longer queued or another
    sender claimed it first.

    If the queue is unreachable the claim is undone: the run waits for ``run_send_waiting``. Any other error
    (eager Celery: the run executed here and raised) fails the run with the reason.
    """
    from analytics.runs.services import run_fail
    from analytics.tasks import run_start_task  # tasks import the services, which import this module

    now = timezone.now()
    unsent = {"sent_at__isnull": True} if last_sent is None else {"sent_at": last_sent}
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED, **unsent).update(sent_at=now)
    if not claimed:
        return None

    def not_sent(exc: Exception) -> None:
        if queue_unavailable(exc):
            AnalysisRun.objects.filter(pk=run_id, sent_at=now).update(sent_at=None)
            logger.warning("analysis run %s: the queue is unavailable; it is sent once it is back (%s)", run_id, exc)
            return
        # Eager (no broker): the canvas ran here and raised; the task has recorded its own failure, except for a
        # transient error outlasting its retries.
        run_fail(run_id=run_id, error=RUN_NOT_QUEUED.format(error=f"{type(exc).__name__}: {exc}"))
        logger.error("analysis run %s: not completed", run_id, exc_info=exc)

    queue_on_commit(run_start_task, run_id, on_error=not_sent, robust=True)
    return now


def run_send_waiting(*, resend_after: timedelta | None = None) -> int:
    """Send the queued runs never sent, and those sent more than ``resend_after`` ago (RUN_RESEND_AFTER_MINUTES)
    that no worker has taken since; returns how many were handed to the queue. Stops at the first run the queue
    still cannot take."""
    cutoff = timezone.now() - (resend_after if resend_after is not None else _resend_after())
    waiting = (
        AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED)
        .filter(Q(sent_at__isnull=True) | Q(sent_at__lt=cutoff))
        .order_by("created_at", "pk")
        .values_list("pk", "sent_at")
    )
    sent = 0
    for run_id, last_sent in list(waiting):
        with transaction.atomic():  # the send goes when this block commits
            claimed = run_send(run_id=run_id, last_sent=last_sent)
        if not claimed:
            continue
        if AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED, sent_at__isnull=True).exists():
            break  # the queue is still unavailable: the next round tries again
        sent += 1
        if last_sent is not None:
            logger.warning("analysis run %s: sent again, no worker took it since %s", run_id, last_sent)
    return sent


def run_queue_notice(run: AnalysisRun) -> str | None:
    """What the user who just asked for ``run`` is told when the queue could not take it (None when it did): the
    same words from the run pages, a plan's page and the API. Read from the database, once the request's
    transaction has committed: the run is sent then, after run_request returned (``run`` is refreshed)."""
    run.refresh_from_db(fields=["status", "sent_at"])
    if not run.waiting_for_queue:
        return None
    return gettext(QUEUE_UNAVAILABLE_MESSAGE).format(pk=run.pk)
