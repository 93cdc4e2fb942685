"""Findings from saved data: created, seen again, closed when the data is fixed, duplicates on both sides,
the check after every save, and the nightly sweep (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from quality.models import Finding, QualitySnapshot
from quality.services import case_check, registry_sweep
from registry import models as m
from registry.services.cases import case_archive
from registry.services.records import RecordChange, records_save, save_audited
from tests.factories import make_case, make_full_case, save

pytestmark = pytest.mark.django_db


def _open(case, rule_id=None):
    qs = Finding.objects.filter(case=case, resolved_at__isnull=True)
    return qs.filter(rule_id=rule_id) if rule_id else qs


def test_a_check_stores_what_the_rules_report(case_a):
    # make_full_case's last contact is 400 days after a diagnosis in 2020: follow-up is overdue.
    case_check(case_a)
    [finding] = _open(case_a, "DQ-FU-001")
    assert finding.record_model == "registry.followup" and finding.field == "contact_date"
    assert finding.severity == "warning" and finding.stage == "follow_up"
    assert finding.first_seen == finding.last_seen


def test_a_finding_seen_again_keeps_first_seen_and_moves_last_seen(case_a):
    first = timezone.now() - timedelta(days=3)
    case_check(case_a, now=first)
    case_check(case_a)
    [finding] = _open(case_a, "DQ-FU-001")
    assert finding.first_seen == first and finding.last_seen > first
    assert Finding.objects.filter(case=case_a, rule_id="DQ-FU-001").count() == 1


def test_a_finding_closes_itself_when_the_data_is_fixed_and_a_new_one_opens_if_it_comes_back(people, case_a):
    case_check(case_a)
    save(people.entry_a, case_a, m.FollowUp(case=case_a, contact_date=timezone.localdate(), vital_status="alive"))
    case_check(case_a)
    assert not _open(case_a, "DQ-FU-001").exists()
    closed = Finding.objects.get(case=case_a, rule_id="DQ-FU-001")
    assert closed.resolved_at is not None

    recent = m.FollowUp.objects.get(case=case_a, contact_date=timezone.localdate())
    records_save(user=people.entry_a, case=case_a, changes=[RecordChange(recent, recent.version, archive=True)])
    case_check(case_a)
    assert Finding.objects.filter(case=case_a, rule_id="DQ-FU-001").count() == 2
    assert _open(case_a, "DQ-FU-001").get().pk != closed.pk


def test_a_problem_the_entry_rules_refuse_is_still_found_in_data_that_got_in_another_way(people, case_a):
    panel = m.LabPanel.objects.get(case=case_a, timepoint="baseline")
    panel.wbc = 5000.0  # an import from an older system: never through records_save
    save_audited(panel, user=people.manager, reason="test: legacy import")
    case_check(case_a)
    [finding] = _open(case_a, "DQ-RANGE-001")
    assert finding.record_pk == panel.pk and finding.field == "wbc" and "5000" in finding.message


def test_the_save_services_check_the_case_once_the_save_commits(people, center_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(people.entry_a, center_a)
    assert _open(case, "DQ-COMP-001").exists()  # no diagnosis yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save(
            people.entry_a,
            case,
            m.Diagnosis(case=case, diagnosis_date=case.birth_date + timedelta(days=10), lineage="ALL"),
        )
    assert callbacks and not _open(case, "DQ-COMP-001").exists()
    assert _open(case, "DQ-CYTO-001").exists()


def test_a_failing_check_does_not_undo_or_break_the_save(people, case_a, django_capture_on_commit_callbacks):
    with (
        mock.patch("quality.services.case_check", side_effect=RuntimeError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        save(people.entry_a, case_a, m.FollowUp(case=case_a, contact_date=timezone.localdate(), vital_status="alive"))
    assert m.FollowUp.objects.filter(case=case_a).count() == 2


def test_an_archived_case_has_no_open_findings(people, case_a, django_capture_on_commit_callbacks):
    case_check(case_a)
    assert _open(case_a).exists()
    with django_capture_on_commit_callbacks(execute=True):
        case_archive(user=people.entry_a, case=case_a, reason="registered twice")
    assert not _open(case_a).exists()


def test_duplicates_are_found_on_both_sides_across_centers_and_close_together(
    people, center_a, center_b, django_capture_on_commit_callbacks
):
    mine = make_case(people.entry_a, center_a, hospital_number="H-1")
    theirs = make_case(people.entry_b, center_b, hospital_number="H-1")
    case_check(theirs)
    assert _open(mine, "DQ-DUP-001").get().details == {"case_ids": [theirs.pk]}
    assert _open(theirs, "DQ-DUP-001").get().details == {"case_ids": [mine.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        case_archive(user=people.manager, case=theirs, reason="duplicate of the other center's registration")
    assert not _open(mine, "DQ-DUP-001").exists()


def test_a_look_alike_of_another_centers_number_is_found_as_a_duplicate(people, center_a, center_b):
    # The same normalization as the refusal at entry: full-width letters, an en dash, Cyrillic look-alikes.
    mine = make_case(people.entry_a, center_a, hospital_number="AB-7781")
    theirs = make_case(people.entry_b, center_b, hospital_number="\u0410\u0412\u2013\uff17\uff17\uff18\uff11")
    case_check(theirs)
    assert _open(mine, "DQ-DUP-001").get().details == {"case_ids": [theirs.pk]}


def test_same_birth_sex_and_diagnosis_date_is_a_likely_duplicate(people, center_a, center_b):
    first = make_full_case(people.entry_a, center_a)
    second = make_full_case(people.entry_b, center_b)  # same birth, sex and diagnosis date, other number
    other = make_full_case(people.entry_b, center_b, birth=first.birth_date + timedelta(days=1))
    case_check(first)
    assert _open(first, "DQ-DUP-002").get().details == {"case_ids": [second.pk]}
    assert _open(second, "DQ-DUP-002").exists()
    assert not _open(first, "DQ-DUP-001").exists()
    case_check(other)
    assert not _open(other, "DQ-DUP-002").exists()


def test_the_sweep_is_idempotent(people, case_a, case_b):
    first = registry_sweep()
    ids = set(_open(case_a).values_list("pk", flat=True)) | set(_open(case_b).values_list("pk", flat=True))
    second = registry_sweep()
    assert first.cases == second.cases == 2
    assert first.open_findings == second.open_findings == len(ids) > 0
    assert set(Finding.objects.filter(resolved_at__isnull=True).values_list("pk", flat=True)) == ids
    assert second.resolved == 0
    assert QualitySnapshot.objects.count() == 2  # one row per center and day, rewritten


def test_the_snapshot_counts_follow_up_of_living_children(people, case_a, case_b):
    save(people.entry_a, case_a, m.FollowUp(case=case_a, contact_date=timezone.localdate(), vital_status="alive"))
    registry_sweep()
    a = QualitySnapshot.objects.get(center=case_a.center)
    b = QualitySnapshot.objects.get(center=case_b.center)
    assert (a.living, a.living_seen_12m) == (1, 1)
    assert (b.living, b.living_seen_12m) == (1, 0)
    assert b.open_warnings >= 1
