"""The database connection dropped in the middle of a task: the task retries on a fresh connection and the run
finishes once. The task's PostgreSQL backend is terminated from another connection while a center's part is
written (its row not yet committed); eager Celery runs the retry in the same process."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction

from analytics import tasks
from analytics.runs.models import AnalysisRun, RunPart
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _terminate_from_another_connection(pid: int) -> None:
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.parametrize("in_transaction", [True, False], ids=["while-writing", "between-queries"])
def test_a_run_whose_connection_drops_in_a_part_retries_and_finishes_once(
    in_transaction,
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    media_root,  # noqa: F811
    monkeypatch,
):
    if connection.vendor != "postgresql":
        pytest.skip("drops a PostgreSQL connection")
    real_build = tasks.run_part_build
    calls = []

    def build_then_drop(**kwargs):
        calls.append(kwargs)
        if len(calls) > 1:
            return real_build(**kwargs)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        if not in_transaction:  # the connection stays broken until closed
            _terminate_from_another_connection(pid)
            return real_build(**kwargs)
        with transaction.atomic():  # its rollback fails, and Django closes the connection
            real_build(**kwargs)  # the part written, not yet committed, when the connection goes
            _terminate_from_another_connection(pid)
            RunPart.objects.count()  # the task's next query finds its connection gone

    monkeypatch.setattr(tasks, "run_part_build", build_then_drop)
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert len(calls) == 3  # two centers, one of them twice
    assert run.parts.count() == run.parts_expected == 2
    assert run.artifacts.filter(kind="pdf").count() == 1
