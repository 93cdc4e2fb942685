"""Celery tasks of the quality app. The nightly schedule is a PeriodicTask row (migration 0002)."""

from celery import shared_task
from django.db import OperationalError

from quality.services import registry_sweep

SWEEP_SOFT_TIME_LIMIT = 3000
SWEEP_TIME_LIMIT = 3300


@shared_task(
    name="quality.sweep",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
    time_limit=SWEEP_TIME_LIMIT,
    autoretry_for=(OperationalError,),  # the database restarting or a lock timeout: try again later
    retry_backoff=60,
    max_retries=3,
)
def quality_sweep() -> dict:
    """Check the whole registry and write today's snapshot. Safe to run twice (the sweep is idempotent)."""
    result = registry_sweep()
    return {"cases": result.cases, "open_findings": result.open_findings, "resolved": result.resolved}
