"""Helpers for the case and record API tests (imported by test_cases_*.py and test_records_*.py)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

__all__ = ["case_url", "count_queries", "record_url"]


def case_url(case, suffix: str = "") -> str:
    return f"/api/v1/cases/{case.registry_id}/{suffix}"


def record_url(case, kind: str, record=None, suffix: str = "") -> str:
    url = case_url(case, f"records/{kind}/")
    return f"{url}{record.pk}/{suffix}" if record is not None else url


def count_queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return len(queries.captured_queries), response
