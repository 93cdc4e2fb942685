"""A task delivered again (tasks are acknowledged late: a worker that dies mid-task leaves its message to be
delivered again) finishes the work once: each step of a pooled run is cut short as a SIGKILL would cut it,
then delivered again. tests/faults/test_worker_killed.py does the same with real workers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from analytics.runs import services
from analytics.runs.models import AnalysisRun, RunPart, artifact_folder
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_execute, run_finish, run_part_build, run_request
from analytics.tasks import run_join_task, run_part_task
from quality.models import Finding
from quality.tasks import check_cases, quality_sweep
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401
from tests.canvas import run_canvas

pytestmark = pytest.mark.django_db


START = "start-message-1"  # the id of the run's one start message


class Killed(BaseException):
    """What the rest of a task sees of a SIGKILL: nothing after this point runs (not even except Exception)."""


@pytest.fixture
def run(people, case_a, case_b):  # noqa: F811
    return run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())


def _files(run):
    folder = artifact_folder(run.pk)
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def _done_once(run, case_a, case_b):  # noqa: F811
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error or run.status
    assert run.n_cases == 2
    assert sorted(run.parts.values_list("center_id", flat=True)) == sorted({case_a.center_id, case_b.center_id})
    assert _files(run) == sorted(a.file.name.rsplit("/", 1)[1] for a in run.artifacts.all())
    assert AnalysisRun.objects.count() == 1


def test_a_start_delivered_again_after_the_claim_resumes_the_run(run, case_a, case_b):  # noqa: F811
    assert run_execute(run.pk, message=START)  # claimed; the worker died before it fanned out
    run_canvas(run.pk, message=START)  # the broker delivers the same message again
    _done_once(run, case_a, case_b)


def test_a_start_delivered_again_after_one_part_builds_only_the_other(run, case_a, case_b):  # noqa: F811
    run_execute(run.pk, message=START)
    first = run_part_build(run_id=run.pk, center_id=case_a.center_id)
    run_canvas(run.pk, message=START)
    _done_once(run, case_a, case_b)
    assert run.parts.get(center_id=case_a.center_id).pk == first.pk


def test_a_part_delivered_again_keeps_one_part(run, case_a):  # noqa: F811
    run_execute(run.pk)
    first = run_part_task.apply(args=[run.pk, case_a.center_id]).get()
    again = run_part_task.apply(args=[run.pk, case_a.center_id]).get()
    assert first == again
    assert RunPart.objects.filter(run=run, center_id=case_a.center_id).count() == 1


def test_a_part_killed_before_it_saved_is_built_once_when_delivered_again(run, case_a, monkeypatch):  # noqa: F811
    run_execute(run.pk)
    rows = services._rows

    def killed(*args, **kwargs):
        rows(*args, **kwargs)
        raise Killed

    monkeypatch.setattr(services, "_rows", killed)
    with pytest.raises(Killed):
        run_part_task.apply(args=[run.pk, case_a.center_id])
    assert not RunPart.objects.filter(run=run).exists()
    monkeypatch.setattr(services, "_rows", rows)
    run_part_task.apply(args=[run.pk, case_a.center_id])
    assert RunPart.objects.filter(run=run, center_id=case_a.center_id).count() == 1


def test_a_join_that_fires_before_every_part_is_in_still_reads_every_center(run, case_a, case_b):  # noqa: F811
    # A part delivered twice is counted twice by the chord, which then calls the join one part early.
    run_execute(run.pk)
    run_part_build(run_id=run.pk, center_id=case_a.center_id)
    run_join_task.apply(args=[run.pk])
    _done_once(run, case_a, case_b)


def test_a_join_killed_while_saving_its_files_leaves_one_set_of_files_when_delivered_again(
    run,
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    monkeypatch,
):
    run_execute(run.pk)
    for center in (case_a.center_id, case_b.center_id):
        run_part_build(run_id=run.pk, center_id=center)
    save = services._save_artifact
    saved = []

    def killed_after_two(*args, **kwargs):
        if len(saved) == 2:
            raise Killed  # two files on disk; their rows go with the rollback
        saved.append(save(*args, **kwargs))
        return saved[-1]

    monkeypatch.setattr(services, "_save_artifact", killed_after_two)
    with pytest.raises(Killed):
        run_join_task.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.RUNNING and not run.artifacts.exists() and len(_files(run)) == 2
    monkeypatch.setattr(services, "_save_artifact", save)
    run_join_task.apply(args=[run.pk])
    _done_once(run, case_a, case_b)
    assert settings.MEDIA_ROOT  # the files above are under the test's own MEDIA_ROOT


def test_a_join_delivered_again_after_it_finished_changes_nothing(run, case_a, case_b):  # noqa: F811
    run_canvas(run.pk)
    run.refresh_from_db()
    files, finished = _files(run), run.finished_at
    assert run_join_task.apply(args=[run.pk]).get() is None and run_finish(run_id=run.pk) is None
    run.refresh_from_db()
    assert _files(run) == files and run.finished_at == finished
    _done_once(run, case_a, case_b)


def _open_findings():
    return sorted(Finding.objects.filter(resolved_at__isnull=True).values_list("case_id", "rule_id", "field"))


def test_the_quality_sweep_and_an_imports_check_delivered_again_keep_one_finding_each(case_a, case_b):  # noqa: F811
    quality_sweep.apply().get()
    once = _open_findings()
    assert once, "the fixture cases have findings"
    quality_sweep.apply().get()
    check_cases.apply(args=[[case_a.pk, case_b.pk]]).get()
    check_cases.apply(args=[[case_a.pk, case_b.pk]]).get()
    assert _open_findings() == once
