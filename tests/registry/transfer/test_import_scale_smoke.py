"""The import benchmark's synthetic workbook stays importable as the entry rules change: 20 cases, no problems."""

from __future__ import annotations

import io

import pytest

from registry import models as m
from registry.demo.import_workbook import cases_rows, write_workbook
from registry.models import ImportJob
from registry.services import imports as svc
from registry.transfer.files import read_upload

pytestmark = pytest.mark.django_db

CASES = 20


def _induction_days() -> dict[str, int]:
    return {p.name: p.induction_day for p in m.Protocol.objects.filter(version="")}


def test_the_synthetic_workbook_imports_without_a_problem(people, center_a):
    stream = io.BytesIO()
    counts = write_workbook(stream, cases_rows(CASES, seed=7, induction_days=_induction_days()))
    data = stream.getvalue()
    assert counts["cases"] == CASES and counts["immunophenotype"] == 3 * CASES
    assert sum(counts.values()) > 10 * CASES

    read = read_upload("synthetic.xlsx", data)
    assert read.problems == [] and read.n_rows == sum(counts.values())
    job = svc.import_check(user=people.entry_a, center=center_a, file_name="synthetic.xlsx", data=data)
    assert job.status == ImportJob.Status.CHECKED, job.problems[:5]
    job = svc.import_commit(user=people.entry_a, job=job)
    assert job.status == ImportJob.Status.COMMITTED, job.problems[:5]

    assert m.Case.objects.filter(center=center_a).count() == CASES
    for sheet, written in job.counts["sheets"].items():
        assert written == {"new": counts[sheet], "changed": 0, "unchanged": 0}, sheet
    assert m.FollowUp.objects.filter(case__center=center_a).count() == counts["follow_up"]
    assert m.MarkerFinding.objects.filter(case__center=center_a).count() == 3 * CASES
