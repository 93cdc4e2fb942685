"""Redis stopped when a run is asked for, and Redis restarted without its data: the run is kept in the database,
the user is told it waits for the queue (in the same words on every route that starts a run: the run pages, a
plan's page, the runs and plans APIs), and it is sent (and runs once) when the queue is back; the stale-runs
reaper leaves it alone meanwhile. The broker is pointed at a port where nothing listens; "back" is eager Celery
again (the run then executes in the test's process). Commits are real (transaction=True): a run is sent when its
request commits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.signals import worker_ready
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.progress import STAGE_NOT_SENT
from analytics.runs.sending import QUEUE_UNAVAILABLE_MESSAGE, run_send_waiting
from analytics.runs.services import run_fail, run_fail_stale, run_request
from analytics.studies import services as plan_services
from config.celery import app
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401
from tests.analytics.studies.conftest import make_spec

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Port 1 on the loopback: nothing listens there, so every connect is refused at once.
STOPPED = "redis://127.0.0.1:1/0"
FORM = {
    "apply_exclusions": "on",
    "induction_failure_dating": "day0",
    "induction_window_days": "14",
    "ci_transform": "log-log",
}


def _fresh_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis():
    """redis.stop() points the queue at nothing; redis.start() brings it back (eager, as the tests' settings)."""
    stopped = {"task_always_eager": False, "broker_url": STOPPED, "result_backend": STOPPED}
    before = {key: app.conf[key] for key in stopped}

    class Switch:
        def stop(self):
            app.conf.update(stopped)
            _fresh_connections()

        def start(self):
            app.conf.update(before)
            _fresh_connections()

    switch = Switch()
    yield switch
    switch.start()


def _done_once(run: AnalysisRun) -> None:
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.parts.count() == run.parts_expected == 2
    assert run_send_waiting() == 0  # nothing is sent twice


def test_a_run_asked_for_on_the_page_while_redis_is_stopped_waits_and_runs_once_redis_is_back(
    client,
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    media_root,  # noqa: F811
    redis,
):
    client.force_login(people.coordinator)
    redis.stop()
    response = client.post(reverse("analytics:run_new"), FORM, follow=True)
    assert response.status_code == 200
    run = AnalysisRun.objects.get()
    page = response.content.decode()
    assert QUEUE_UNAVAILABLE_MESSAGE.format(pk=run.pk) in page
    assert STAGE_NOT_SENT in page
    assert run.status == AnalysisRun.Status.QUEUED and run.sent_at is None

    assert run_send_waiting() == 0  # still stopped: kept for the next round
    redis.start()
    assert run_send_waiting() == 1
    _done_once(run)


def test_the_api_says_the_queue_is_unavailable_with_the_runs_status(
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    media_root,  # noqa: F811
    redis,
):
    api = APIClient()
    api.force_authenticate(people.coordinator)
    redis.stop()
    response = api.post("/api/v1/runs/", {}, format="json")
    assert response.status_code == 202, response.content
    run = AnalysisRun.objects.get()
    assert response.data["status"] == "queued" and response.data["waiting_for_queue"] is True
    assert response.data["detail"] == QUEUE_UNAVAILABLE_MESSAGE.format(pk=run.pk)
    assert response.data["progress"]["stage"] == STAGE_NOT_SENT
    assert api.get(f"/api/v1/runs/{run.pk}/").data["waiting_for_queue"] is True

    redis.start()
    worker_ready.send(sender=None)  # a worker starting sends it, beat or no beat
    _done_once(run)
    assert api.get(f"/api/v1/runs/{run.pk}/").data["waiting_for_queue"] is False


def _page(client, url: str, data: dict | None = None) -> str:
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _api(api, url: str) -> str:
    response = api.post(url, {}, format="json")
    assert response.status_code == 202, response.content
    assert response.data["waiting_for_queue"] is True and response.data["progress"]["stage"] == STAGE_NOT_SENT
    return response.data["detail"]


def _plan_id(who) -> int:
    return plan_services.plan_create(user=who.coordinator, spec=make_spec()).plan_id


def _failed_run(who) -> int:
    failed = run_request(user=who.coordinator, filters=RunFilters(), settings=RunSettings())
    run_fail(run_id=failed.pk, error="no worker came back")
    return failed.pk


# Every route that starts a run, asked for while Redis is stopped: what the user reads in answer.
STARTS = {
    "run page": lambda client, api, who: _page(client, reverse("analytics:run_new"), FORM),
    "run again": lambda client, api, who: _page(client, reverse("analytics:run_again", args=[_failed_run(who)])),
    "plan page": lambda client, api, who: _page(client, reverse("studies:plan_run", args=[_plan_id(who)])),
    "runs API": lambda client, api, who: _api(api, "/api/v1/runs/"),
    "plans API": lambda client, api, who: _api(api, f"/api/v1/plans/{_plan_id(who)}/run/"),
}


@pytest.mark.parametrize("route", list(STARTS))
def test_every_route_that_starts_a_run_says_the_queue_is_unavailable_in_the_same_words(
    route,
    client,
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    redis,
):
    client.force_login(people.coordinator)
    api = APIClient()
    api.force_authenticate(people.coordinator)
    redis.stop()
    answer = STARTS[route](client, api, people)
    run = AnalysisRun.objects.order_by("pk").last()
    assert run.waiting_for_queue
    assert QUEUE_UNAVAILABLE_MESSAGE.format(pk=run.pk) in answer


def test_the_stale_runs_reaper_leaves_a_run_the_queue_never_took(people, case_a, case_b, redis):  # noqa: F811
    redis.stop()
    waiting = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    sent = AnalysisRun.objects.create(trigger="user", requested_by=people.coordinator, sent_at=timezone.now())
    assert run_fail_stale(older_than=timedelta(0)) == 1
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.status == AnalysisRun.Status.QUEUED and sent.status == AnalysisRun.Status.FAILED


def test_a_queued_run_whose_message_redis_lost_is_sent_again_and_runs_once(
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    media_root,  # noqa: F811
    redis,
    settings,
):
    # Sent, then Redis restarted without its data: the run is queued, its message gone, no worker took it.
    redis.stop()
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    redis.start()
    settings.RUN_RESEND_AFTER_MINUTES = 30
    AnalysisRun.objects.filter(pk=run.pk).update(sent_at=timezone.now() - timedelta(minutes=5))
    assert run_send_waiting() == 0  # sent 5 minutes ago: its message may still wait for a worker
    AnalysisRun.objects.filter(pk=run.pk).update(sent_at=timezone.now() - timedelta(minutes=31))
    assert run_send_waiting() == 1
    _done_once(run)
