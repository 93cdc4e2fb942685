"""The import engine: typed rows -> a checked plan -> one atomic write, under the same rules as the forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.services.cases import REGISTERED_AT_CENTER, case_lock
from registry.services.records import RETIRED_CHOICE
from registry.transfer import plan as p
from registry.transfer.plan import plan_import
from tests.factories import make_full_case, save
from tests.registry.transfer.rows import full_case_rows, merged, read_of

pytestmark = pytest.mark.django_db


def _plan(user, center, sheets):
    return plan_import(user, center, read_of(sheets))


def _messages(plan):
    return [(pr.sheet, pr.row, pr.column, pr.message) for pr in plan.problems]


def _commit(user, center, sheets, monkeypatch, name="cases.xlsx"):
    """Check then commit, with the reader replaced by the given rows (the file's bytes only name the job)."""
    monkeypatch.setattr(svc, "read_upload", lambda file_name, data: read_of(sheets))
    job = svc.import_check(user=user, center=center, file_name=name, data=repr(sheets).encode())
    assert job.status == ImportJob.Status.CHECKED, job.problems
    return svc.import_commit(user=user, job=job)


def _snapshot():
    """Every live and historical row count of case data: what an import that fails must not move."""
    counts = {}
    for model in (m.Case, *m.CASE_RECORD_MODELS):
        counts[model.__name__] = model.objects.count()
        counts["history " + model.__name__] = model.history.count()
    return counts


def test_a_new_case_with_all_its_records_is_written_with_its_audit(people, center_a, monkeypatch):
    job = _commit(people.entry_a, center_a, full_case_rows("2019-07"), monkeypatch)
    assert job.status == ImportJob.Status.COMMITTED
    case = m.Case.objects.get(center=center_a, center_case_number="2019-07")
    assert case.registry_id.startswith("ILR-")
    assert case.diagnosis.lineage == "ALL" and case.treatment.protocol.name == "INTERFANT-06"
    finding = case.findings.get()
    assert finding.fusion == "KMT2A::AFF1" and finding.number == 1
    assert job.counts["cases"] == {"new": 1, "changed": 0, "unchanged": 0}
    assert job.counts["sheets"]["adverse_events"] == {"new": 1, "changed": 0, "unchanged": 0}
    reason = svc.import_reason(job)
    assert job.sha256 in reason and "cases.xlsx" in reason
    for model in (m.Case, *m.CASE_RECORD_MODELS):
        for row in model.history.filter(**({"id": case.pk} if model is m.Case else {"case_id": case.pk})):
            assert row.history_user == people.entry_a and row.history_change_reason == reason, model


def test_importing_the_same_rows_again_changes_nothing(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    before = _snapshot()
    case = m.Case.objects.get(center_case_number="2019-07")
    for sheet in sheets.values():  # as exported: with the registry ID
        for row in sheet:
            row["registry_id"] = case.registry_id
    sheets["cases"][0].pop("hospital_number")
    job = _commit(people.entry_a, center_a, sheets, monkeypatch)
    assert job.counts["cases"] == {"new": 0, "changed": 0, "unchanged": 1}
    assert _snapshot() == before


def test_a_corrected_row_updates_its_record_and_duplicates_nothing(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    event = m.OutcomeEvent.objects.get()
    sheets["adverse_events"][0].update(grade=4, version=1)
    job = _commit(people.entry_a, center_a, sheets, monkeypatch)
    assert job.counts["sheets"]["adverse_events"] == {"new": 0, "changed": 1, "unchanged": 0}
    adverse = m.AdverseEvent.objects.get()
    assert adverse.grade == 4 and adverse.version == 2
    assert m.OutcomeEvent.objects.get() == event and event.version == 1


def test_a_change_without_the_exported_version_is_refused(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    sheets["diagnosis"][0]["subtype"] = "common"
    plan = _plan(people.entry_a, center_a, sheets)
    assert [(pr.sheet, pr.column) for pr in plan.problems] == [("diagnosis", "version")]
    assert "version" in plan.problems[0].message


def test_a_stale_version_is_refused_with_who_changed_it(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    diagnosis = m.Diagnosis.objects.get()
    diagnosis.subtype = "common"
    save(people.lead_a, diagnosis.case, diagnosis)  # someone saves the form after the export
    sheets["diagnosis"][0].update(subtype="pre_b", version=1)
    plan = _plan(people.entry_a, center_a, sheets)
    assert len(plan.problems) == 1
    problem = plan.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("diagnosis", 2, "version")
    assert "lead_a" in problem.message and "version 2" in problem.message


def test_a_row_naming_another_center_is_an_error(people, center_a, center_b):
    sheets = full_case_rows("2019-07")
    sheets["diagnosis"][0]["center"] = center_b.code
    assert (
        "diagnosis",
        2,
        "center",
        p.OTHER_CENTER.format(code=center_b.code, center=center_a.code),
    ) in _messages(_plan(people.entry_a, center_a, sheets))


def test_another_centers_registry_id_is_refused_without_naming_it(people, center_a, case_b):
    sheets = full_case_rows("2019-07")
    sheets["cases"][0]["registry_id"] = case_b.registry_id
    plan = _plan(people.entry_a, center_a, sheets)
    messages = [pr.message for pr in plan.problems]
    assert p.NOT_THIS_CENTERS_CASE.format(registry_id=case_b.registry_id) in messages
    assert not any(case_b.center.code in text or case_b.center.name in text for text in messages)


def test_a_user_cannot_import_into_another_center(people, center_a):
    with pytest.raises(PermissionDenied):
        _plan(people.entry_b, center_a, full_case_rows())
    with pytest.raises(PermissionDenied):
        svc.import_check(user=people.coordinator, center=center_a, file_name="x.csv", data=b"x")


def test_a_locked_case_is_refused_row_by_row(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    case_lock(user=people.lead_a, case=m.Case.objects.get())
    sheets["follow_up"].append({"case_number": "2019-07", "contact_date": date(2021, 6, 1), "vital_status": "alive"})
    sheets["adverse_events"][0].update(grade=2, version=1)
    plan = _plan(people.entry_a, center_a, sheets)
    assert sorted((pr.sheet, pr.row) for pr in plan.problems) == [("adverse_events", 2), ("follow_up", 3)]
    assert {pr.message for pr in plan.problems} == {p.CASE_LOCKED.format(number="2019-07")}


def test_a_child_row_without_a_case_and_duplicate_rows_are_errors(people, center_a):
    sheets = full_case_rows("2019-07")
    sheets["follow_up"].append({"case_number": "NOPE", "contact_date": date(2021, 1, 1), "vital_status": "alive"})
    sheets["cases"].append(dict(sheets["cases"][0]))
    sheets["immunophenotype"].append(dict(sheets["immunophenotype"][0]))
    found = _messages(_plan(people.entry_a, center_a, sheets))
    assert ("follow_up", 3, "case_number", p.CHILD_WITHOUT_CASE.format(number="NOPE")) in found
    assert ("cases", 3, "case_number", p.CASE_ROW_TWICE.format(number="2019-07", other=2)) in found
    assert ("immunophenotype", 3, "", p.RECORD_TWICE.format(other=2, number="2019-07")) in found


def test_the_entry_rules_see_the_whole_case_across_sheets(people, center_a):
    sheets = full_case_rows("2019-07", birth=date(2020, 1, 1))
    sheets["outcome_events"].append(
        {"case_number": "2019-07", "kind": "death", "event_date": date(2019, 12, 1), "death_cause": "trm"}
    )
    found = _messages(_plan(people.entry_a, center_a, sheets))
    message = "Event date 2019-12-01 (new outcome event: Death) is before the date of birth 2020-01-01."
    assert ("outcome_events", 3, "event_date", message) in found


def test_a_field_check_and_a_retired_entry_are_refused(people, center_a):
    m.ImmunoMarker.objects.filter(code="CD19").update(active=False)
    sheets = full_case_rows("2019-07")
    sheets["cytogenetics"][0]["gene_other"] = "X" * 41
    found = _messages(_plan(people.entry_a, center_a, sheets))
    marker = m.ImmunoMarker.objects.get(code="CD19")
    assert ("immunophenotype", 2, "marker", RETIRED_CHOICE.format(entry=marker)) in found
    assert any(s == "cytogenetics" and c == "gene_other" for s, _r, c, _m in found)


def test_an_unknown_vocabulary_code_names_the_list(people, center_a):
    sheets = full_case_rows("2019-07")
    sheets["immunophenotype"][0]["marker"] = "CD999"
    found = _messages(_plan(people.entry_a, center_a, sheets))
    assert found == [("immunophenotype", 2, "marker", p.NOT_IN_VOCABULARY.format(value="CD999", label="Marker"))]


def test_a_hospital_number_registered_already_is_refused(people, center_a):
    existing = make_full_case(people.entry_a, center_a)
    sheets = full_case_rows("2019-07", hospital="H-AAA-1")
    found = _messages(_plan(people.entry_a, center_a, sheets))
    assert ("cases", 2, "hospital_number", REGISTERED_AT_CENTER.format(registry_id=existing.registry_id)) in found


def test_one_bad_row_writes_nothing_at_all(people, center_a, monkeypatch):
    good, bad = full_case_rows("1", hospital="H-1"), full_case_rows("2", hospital="H-2")
    bad["follow_up"][0]["contact_date"] = date(2000, 1, 1)
    sheets = merged(good, bad)
    before = _snapshot()
    monkeypatch.setattr(svc, "read_upload", lambda file_name, data: read_of(sheets))
    job = svc.import_check(user=people.entry_a, center=center_a, file_name="two.csv", data=b"two")
    assert job.status == ImportJob.Status.PROBLEMS and job.content is None
    assert {(pr["sheet"], pr["row"], pr["column"]) for pr in job.problems} == {("follow_up", 3, "contact_date")}
    assert _snapshot() == before
    with pytest.raises(Exception, match="cannot be imported"):
        svc.import_commit(user=people.entry_a, job=job)
    assert _snapshot() == before


def test_the_commit_refuses_what_changed_since_the_check(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    sheets["adverse_events"][0].update(grade=4, version=1)
    monkeypatch.setattr(svc, "read_upload", lambda file_name, data: read_of(sheets))
    job = svc.import_check(user=people.entry_a, center=center_a, file_name="fix.xlsx", data=b"fix")
    assert job.status == ImportJob.Status.CHECKED
    adverse = m.AdverseEvent.objects.get()
    adverse.grade = 5
    save(people.lead_a, adverse.case, adverse)  # a form save between the check and the commit
    before = _snapshot()
    job = svc.import_commit(user=people.entry_a, job=job)
    assert job.status == ImportJob.Status.REFUSED
    assert [pr["column"] for pr in job.problems] == ["version"]
    assert _snapshot() == before and m.AdverseEvent.objects.get().grade == 5


def test_only_the_uploader_commits_and_only_once(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    monkeypatch.setattr(svc, "read_upload", lambda file_name, data: read_of(sheets))
    job = svc.import_check(user=people.entry_a, center=center_a, file_name="a.xlsx", data=b"a")
    with pytest.raises(PermissionDenied):
        svc.import_commit(user=people.lead_a, job=job)
    with pytest.raises(PermissionDenied):
        svc.import_commit(user=people.entry_b, job=job)
    svc.import_commit(user=people.entry_a, job=job)
    with pytest.raises(Exception, match="cannot be imported"):
        svc.import_commit(user=people.entry_a, job=job)
    assert m.Case.objects.count() == 1


def test_new_records_of_an_existing_case_are_numbered_after_its_own(people, center_a, monkeypatch):
    case = make_full_case(people.entry_a, center_a)
    case.center_case_number = "K-1"
    case.save()
    rows = {
        "follow_up": [
            {"case_number": "K-1", "contact_date": date(2021, 3, 1), "vital_status": "alive"},
            {"case_number": "K-1", "contact_date": date(2021, 4, 1), "vital_status": "alive"},
        ]
    }
    _commit(people.entry_a, center_a, rows, monkeypatch)
    assert sorted(case.follow_ups.values_list("number", flat=True)) == [1, 2, 3]


def test_a_record_number_the_case_does_not_have_is_refused(people, center_a):
    case = make_full_case(people.entry_a, center_a)
    case.center_case_number = "K-1"
    case.save()
    rows = {
        "follow_up": [{"case_number": "K-1", "record": 7, "contact_date": date(2021, 3, 1), "vital_status": "alive"}]
    }
    assert _messages(_plan(people.entry_a, center_a, rows)) == [
        ("follow_up", 2, "record", p.NO_SUCH_RECORD.format(number="K-1", record=7))
    ]


def test_a_new_case_keeps_the_registry_id_numbers_and_versions_of_its_file(people, center_a, monkeypatch):
    sheets = full_case_rows("2019-07")
    for rows in sheets.values():
        for row in rows:
            row.update(registry_id="ILR-ABCDEFGH", version=3)
    sheets["follow_up"][0]["record"] = 4
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    case = m.Case.objects.get(registry_id="ILR-ABCDEFGH")
    assert case.version == 3
    follow_up = case.follow_ups.get()
    assert (follow_up.number, follow_up.version) == (4, 3)
    assert case.created_at >= case.created_at.replace(year=2020) and case.diagnosis.diagnosis_date == date(2020, 2, 10)


def test_a_dated_case_today_at_its_center_is_accepted_and_tomorrow_refused(people, center_a):
    from registry.clock import center_today

    today = center_today(center_a)
    sheets = full_case_rows("2019-07", birth=today - timedelta(days=500))
    sheets["follow_up"][0]["contact_date"] = today + timedelta(days=1)
    found = _messages(_plan(people.entry_a, center_a, sheets))
    assert [(s, c) for s, _r, c, _m in found] == [("follow_up", "contact_date")]


def test_a_stored_value_outside_its_range_imports_unchanged_but_a_new_one_is_refused(people, center_a, monkeypatch):
    """A value entered before its range was set comes back in an export: unchanged, it is no problem."""
    from registry.transfer.problems import OUT_OF_RANGE

    sheets = full_case_rows("2019-07")
    _commit(people.entry_a, center_a, sheets, monkeypatch)
    case = m.Case.objects.get()
    m.Case.objects.filter(pk=case.pk).update(birth_weight_g=27930)  # legacy data, as the demo plants it
    message = OUT_OF_RANGE.format(range="from 300 to 6500 g")
    row = dict(sheets["cases"][0], registry_id=case.registry_id, birth_weight_g=27930)
    row.pop("hospital_number")
    read = read_of({"cases": [row]})
    read.rows["cases"][0].deferred["birth_weight_g"] = message
    assert plan_import(people.entry_a, center_a, read).problems == []
    row["sex"] = "F"
    read = read_of({"cases": [dict(row, version=1)]})
    read.rows["cases"][0].deferred["birth_weight_g"] = message
    assert _messages(plan_import(people.entry_a, center_a, read)) == [("cases", 2, "birth_weight_g", message)]


def test_a_case_without_a_case_number_is_named_by_its_registry_id(people, center_a, monkeypatch):
    case = make_full_case(people.entry_a, center_a)  # registered on the form, no case number
    rows = {
        "cases": [{"registry_id": case.registry_id, "case_number": None, "sex": "M", "birth_date": date(2020, 1, 1)}],
        "follow_up": [
            {"registry_id": case.registry_id, "contact_date": date(2021, 3, 1), "vital_status": "alive"},
        ],
    }
    _commit(people.entry_a, center_a, rows, monkeypatch)
    case.refresh_from_db()
    assert case.center_case_number == "" and case.follow_ups.count() == 2
    new = {
        "cases": [{"registry_id": "ILR-NEWNEW00", "sex": "M", "birth_date": date(2020, 1, 1), "hospital_number": "Z9"}]
    }
    assert _messages(_plan(people.entry_a, center_a, new)) == [("cases", 2, "case_number", p.NEW_CASE_NEEDS_NUMBER)]
