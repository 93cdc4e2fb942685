"""Tasks reach the broker only once the transaction that made their rows commits, and never when it rolls back:
every send goes through config/dispatch.py (queue_on_commit), and this file fails when a module sends otherwise.

A task sent inside the transaction can be picked up before the commit (the worker does not find the run, or
reads the rows as they were) and is sent even when the request then fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from celery.app.task import Task
from django.db import transaction

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from registry.models import ImportJob
from registry.services import imports as import_services
from tests.analytics.fixtures import case_a, case_b, center_a, center_b, media_root, people  # noqa: F401
from tests.registry.transfer.rows import full_case_rows, read_of

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("analytics", "audit", "config", "quality", "registry")
DISPATCH = Path("config/dispatch.py")
SEND_METHODS = {"delay", "apply_async", "send_task"}
CANVASES = {"chord", "group", "chain"}


class RolledBack(Exception):
    pass


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _sends(tree: ast.AST):
    """task.delay(...), .apply_async(...), app.send_task(...), and a canvas called to send it: chord(...)(...)."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr in SEND_METHODS:
            yield node.lineno, node.func.attr
        elif isinstance(node.func, ast.Call) and _name(node.func.func) in CANVASES:
            yield node.lineno, f"{_name(node.func.func)}(...)(...)"


def test_no_module_sends_a_task_except_through_queue_on_commit():
    found = []
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative == DISPATCH or "migrations" in relative.parts:
                continue
            for line, how in _sends(ast.parse(path.read_text(), filename=str(relative))):
                found.append(f"{relative}:{line} {how}")
    assert found == [], "send these through config.dispatch.queue_on_commit:\n" + "\n".join(found)


def test_the_scan_finds_each_way_of_sending():
    source = "t.delay(1)\nt.apply_async((1,))\napp.send_task('x')\nchord([a.si()])(b.si())\nm.group(1)\nt.apply()"
    assert [how for _line, how in _sends(ast.parse(source))] == ["delay", "apply_async", "send_task", "chord(...)(...)"]


@pytest.fixture
def sent(monkeypatch):
    """The names of the tasks handed to the broker (nothing runs)."""
    names: list[str] = []

    def apply_async(self, args=None, kwargs=None, **options):
        names.append(self.name)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return names


def _pooled_request(people):  # noqa: F811
    return run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())


def test_a_run_requested_in_a_transaction_that_rolls_back_sends_nothing(
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    sent,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RolledBack), transaction.atomic():
        _pooled_request(people)
        raise RolledBack
    assert sent == []
    assert not AnalysisRun.objects.exists()


def test_a_run_is_sent_once_its_request_commits_not_before(
    people,  # noqa: F811
    case_a,  # noqa: F811
    case_b,  # noqa: F811
    sent,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):  # its exit is the commit
        run = _pooled_request(people)
        assert sent == []  # the worker could not see the run yet
    assert sent == ["analytics.run_start"]
    assert AnalysisRun.objects.get().pk == run.pk


def _import(user, center, monkeypatch):
    monkeypatch.setattr(import_services, "read_upload", lambda file_name, data: read_of(full_case_rows("2019-07")))
    job = import_services.import_check(user=user, center=center, file_name="cases.xlsx", data=b"cases")
    assert job.status == ImportJob.Status.CHECKED, job.problems
    return import_services.import_commit(user=user, job=job)


def test_an_import_rolled_back_sends_no_quality_check_and_a_committed_one_sends_one(
    people,  # noqa: F811
    center_a,  # noqa: F811
    sent,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RolledBack), transaction.atomic():
        _import(people.entry_a, center_a, monkeypatch)
        raise RolledBack
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        job = _import(people.entry_a, center_a, monkeypatch)
        assert sent == []
    assert sent == ["quality.check_cases"] and job.status == ImportJob.Status.COMMITTED
