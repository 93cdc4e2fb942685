"""The run list (page and API) reads no run's results: a finished run's report as data is 0.2-0.6 MB of stored
JSON at 100 000 cases, and 25 of them (with the runs they reused) made the list the slowest page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from tests.canvas import run_canvas

pytestmark = pytest.mark.django_db

RESULTS_COLUMN = '"analytics_analysisrun"."results"'


def _reusing_run(web) -> AnalysisRun:
    """A second pooled run on the same rows and settings: it reuses the fixture's finished pooled run."""
    run = run_request(user=web.coordinator, filters=RunFilters(), settings=RunSettings())
    run_canvas(run.pk)
    run.refresh_from_db()
    assert run.reused_from_id == web.pooled.pk
    return run


def _run_reads(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "analytics_analysisrun"' in q["sql"]]
    assert reads, "the list read no run"
    return response.content.decode(), reads


def test_the_run_list_page_shows_every_run_without_reading_their_results(client, web):
    reusing = _reusing_run(web)
    client.force_login(web.coordinator)
    body, reads = _run_reads(client, reverse("analytics:run_list"))
    assert not [sql for sql in reads if RESULTS_COLUMN in sql]
    # What the rows show is still there: every run, the reused one named, the reports linked.
    for run in (web.pooled, web.run_a, web.run_b, reusing):
        assert reverse("analytics:run_detail", args=[run.pk]) in body
        assert reverse("analytics:run_report", args=[run.pk]) in body
    assert f"same results as run {web.pooled.pk}" in body


def test_the_run_list_api_reads_no_results(client, web):
    reusing = _reusing_run(web)
    client.force_login(web.coordinator)
    body, reads = _run_reads(client, "/api/v1/runs/")
    assert not [sql for sql in reads if RESULTS_COLUMN in sql]
    assert f'"reused_from":{web.pooled.pk}' in body.replace(" ", "") and f'"id":{reusing.pk}' in body.replace(" ", "")
