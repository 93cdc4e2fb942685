"""The import template: every sheet and column, an example row that passes the entry rules, the same as CSV."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessEvent
from registry import models as m
from registry.transfer.sheets import SHEETS, Kind, Role, vocabulary_code
from registry.transfer.template import EXAMPLE_CASE_NUMBER, example_rows, template_xlsx, template_zip
from registry.transfer.workbook import CODES_HEADER, CODES_SHEET, README_SHEET
from registry.validation import CaseState, violations

pytestmark = pytest.mark.django_db


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_the_workbook_has_a_readme_every_sheet_with_its_columns_and_an_example_row_and_the_codes():
    workbook = _workbook(template_xlsx())
    assert workbook.sheetnames == [README_SHEET, *(s.name for s in SHEETS), CODES_SHEET]
    examples = example_rows()
    for sheet in SHEETS:
        ws = workbook[sheet.name]
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == [c.name for c in sheet.columns]
        assert len(rows) == 2
        assert rows[1][[c.name for c in sheet.columns].index("case_number")] == EXAMPLE_CASE_NUMBER
        for index, column in enumerate(sheet.columns):
            header = ws.cell(1, index + 1)
            assert column.label in header.comment.text
            if column.unit:
                assert column.unit in header.comment.text
            value = ws.cell(2, index + 1).value
            expected = examples[sheet.name][0][index]
            if column.kind == Kind.DATE and expected is not None:
                assert value.date() == expected and ws.cell(2, index + 1).number_format == "yyyy-mm-dd"
            else:
                assert value == expected, (sheet.name, column.name)
            if column.required and column.role == Role.FIELD:
                assert value is not None, (sheet.name, column.name)
    readme = "\n".join(str(r[0]) for r in workbook[README_SHEET].iter_rows(values_only=True) if r[0])
    assert "Cells, the same in XLSX and CSV" in readme and "follow_up: Follow-up contacts" in readme
    codes = list(workbook[CODES_SHEET].iter_rows(values_only=True))
    assert codes[0] == CODES_HEADER and ("cases", "sex", "F", "Female", None) in codes


def test_code_columns_offer_a_list_of_their_codes():
    ws = _workbook(template_xlsx())["cases"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    sex = [c.name for c in SHEETS[0].columns].index("sex")
    letter = "ABCDEFGHIJKLMNOP"[sex]
    assert lists[f"{letter}2"].startswith(f"'{CODES_SHEET}'!$C$")
    assert '"yes,no"' in lists.values()


def _instance(sheet, row, case):
    values = {}
    for column, value in zip(sheet.columns, row, strict=True):
        if column.role != Role.FIELD or value is None:
            continue
        if column.kind == Kind.VOCABULARY:
            value = next(e for e in column.vocabulary.objects.all() if vocabulary_code(e) == value)
        values[column.name] = value
    if sheet.model is m.Case:
        return m.Case(center=case, **values)
    return sheet.model(case=case, **values)


def test_the_example_rows_describe_one_case_that_passes_the_entry_rules(center_a):
    rows = example_rows()
    case = _instance(SHEETS[0], rows["cases"][0], center_a)
    case.full_clean(exclude=["registry_id", "hospital_number_hash"])
    records = {sheet.model: _instance(sheet, rows[sheet.name][0], case) for sheet in SHEETS[1:]}
    for record in records.values():
        record.full_clean(exclude=["case"])
    state = CaseState(
        case=case,
        diagnosis=records[m.Diagnosis],
        treatment=records[m.Treatment],
        labs=(records[m.LabPanel],),
        markers=(records[m.MarkerFinding],),
        findings=(records[m.CytogeneticFinding],),
        assessments=(records[m.ResponseAssessment],),
        transplants=(records[m.Transplant],),
        supportive_care=(records[m.SupportiveCare],),
        events=(records[m.OutcomeEvent],),
        adverse_events=(records[m.AdverseEvent],),
        follow_ups=(records[m.FollowUp],),
    )
    assert violations(state) == []


def test_the_zip_holds_one_csv_per_sheet_with_a_bom_the_header_and_the_example():
    with zipfile.ZipFile(io.BytesIO(template_zip())) as archive:
        assert archive.namelist() == [f"{s.name}.csv" for s in SHEETS]
        for sheet in SHEETS:
            data = archive.read(f"{sheet.name}.csv")
            assert data.startswith("\ufeff".encode())
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            assert rows[0] == [c.name for c in sheet.columns] and len(rows) == 2
    diagnosis = dict(zip(*csv.reader(io.StringIO(_csv("diagnosis"))), strict=True))
    assert diagnosis["diagnosis_date"] == "2019-05-14" and diagnosis["case_number"] == EXAMPLE_CASE_NUMBER


def _csv(name):
    with zipfile.ZipFile(io.BytesIO(template_zip())) as archive:
        return archive.read(f"{name}.csv").decode("utf-8-sig")


def test_the_files_are_the_same_bytes_every_time():
    assert template_xlsx() == template_xlsx() and template_zip() == template_zip()


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b", "coordinator", "manager"])
@pytest.mark.parametrize("fmt", ["xlsx", "zip"])
def test_every_user_with_a_role_downloads_it_and_the_download_is_logged(client, people, who, fmt):
    client.force_login(getattr(people, who))
    response = client.get(reverse("registry:import_template", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="import-template.{fmt}"'
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.EXPORT)
    assert event.user == getattr(people, who) and event.file_name == f"import-template.{fmt}"
    assert event.detail == f"import template ({fmt})" and event.status == 200


def test_the_import_page_links_the_template_and_the_menu_the_import_for_those_who_enter_data(client, people):
    link = reverse("registry:import_template", args=["xlsx"])
    client.force_login(people.entry_a)
    assert link in client.get(reverse("registry:import_list")).content.decode()
    assert reverse("registry:import_list") in client.get(reverse("registry:dashboard")).content.decode()
    client.force_login(people.coordinator)
    body = client.get(reverse("registry:dashboard")).content.decode()
    assert reverse("registry:import_list") not in body and reverse("registry:dictionary") in body
