"""Analysis runs through their services (and, eagerly, through the Celery canvas the services queue)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from analytics.runs import services
from analytics.runs.models import RUN_FINISHED, AnalysisRun, RunArtifact, RunPart
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.progress import STAGE_COMPUTING, STAGE_DONE, STAGE_READING, STAGE_WAITING
from analytics.runs.selectors import runs_with_progress
from analytics.runs.services import (
    RUN_FORBIDDEN,
    RUN_NO_OWN_CASES,
    RUN_OTHER_CENTER,
    run_execute,
    run_fail,
    run_fail_stale,
    run_finish,
    run_part_build,
    run_request,
)
from analytics.tasks import nightly_pooled_run_task, run_part_task, run_start_task
from registry import models as m
from registry.choices import Role
from tests.canvas import run_canvas
from tests.factories import UserFactory, member, save

pytestmark = pytest.mark.django_db

DEMO_CASES = 60


@pytest.fixture
def demo(db):
    call_command("seed_demo", cases=DEMO_CASES, quiet=True, stdout=io.StringIO())


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Run what the services queue on commit, as the embedded (no broker) setup does."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            run = run_request(**kwargs)
        run.refresh_from_db()
        return run

    return request


def _pooled(user, eager, **settings):
    return eager(user=user, filters=RunFilters(), settings=RunSettings(**settings))


def _kinds(run):
    return sorted(run.artifacts.values_list("kind", flat=True))


def test_a_pooled_run_completes_eagerly_on_the_demo_data(demo, people, eager):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    run = _pooled(people.coordinator, eager)
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.n_cases == DEMO_CASES and run.trigger == "user" and run.requested_by == people.coordinator
    assert run.started_at and run.finished_at and run.started_at <= run.finished_at
    assert len(run.fingerprint) == 64 and run.code_version
    assert run.settings["rule_version"] == m.RiskRuleSet.objects.get(is_default=True).version

    # One part per demo center (fan-out), their rows released after the join, their summaries kept.
    parts = list(run.parts.all())
    assert len(parts) == m.Center.objects.filter(cases__isnull=False).distinct().count() > 1
    assert sum(p.summary["cases"] for p in parts) == DEMO_CASES
    assert all(p.rows == {} and p.tables is None for p in parts)

    # Every section, and every file: PDF, XLSX, the dataset CSVs and each figure as PNG and SVG.
    assert [s["number"] for s in run.results["sections"]] == list(range(1, 9))
    figures = [f["name"] for s in run.results["sections"] for f in s["figures"]]
    assert figures
    kinds = _kinds(run)
    assert kinds.count("pdf") == 1 and kinds.count("xlsx") == 1 and kinds.count("csv") == 4
    assert kinds.count("png") == kinds.count("svg") == len(figures)
    pdf = run.artifacts.get(kind="pdf")
    assert len(PdfReader(pdf.file.open("rb")).pages) > 1
    workbook = load_workbook(run.artifacts.get(kind="xlsx").file.open("rb"), read_only=True)
    assert len(workbook.sheetnames) >= 8
    csv = run.artifacts.get(kind="csv", name="dataset").file.open("rb").read().decode()
    assert len(csv.strip().splitlines()) == DEMO_CASES + 1
    # The assessments of every center's part, joined: one row per live assessment.
    assessments = run.artifacts.get(kind="csv", name="assessments").file.open("rb").read().decode()
    live = m.ResponseAssessment.objects.filter(archived_at__isnull=True).count()
    assert len(assessments.strip().splitlines()) == live + 1 > 1
    for artifact in run.artifacts.all():
        assert artifact.file.name.startswith(f"analysis_runs/{run.pk}/")
        assert artifact.size == artifact.file.size


def _table(run, key):
    for section in run.results["sections"]:
        for table in section["tables"]:
            if table["key"] == key:
                return table
    raise KeyError(key)


def test_the_report_figures_match_a_recount_from_the_records(demo, people, eager):
    """A sample of the report's numbers, recounted case by case from the registry (each case's records loaded on
    their own and derived), not from the dataset the run built."""
    from collections import Counter

    from registry.derivation import derive_for_case

    run = _pooled(people.coordinator, eager)
    analysed = [c for c in m.Case.objects.filter(archived_at__isnull=True) if not c.excluded]
    responses = [derive_for_case(c).response.is_cr for c in analysed]
    n_cr, evaluable = sum(r is True for r in responses), sum(r is not None for r in responses)
    rates = {row[0]: row[1] for row in _table(run, "response_rates")["rows"]}
    cr_row = next(v for k, v in rates.items() if k.startswith("Complete remission"))
    assert cr_row.startswith(f"{n_cr}/{evaluable} ("), cr_row
    n_hsct = sum(m.Transplant.objects.filter(case=c, archived_at__isnull=True).exists() for c in analysed)
    assert rates["HSCT"].startswith(f"{n_hsct}/{len(analysed)} ("), rates["HSCT"]

    # Cases by center and lineage: every shown count (counts under 5 are masked) is the recount.
    table = _table(run, "cohort_center_lineage")
    counts = Counter(
        (code, lineage or "unknown")
        for code, lineage in m.Case.objects.filter(archived_at__isnull=True).values_list(
            "center__code", "diagnosis__lineage"
        )
    )
    centers, lineages = {code for code, _ in counts}, {"ALL", "AML", "MPAL", "unspecified"}
    checked = 0
    for row in table["rows"]:
        for column, cell in zip(table["columns"][1:], row[1:], strict=False):
            shown = isinstance(cell, int) or (isinstance(cell, str) and cell.isdigit())
            if shown and row[0] in centers and column in lineages:
                assert int(cell) == counts[(row[0], column)], (row[0], column)
                checked += 1
    assert checked > 0


def test_the_same_rows_and_settings_make_a_run_that_points_to_the_finished_one(people, case_a, case_b, eager):
    first = _pooled(people.coordinator, eager)
    assert first.status == AnalysisRun.Status.DONE, first.error
    again = _pooled(people.manager, eager)
    # The request reads no rows, so it cannot know: the join finds the twin and draws nothing.
    assert again.pk != first.pk and again.status == AnalysisRun.Status.DONE, again.error
    assert again.reused_from == first and again.source == first and again.fingerprint == first.fingerprint
    assert again.n_cases == first.n_cases == m.Case.objects.filter(archived_at__isnull=True).count()
    assert not again.artifacts.exists() and again.results is None


def test_asking_again_while_the_first_is_still_queued_queues_nothing_new(people, case_a, case_b):
    first = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())  # not committed
    assert run_request(user=people.manager, filters=RunFilters(), settings=RunSettings()) == first
    assert AnalysisRun.objects.count() == 1
    # Anything else asked is another run: other settings, the schedule, a center's report.
    other = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings(ci_transform="plain"))
    nightly = services.run_request_scheduled()
    own = run_request(user=people.entry_a, filters=RunFilters(), settings=RunSettings())
    assert len({first.pk, other.pk, nightly.pk, own.pk}) == 4
    # Once a worker has taken the first, asking again queues a new run.
    run_execute(first.pk)
    fresh = run_request(user=people.manager, filters=RunFilters(), settings=RunSettings())
    assert fresh.pk != first.pk and fresh.status == AnalysisRun.Status.QUEUED
    assert AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED, request_key=first.request_key).count() == 1


def test_two_identical_requests_that_race_leave_one_queued_run(people, case_a, case_b, monkeypatch):
    first = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    lookups = []
    real = services._queued_twin

    def late(run):  # the first lookup misses the queued run, as a request running alongside this one would
        lookups.append(run)
        return None if len(lookups) == 1 else real(run)

    monkeypatch.setattr(services, "_queued_twin", late)
    again = run_request(user=people.manager, filters=RunFilters(), settings=RunSettings())
    assert again == first and len(lookups) == 2  # the database refused the second queued run
    assert AnalysisRun.objects.count() == 1


def test_the_request_reads_no_rows(people, case_a, case_b, monkeypatch, django_assert_max_num_queries):
    def no_rows(*args, **kwargs):
        raise AssertionError("the request built the dataset")

    monkeypatch.setattr(services, "dataset_rows", no_rows)
    monkeypatch.setattr(services, "dataset_from_columns", no_rows)
    with django_assert_max_num_queries(15):  # savepoints and lookups, none per case
        pooled = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    with django_assert_max_num_queries(15):  # savepoints and lookups, none per case
        own = run_request(user=people.entry_a, filters=RunFilters(), settings=RunSettings())
    for run in (pooled, own):
        assert run.status == AnalysisRun.Status.QUEUED and run.n_cases is None and run.fingerprint == ""
        assert run.parts_expected is None


def test_other_settings_make_a_new_run(people, case_a, case_b, eager):
    first = _pooled(people.coordinator, eager)
    other = _pooled(people.coordinator, eager, ci_transform="plain")
    assert other.pk != first.pk and other.fingerprint != first.fingerprint
    assert other.status == AnalysisRun.Status.DONE, other.error


def test_a_changed_record_changes_the_fingerprint(people, case_a, case_b, eager):
    first = _pooled(people.coordinator, eager)
    save(people.entry_a, case_a, m.FollowUp(case=case_a, contact_date=date(2021, 9, 1), vital_status="alive"))
    second = _pooled(people.coordinator, eager)
    assert second.pk != first.pk and second.fingerprint != first.fingerprint


def test_a_run_that_finds_an_identical_finished_run_on_join_points_to_it(people, case_a, case_b, eager):
    first = _pooled(people.coordinator, eager)
    # Stored by another path than run_request (no request key), then executed.
    twin = AnalysisRun.objects.create(
        trigger="user",
        requested_by=people.coordinator,
        filters=first.filters,
        settings=first.settings,
        code_version=first.code_version,
        data_cut=first.data_cut,
    )
    run_canvas(twin.pk)
    twin.refresh_from_db()
    assert twin.status == AnalysisRun.Status.DONE and twin.reused_from == first and twin.source == first
    assert twin.fingerprint == first.fingerprint and not twin.artifacts.exists()


def test_a_failure_is_recorded_on_the_run_with_its_reason(people, case_a, case_b, eager, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the report could not be drawn")

    monkeypatch.setattr(services, "make_report", broken)
    run = _pooled(people.coordinator, eager)  # the failure is recorded, not raised into the request
    assert run.status == AnalysisRun.Status.FAILED
    assert "ValueError: the report could not be drawn" in run.error and "analytics.run_join" in run.error
    assert run.finished_at is not None and not run.artifacts.exists()


def test_a_transient_error_is_retried(people, case_a, case_b, monkeypatch):
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    run_execute(run.pk)
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return run_part_build(**kwargs)

    monkeypatch.setattr("analytics.tasks.run_part_build", flaky)
    # throw=False: how a worker runs it (eager propagation would raise the Retry instead of retrying).
    result = run_part_task.apply(args=[run.pk, case_a.center_id], throw=False)
    assert result.successful() and len(calls) == 2
    assert RunPart.objects.filter(run=run, center_id=case_a.center_id).exists()
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.RUNNING


def test_a_transient_error_that_outlasts_its_retries_fails_the_run(people, case_a, case_b, eager, monkeypatch):
    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("analytics.tasks.run_part_build", down)
    run = _pooled(people.coordinator, eager)
    assert run.status == AnalysisRun.Status.FAILED and "could not connect to server" in run.error


def test_a_finished_run_never_changes(people, case_a, case_b, eager):
    run = _pooled(people.coordinator, eager)
    run.error = "rewritten"
    with pytest.raises(ValidationError, match=RUN_FINISHED[:30]):
        run.save()
    with pytest.raises(ValidationError):
        run.delete()
    assert run_fail(run_id=run.pk, error="late failure") is False
    artifact = run.artifacts.first()
    with pytest.raises(ValidationError):
        artifact.delete()
    with pytest.raises(ValidationError):
        RunArtifact.objects.create(run=run, kind="csv", name="extra", file="x.csv", sha256="0")
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.error == ""


def test_a_second_delivery_of_any_task_does_nothing(people, case_a, case_b, eager):
    run = _pooled(people.coordinator, eager)
    assert run_execute(run.pk) is None
    assert run_start_task.apply(args=[run.pk]).get() is None
    assert run_part_build(run_id=run.pk, center_id=case_a.center_id) is None
    assert run_finish(run_id=run.pk) is None
    assert RunPart.objects.filter(run=run).count() == 2


def test_the_progress_of_a_run_follows_its_parts_in_the_database(people, case_a, case_b, django_assert_num_queries):
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    assert run.progress.stage == STAGE_WAITING and run.progress.centers == ""
    centers = run_execute(run.pk)
    n_centers = m.Case.objects.filter(archived_at__isnull=True).values("center").distinct().count()
    run.refresh_from_db()
    assert run.parts_expected == len(centers) == n_centers == 2
    assert run.progress.stage == STAGE_READING and run.progress.centers == "0 of 2 centers"
    for built, center_id in enumerate(centers, start=1):
        run_part_build(run_id=run.pk, center_id=center_id)
        run.refresh_from_db()
        assert RunPart.objects.filter(run=run).count() == built
        assert run.progress.parts_done == built and run.progress.centers == f"{built} of 2 centers"
    assert run.progress.stage == STAGE_COMPUTING
    run_finish(run_id=run.pk)
    run.refresh_from_db()
    assert run.progress.stage == STAGE_DONE and run.progress.parts_done == RunPart.objects.filter(run=run).count()
    assert run.n_cases == m.Case.objects.filter(archived_at__isnull=True).count()
    listed = runs_with_progress(people.coordinator).get(pk=run.pk)
    with django_assert_num_queries(0):  # the list's selector counted the parts: no query per run
        assert listed.progress.parts_done == 2


def test_a_queued_run_is_claimed_once(people, case_a, case_b):
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())  # not committed
    assert run.status == AnalysisRun.Status.QUEUED
    assert run_execute(run.pk) == sorted([case_a.center_id, case_b.center_id])
    assert run_execute(run.pk) is None
    part = run_part_build(run_id=run.pk, center_id=case_a.center_id)
    assert run_part_build(run_id=run.pk, center_id=case_a.center_id) == part


def test_who_may_request_what(people, center_a, center_b, case_a, case_b):
    with pytest.raises(PermissionDenied, match=RUN_FORBIDDEN):
        run_request(user=UserFactory(username="nobody"), filters=RunFilters(), settings=RunSettings())
    with pytest.raises(PermissionDenied, match=RUN_OTHER_CENTER):
        run_request(user=people.entry_a, filters=RunFilters(centers=("B-CTR",)), settings=RunSettings())
    with pytest.raises(ValidationError):
        run_request(user=people.entry_a, filters=RunFilters(centers=("AAA", "B-CTR")), settings=RunSettings())
    with pytest.raises(ValidationError, match="no risk rule set"):
        run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings(rule_version="nope"))
    own = run_request(user=people.entry_a, filters=RunFilters(), settings=RunSettings())
    assert own.scope_center == center_a and own.filters["centers"] == ["AAA"]
    pooled = run_request(user=people.manager, filters=RunFilters(), settings=RunSettings())
    assert pooled.scope_center is None and pooled.n_cases is None  # the worker counts the cases


def test_a_center_without_cases_in_the_selection_gets_a_message_not_a_failed_run(people, case_a, case_b):
    with pytest.raises(ValidationError, match=RUN_NO_OWN_CASES):
        run_request(user=people.entry_a, filters=RunFilters(lineages=("AML",)), settings=RunSettings())
    assert not AnalysisRun.objects.exists()


def test_with_cal_only_the_worker_decides_that_the_center_has_no_cases_and_says_so(
    people, case_a, case_b, django_capture_on_commit_callbacks
):
    # case_a was diagnosed at 40 days of life: not CAL, which only the derived rows tell.
    with django_capture_on_commit_callbacks(execute=True):
        run = run_request(user=people.entry_a, filters=RunFilters(cal_only=True), settings=RunSettings())
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED and run.error == RUN_NO_OWN_CASES
    assert run.finished_at is not None and run.results is None and not run.artifacts.exists()
    parts = list(run.parts.all())
    assert parts and all(p.rows == {} and p.tables is None for p in parts)  # the pool's rows are not kept


def test_a_center_with_two_sites_must_choose_one(people, center_a, center_b, case_a):
    both = member("both", Role.DATA_ENTRY, center_a)
    m.Membership.objects.create(user=both, center=center_b, role=Role.DATA_ENTRY)
    with pytest.raises(ValidationError):
        run_request(user=both, filters=RunFilters(), settings=RunSettings())


def test_a_centers_report_names_no_other_center_and_hands_out_only_its_rows(people, case_a, case_b, eager):
    run = eager(user=people.lead_a, filters=RunFilters(), settings=RunSettings())
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.scope_center.code == "AAA"
    text = json.dumps(run.results)
    assert "B-CTR" not in text and case_b.registry_id not in text and "Center B" not in text
    for artifact in run.artifacts.filter(kind__in=["csv", "svg"]):
        content = artifact.file.open("rb").read().decode()
        assert "B-CTR" not in content and case_b.registry_id not in content, artifact.filename
    cases_csv = run.artifacts.get(kind="csv", name="dataset").file.open("rb").read().decode()
    assert case_a.registry_id in cases_csv
    assessments_csv = run.artifacts.get(kind="csv", name="assessments").file.open("rb").read().decode()
    assert case_a.registry_id in assessments_csv


def test_the_nightly_task_runs_the_pooled_analysis_and_reuses_it_while_nothing_changes(
    people, case_a, case_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = nightly_pooled_run_task.apply().get()
    run = AnalysisRun.objects.get(pk=first)
    assert run.trigger == "schedule" and run.requested_by is None and run.status == "done", run.error
    # The next night (last night's run is dated yesterday), with nothing changed: a run that draws nothing.
    AnalysisRun.objects.filter(pk=first).update(data_cut=run.data_cut - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        second_pk = nightly_pooled_run_task.apply().get()
    second = AnalysisRun.objects.get(pk=second_pk)
    assert second.pk != first and second.status == "done" and second.reused_from == run
    assert not second.artifacts.exists()


def test_the_nightly_run_happens_once_a_day_whoever_asks_twice(
    people, case_a, case_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = nightly_pooled_run_task.apply().get()
    with django_capture_on_commit_callbacks(execute=True):
        again = nightly_pooled_run_task.apply().get()  # a second beat process, the same night
    assert again == first
    assert AnalysisRun.objects.filter(trigger="schedule").count() == 1
    # A failed nightly run does not stand in the way of the next request.
    AnalysisRun.objects.filter(pk=first).update(status="failed", error="simulated")
    with django_capture_on_commit_callbacks(execute=True):
        retried = nightly_pooled_run_task.apply().get()
    assert retried != first and AnalysisRun.objects.get(pk=retried).status == "done"


def test_the_nightly_schedule_is_in_the_database_and_editable():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="analytics.nightly_pooled_run")
    assert task.enabled and task.crontab is not None and task.crontab.hour == "2"


def test_runs_no_worker_finished_are_failed_with_a_reason(people, case_a):
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    AnalysisRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert run_fail_stale() == 1
    run.refresh_from_db()
    assert run.status == "failed" and "No worker finished" in run.error
