"""The data dictionary: generated from the models, choices and vocabularies; the page, CSV and XLSX agree."""

from __future__ import annotations

import csv
import io
from html import escape

import pytest
from django.db.models import BooleanField
from django.urls import reverse
from openpyxl import load_workbook

from analytics.schema import CASE_COLUMNS
from registry import models as m
from registry.dictionary import EVERY_ROW, entered_variables
from registry.transfer.dictionary_files import (
    CODES_HEADER,
    HEADER,
    RETIRED,
    codes_text,
    dictionary_csv,
    dictionary_groups,
    dictionary_rows,
    dictionary_xlsx,
)
from registry.transfer.sheets import sheet_for, vocabulary_code

pytestmark = pytest.mark.django_db

# Bookkeeping a user never types, and the case's own key fields, which the key columns carry.
_NOT_VARIABLES = {"id", "case", "version", "archived_at", "archived_by", "created_at", "updated_at", "number"}
_KEYED = {"center": "center", "center_case_number": "case_number"}


def _by_key():
    return {(v.table, v.name): v for v in entered_variables()}


def test_every_editable_field_of_every_case_model_is_a_variable_with_the_models_label_and_codes():
    variables = _by_key()
    checked = 0
    for model in (m.Case, *m.CASE_RECORD_MODELS):
        table = sheet_for(model).name
        for field in model._meta.concrete_fields:
            if field.name in _NOT_VARIABLES or not field.editable:
                continue
            variable = variables[(table, _KEYED.get(field.name, field.name))] if model is m.Case else None
            variable = variable or variables[(table, field.name)]
            checked += 1
            if field.name in _KEYED:
                continue
            assert str(field.verbose_name).lower().startswith(variable.label.lower()), (table, field.name)
            if field.many_to_one:
                entries = field.related_model.objects.all()
                assert variable.codes == tuple((vocabulary_code(e), str(getattr(e, "label", e))) for e in entries)
            elif field.choices:
                assert variable.codes == tuple((str(c), str(t)) for c, t in field.flatchoices)
            if not field.blank and not isinstance(field, BooleanField):  # a box left unticked is no
                assert variable.required == sheet_for(model).stage, (table, field.name)
    assert checked > 80


def test_keys_every_row_needs_say_so():
    variables = _by_key()
    assert variables[("follow_up", "case_number")].required == EVERY_ROW
    assert variables[("follow_up", "registry_id")].required == ""
    assert variables[("cases", "hospital_number")].description  # its help: hashed, never exported


def test_a_retired_vocabulary_entry_is_listed_and_marked(client, people):
    marker = m.ImmunoMarker.objects.create(code="CD999", label="Old marker", active=False)
    variable = _by_key()[("immunophenotype", "marker")]
    assert (marker.code, marker.label) in variable.codes and variable.retired == ("CD999",)
    assert f"CD999 = Old marker ({RETIRED})" in codes_text(variable)
    client.force_login(people.entry_a)
    page = client.get(reverse("registry:dictionary")).content.decode()
    assert f"<code>CD999</code> = Old marker ({RETIRED})" in page
    codes = load_workbook(io.BytesIO(dictionary_xlsx(dictionary_groups())))["Codes"]
    assert ["immunophenotype", "marker", "CD999", "Old marker", "yes"] in [
        list(r) for r in codes.iter_rows(values_only=True)
    ]


def _page_rows(body: str, rows) -> None:
    body = body.replace("<code>", "").replace("</code>", "")  # the page marks codes as code
    for row in rows:
        assert "".join(f"<td>{escape(cell)}</td>" for cell in row) in body, row[0]


def test_the_page_the_csv_and_the_xlsx_carry_the_same_rows(client, people):
    client.force_login(people.coordinator)
    body = client.get(reverse("registry:dictionary")).content.decode()
    rows = dictionary_rows(dictionary_groups())
    _page_rows(body, rows)

    text = client.get(reverse("registry:dictionary_download", args=["csv"])).content.decode("utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(text)))
    assert from_csv[0] == list(HEADER)
    assert from_csv[1:] == rows

    workbook = load_workbook(io.BytesIO(client.get(reverse("registry:dictionary_download", args=["xlsx"])).content))
    assert workbook.sheetnames == ["Variables", "Codes"]
    from_xlsx = [[cell or "" for cell in row] for row in workbook["Variables"].iter_rows(values_only=True)]
    assert from_xlsx == [list(HEADER), *rows]
    assert next(workbook["Codes"].iter_rows(values_only=True)) == CODES_HEADER


def test_the_dataset_variables_are_on_the_page_after_the_sheets(client, people):
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:dictionary")).content.decode()
    assert body.index("Import sheet <code>follow_up</code>") < body.index("Analysis dataset: cases")
    for name in CASE_COLUMNS:
        assert f"<td><code>{name}</code></td>" in body, name
    assert "diagnosis date - birth date, in days" in body
    assert body.index("Analysis dataset: adverse events") < body.index("Analysis dataset: response assessments")
    assert "<td><code>mrd_flow_pct</code></td>" in body and "<td><code>hsct_days_reason</code></td>" in body


def test_the_files_are_the_same_bytes_twice():
    groups = dictionary_groups()
    assert dictionary_xlsx(groups) == dictionary_xlsx(dictionary_groups())
    assert dictionary_csv(groups).startswith("\ufeff".encode())
