"""The import template and a center's records export downloaded in Russian: the README and Codes sheets, their
headings and the header cells' comments read Russian, the data sheets keep their codes; a Russian template filled
in imports (its README and Codes sheets are skipped in any language); English stays English."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.transfer.sheets import SHEETS
from registry.transfer.template import EXAMPLE_CASE_NUMBER, template_xlsx
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

DATA_SHEETS = [sheet.name for sheet in SHEETS]


def _book(client, user, url_name, lang):
    client.force_login(user)
    response = client.get(reverse(url_name, args=["xlsx"]), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _text(ws) -> str:
    return "\n".join(str(cell) for row in ws.iter_rows(values_only=True) for cell in row if cell)


@pytest.mark.parametrize("url_name", ["registry:import_template", "registry:records_export"])
def test_the_workbook_in_russian_has_russian_readme_and_codes_sheets(client, people, center_a, url_name):
    make_full_case(people.entry_a, center_a)
    book = _book(client, people.entry_a, url_name, "ru")
    assert book.sheetnames == ["Инструкция", *DATA_SHEETS, "Коды"]
    readme = _text(book["Инструкция"])
    assert "на листе «Коды» перечислены коды" in readme
    assert "для вопросов «да/нет» — yes = да, no = нет" in readme
    codes = list(book["Коды"].iter_rows(values_only=True))
    assert codes[0] == ("лист", "столбец", "код", "название", "выведен из употребления")
    assert any(r[:3] == ("cases", "sex", "M") and r[3] != "Male" for r in codes)  # a code beside its Russian label
    cases = book["cases"]
    assert next(cases.iter_rows(values_only=True))[:2] == ("center", "case_number")  # the columns stay codes
    comments = [cell.comment.text for cell in next(cases.iter_rows()) if cell.comment]
    assert any("Обязательно." in text for text in comments) and not any("Required." in t for t in comments)
    day = next(c for c in next(book["response"].iter_rows()) if c.value == "day")
    assert "(день протокола)" in day.comment.text
    lists = [v.formula1 for v in cases.data_validations.dataValidation]
    assert any(formula.startswith("'Коды'!") for formula in lists)  # the drop-down lists read the Russian sheet


def test_the_workbooks_in_english_keep_their_english_sheets_and_words(client, people, center_a):
    book = _book(client, people.entry_a, "registry:import_template", "en")
    assert book.sheetnames == ["README", *DATA_SHEETS, "Codes"]
    assert next(book["Codes"].iter_rows(values_only=True)) == ("sheet", "column", "code", "label", "retired")
    comments = [cell.comment.text for cell in next(book["cases"].iter_rows()) if cell.comment]
    assert any("Required." in text for text in comments)
    assert "the Codes sheet lists the codes" in _text(book["README"])


def _filled_in(data: bytes, case_number: str) -> bytes:
    """The template with its example case given another case number, as a clinician fills it in."""
    book = load_workbook(io.BytesIO(data))
    for name in DATA_SHEETS:
        for row in book[name].iter_rows(min_row=2):
            for cell in row:
                if cell.value == EXAMPLE_CASE_NUMBER:
                    cell.value = case_number
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("upload_lang", ["ru", "en"])
def test_a_russian_template_filled_in_imports_in_either_language(people, center_a, upload_lang):
    with translation.override("ru"):
        data = _filled_in(template_xlsx(), "2024-15")
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Инструкция"
    with translation.override(upload_lang):
        job = svc.import_check(user=people.entry_a, center=center_a, file_name="шаблон.xlsx", data=data)
        assert job.status == ImportJob.Status.CHECKED, job.problems
        job = svc.import_commit(user=people.entry_a, job=job)
    assert job.status == ImportJob.Status.COMMITTED
    assert m.Case.objects.filter(center=center_a, center_case_number="2024-15").exists()


def test_the_dictionary_xlsx_in_russian_names_its_sheets_and_headings_in_russian(client, people):
    book = _book(client, people.coordinator, "registry:dictionary_download", "ru")
    assert book.sheetnames == ["Переменные", "Коды"]
    variables = list(book["Переменные"].iter_rows(values_only=True))
    assert variables[0][:5] == ("переменная", "название", "таблица", "тип", "единица")
    day = next(r for r in variables if r[0] == "day" and r[2] == "response")
    assert day[4] == "день протокола"
    assert next(r for r in variables if r[0] == "age_days")[4] == "дни"
    codes = list(book["Коды"].iter_rows(values_only=True))
    assert codes[0] == ("таблица", "переменная", "код", "название", "выведен из употребления")
    english = _book(client, people.coordinator, "registry:dictionary_download", "en")
    assert english.sheetnames == ["Variables", "Codes"]
    assert next(english["Variables"].iter_rows(values_only=True))[:3] == ("variable", "label", "table")
