"""A run's progress on its page (reloading itself, no JavaScript) and in the list: every figure shown is checked
against a count made in the database (the RunPart rows, the centers and cases in the registry)."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.runs.models import AnalysisRun, RunPart
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.progress import STAGE_COMPUTING, STAGE_DONE, STAGE_FAILED, STAGE_READING, STAGE_WAITING
from analytics.runs.services import RUN_NO_OWN_CASES, run_execute, run_finish, run_part_build, run_request
from registry import models as m
from tests.canvas import run_canvas

pytestmark = pytest.mark.django_db

REFRESH = '<meta http-equiv="refresh" content="3">'


def _page(client, run) -> str:
    return html.unescape(client.get(reverse("analytics:run_detail", args=[run.pk])).content.decode())


def _list(client) -> str:
    return html.unescape(client.get(reverse("analytics:run_list")).content.decode())


def _row(body: str, run) -> str:
    """The run list's row of this run."""
    start = body.index(f'href="{reverse("analytics:run_detail", args=[run.pk])}"')
    return body[start : body.index("</tr>", start)]


def _new_run(user, **settings) -> AnalysisRun:
    # Other settings than the module's finished runs; in a test nothing commits, so it stays queued.
    settings.setdefault("induction_window_days", 7)
    return run_request(user=user, filters=RunFilters(), settings=RunSettings(**settings))


def test_a_queued_run_waits_for_a_worker_and_its_page_reloads_itself(client, web):
    run = _new_run(web.coordinator)
    client.force_login(web.coordinator)
    body = _page(client, run)
    assert REFRESH in body and STAGE_WAITING in body
    assert '<dt>Cases</dt><dd><span class="muted">not yet known</span>' in body
    assert "<script" not in body
    row = _row(_list(client), run)
    assert STAGE_WAITING in row and "not yet known" in row


def test_the_centers_read_are_the_parts_in_the_database_until_the_report_is_drawn(client, web):
    run = _new_run(web.coordinator)
    client.force_login(web.coordinator)
    centers = run_execute(run.pk)
    n_centers = m.Case.objects.filter(archived_at__isnull=True).values("center").distinct().count()
    assert len(centers) == n_centers == 2
    body = _page(client, run)
    assert REFRESH in body and f"{STAGE_READING}" in body and f"0 of {n_centers} centers" in body

    run_part_build(run_id=run.pk, center_id=centers[0])
    done = RunPart.objects.filter(run=run).count()
    assert done == 1
    body = _page(client, run)
    assert REFRESH in body and f"{done} of {n_centers} centers" in body
    assert f'<progress max="{n_centers}" value="{done}">' in body
    assert f"{STAGE_READING}: {done} of {n_centers} centers" in _row(_list(client), run)

    run_part_build(run_id=run.pk, center_id=centers[1])
    body = _page(client, run)
    assert REFRESH in body and STAGE_COMPUTING in body
    assert f"{RunPart.objects.filter(run=run).count()} of {n_centers} centers" in body

    run_finish(run_id=run.pk)
    body = _page(client, run)
    n_cases = m.Case.objects.filter(archived_at__isnull=True).count()
    assert REFRESH not in body and STAGE_DONE in body and f"<dt>Cases</dt><dd>{n_cases}</dd>" in body
    row = _row(_list(client), run)
    assert f"<td>{n_cases}</td>" in row and "not yet known" not in row


def test_a_center_user_reads_why_their_cal_only_report_failed(client, web):
    run = run_request(user=web.entry_a, filters=RunFilters(cal_only=True), settings=RunSettings())
    run_canvas(run.pk)  # case A was diagnosed at 40 days of life: no CAL case
    client.force_login(web.entry_a)
    body = _page(client, run)
    assert REFRESH not in body and STAGE_FAILED in body and RUN_NO_OWN_CASES in body
    assert "B-CTR" not in body


def test_a_center_user_follows_a_pending_report_from_my_centers_page(client, web):
    run = _new_run(web.lead_a)
    client.force_login(web.lead_a)
    body = html.unescape(client.get(reverse("analytics:my_center")).content.decode())
    assert f"{run.pk}</a> is queued: {STAGE_WAITING.lower()}." in body


def test_the_run_list_makes_as_many_queries_for_many_unfinished_runs_as_for_one(client, web):
    client.force_login(web.coordinator)
    first = _new_run(web.coordinator)
    run_execute(first.pk)
    with CaptureQueriesContext(connection) as one:
        _list(client)
    for window in (8, 9, 10):
        last = _new_run(web.coordinator, induction_window_days=window)
        run_execute(last.pk)
    with CaptureQueriesContext(connection) as four:
        body = _list(client)
    assert len(four) == len(one)
    assert body.index(f"Run {last.pk}<") < body.index(f"Run {first.pk}<")  # newest first
    assert body.count(f"{STAGE_READING}: 0 of 2 centers") == 4
