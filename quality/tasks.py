"""Celery tasks of the quality app. The nightly schedule is a PeriodicTask row (migration 0002)."""

from celery import shared_task
from django.db import OperationalError

from quality.services import registry_sweep
from quality.services.findings import cases_check

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


@shared_task(
    name="quality.check_cases",
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
    time_limit=SWEEP_TIME_LIMIT,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
)
def check_cases(case_ids: list[int]) -> int:
    """Run the data-quality rules on the cases an import wrote. Safe to run twice."""
    return cases_check(case_ids)
