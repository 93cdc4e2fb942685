"""The commit locks the stored cases a file names, then plans the file once."""

from __future__ import annotations

import pytest

from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.transfer import plan as p
from tests.registry.transfer.rows import full_case_rows, merged, read_of

pytestmark = pytest.mark.django_db


def _commit(user, center, sheets, monkeypatch):
    monkeypatch.setattr(svc, "read_upload", lambda file_name, data: read_of(sheets))
    job = svc.import_check(user=user, center=center, file_name="cases.xlsx", data=repr(sheets).encode())
    assert job.status == ImportJob.Status.CHECKED, job.problems
    return svc.import_commit(user=user, job=job)


def test_the_stored_cases_a_file_names_by_number_or_registry_id_are_the_ones_locked(people, center_a, monkeypatch):
    _commit(
        people.entry_a,
        center_a,
        merged(full_case_rows("A-1", hospital="H-1"), full_case_rows("A-2", hospital="H-2")),
        monkeypatch,
    )
    first, second = m.Case.objects.order_by("center_case_number")
    sheets = merged(full_case_rows("A-1", hospital="H-1"), full_case_rows("NEW", hospital="H-3"))
    sheets["follow_up"].append({"case_number": "A-2-renamed", "registry_id": second.registry_id})
    assert sorted(p.stored_case_ids(center_a, read_of(sheets))) == sorted([first.pk, second.pk])


def test_a_commit_plans_the_file_once(people, center_a, monkeypatch):
    calls = []
    real = svc.plan_import
    monkeypatch.setattr(svc, "plan_import", lambda *args: calls.append(args) or real(*args))
    job = _commit(people.entry_a, center_a, full_case_rows("A-1"), monkeypatch)
    assert job.status == ImportJob.Status.COMMITTED
    assert len(calls) == 2  # the check's plan and the commit's
