"""Two beat processes asking for the nightly run at the same moment get one run: the request takes a PostgreSQL
advisory lock (``run_request_scheduled``), so the second waits until the first has committed, then finds that
day's run. Without the lock the second does not see the first's uncommitted run and, once a worker has claimed
it (no longer queued, so the unique index of queued requests no longer stands in the way), queues a second."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from analytics.runs import services
from analytics.runs.models import AnalysisRun

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_beat_processes_asking_at_once_get_one_nightly_run(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the lock is PostgreSQL's; SQLite serializes writers itself")
    monkeypatch.setattr(services, "run_send", lambda run_id: None)  # no queue here: the claim is simulated
    first_holds_it, got, errors = threading.Event(), {}, []

    def first():
        try:
            with transaction.atomic():
                run = services.run_request_scheduled()
                # A worker claims it at once, before the request's transaction ends.
                AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
                first_holds_it.set()
                time.sleep(1.5)  # the second beat asks meanwhile
            got["first"] = run.pk
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            first_holds_it.set()
            connections.close_all()

    def second():
        try:
            first_holds_it.wait(30)
            got["second"] = services.run_request_scheduled().pk
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert got["second"] == got["first"]
    assert AnalysisRun.objects.filter(trigger=AnalysisRun.Trigger.SCHEDULE).count() == 1
