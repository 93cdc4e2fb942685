"""Round trip: a center's records exported, imported into an empty registry, exported again: the same bytes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction

from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.transfer.export import records_export
from tests.factories import make_full_case, save, vocab

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _rich_center(user, center):
    """Cases with every kind of record, edited (versions above 1), with an archived record and hostile text."""
    for n, birth in enumerate((date(2020, 1, 1), date(2021, 6, 15), date(2022, 3, 3)), start=1):
        case = make_full_case(user, center, birth=birth)
        case.center_case_number = f"{2020 + n}-{n:02d}"
        case.exclusion_note = '=HYPERLINK("http://x","click")'
        save(user, case, case)
        diagnosis = case.diagnosis
        diagnosis.other_extramedullary = "@SUM(1+1) skin, «кожа»"
        save(user, case, diagnosis)
        dx = diagnosis.diagnosis_date
        save(
            user,
            case,
            m.Transplant(
                case=case, transplant_date=dx + timedelta(days=200), transplant_type="unrelated", remission="CR1"
            ),
            m.SupportiveCare(case=case, kind="antifungal", phase="induction", start_date=dx + timedelta(days=5)),
            m.LabPanel(case=case, timepoint="post_induction", sample_date=dx + timedelta(days=35), wbc=4.2),
            m.FollowUp(case=case, contact_date=dx + timedelta(days=300), vital_status="alive", note="-2 visits"),
            m.MarkerFinding(case=case, marker=vocab(m.ImmunoMarker, "CD10"), result="negative", percent_positive=0.5),
        )
        gone = case.follow_ups.get(note="-2 visits")
        from registry.services.records import RecordChange, records_save

        records_save(user=user, case=case, changes=[RecordChange(gone, gone.version, archive=True)])


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_export_import_into_an_empty_registry_and_export_again_gives_the_same_file(people, center_a, fmt):
    user = people.entry_a
    try:
        with transaction.atomic():
            _rich_center(user, center_a)
            name, first = records_export(user, centers=[center_a], fmt=fmt)
            n_cases = m.Case.objects.count()
            raise _Rollback
    except _Rollback:
        pass
    assert not m.Case.objects.exists() and not m.FollowUp.objects.exists()  # the registry is empty again

    job = svc.import_check(user=user, center=center_a, file_name=name, data=first)
    assert job.status == ImportJob.Status.CHECKED, job.problems[:5]
    assert svc.import_commit(user=user, job=job).status == ImportJob.Status.COMMITTED
    assert m.Case.objects.count() == n_cases
    _name, second = records_export(user, centers=[center_a], fmt=fmt)
    assert second == first

    again = svc.import_check(user=user, center=center_a, file_name=name, data=second)
    assert again.counts["cases"] == {"new": 0, "changed": 0, "unchanged": n_cases}
    assert not any(c["new"] or c["changed"] for c in again.counts["sheets"].values())


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_the_templates_example_rows_import_as_one_case(people, center_a, fmt):
    from registry.transfer.template import template_xlsx, template_zip

    data = template_xlsx() if fmt == "xlsx" else template_zip()
    job = svc.import_check(user=people.entry_a, center=center_a, file_name=f"template.{fmt}", data=data)
    assert job.status == ImportJob.Status.CHECKED, job.problems
    assert job.counts["cases"]["new"] == 1
    assert svc.import_commit(user=people.entry_a, job=job).status == ImportJob.Status.COMMITTED
