"""The data dictionary and the workbooks' human sheets in the reader's language; codes stay codes (as <code>)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry import models as m

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


def _page(client, user, lang="ru"):
    client.force_login(user)
    return client.get(reverse("registry:dictionary"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_the_dictionary_page_shows_codes_as_code_and_limits_in_russian(client, people):
    m.ImmunoMarker.objects.create(code="CD999", label="Old marker", active=False)
    body = _page(client, people.entry_a)
    assert "Лист импорта <code>cases</code>:" in body  # the sheet's name is a code a person types
    assert "<td><code>registry_id</code></td>" in body  # a column name
    assert "<td><code>cases</code></td>" in body  # the table column
    assert "не более 40 символов" in body and "at most 40 characters" not in body
    assert "<code>CD999</code> = Old marker (выведен из употребления)" in body
    assert "<code>CNS1</code> = " in body  # a choice's code beside its label


def test_the_dictionary_page_in_english_keeps_its_words(client, people):
    body = _page(client, people.entry_a, lang="en")
    assert "Import sheet <code>cases</code>:" in body
    assert "at most 40 characters" in body


def test_the_dictionary_xlsx_variables_sheet_speaks_russian(client, people):
    client.force_login(people.coordinator)
    response = client.get(reverse("registry:dictionary_download", args=["xlsx"]), **RU)
    cells = [
        c for row in load_workbook(io.BytesIO(response.content))["Переменные"].iter_rows(values_only=True) for c in row
    ]
    assert "не более 40 символов" in cells and "at most 40 characters" not in cells
    assert "every row" not in cells and "entered" not in cells
    assert "registry_id" in cells  # the variable names stay codes
    # The CSV stays English and in codes: a program reads it.
    text = client.get(reverse("registry:dictionary_download", args=["csv"]), **RU).content.decode("utf-8-sig")
    assert "at most 40 characters" in text


def _readme(client, user, lang):
    client.force_login(user)
    response = client.get(reverse("registry:import_template", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE=lang)
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]  # README, in the reader's language
    return "\n".join(str(row[0]) for row in sheet.iter_rows(values_only=True) if row[0])


def test_the_import_template_readme_is_in_the_readers_language(client, people):
    text = _readme(client, people.entry_a, "ru")
    assert "рабочая книга импорта" in text
    assert "Строка 2 — пример" in text and "case_number" in text
    assert "cases: Случаи (вносится на этапе «регистрация»)" in text
    for english in ("The import/export workbook", "Row 1 of every sheet", "entered at", "Cell conventions"):
        assert english not in text
    english = _readme(client, people.entry_a, "en")
    assert "Row 1 of every sheet holds the column names" in english


def test_the_import_check_page_names_its_sheets_in_russian(client, people, center_a):
    from registry.services import imports as svc
    from tests.registry.transfer.rows import full_case_rows, workbook_of

    job = svc.import_check(
        user=people.entry_a, center=center_a, file_name="a.xlsx", data=workbook_of(full_case_rows("2019-07"))
    )
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:import_detail", kwargs={"job_pk": job.pk}), **RU).content.decode()
    assert "Диагноз и клиническая картина (строки)" in body
    assert "Diagnosis and presentation" not in body


def test_the_leukemia_cutis_label_reads_russian(settings):
    from django.utils import translation

    from registry.models import Diagnosis

    with translation.override("ru"):
        label = str(Diagnosis._meta.get_field("leukemia_cutis").verbose_name)
    assert label == "лейкемиды кожи"
