"""The analysis dataset downloaded in Russian: the sheets, headings, type words, units, the README, the labels of
yes/no and the SPSS labels read Russian; the column names, codes and CSV data stay codes; English stays English."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import pyreadstat
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.analytics import fixtures

people, center_a, center_b, case_a = fixtures.people, fixtures.center_a, fixtures.center_b, fixtures.case_a
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db

ABOUT_RU = "О наборе данных"  # noqa: RUF001 (Russian)
SHEETS_RU = [ABOUT_RU, "cases", "findings", "adverse_events", "assessments", "Переменные", "Коды"]


def _download(client, user, fmt, lang):
    client.force_login(user)
    response = client.get(reverse("analytics:export_file", args=[fmt]), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return response.getvalue() if getattr(response, "streaming", False) else response.content


def _rows(ws):
    return list(ws.iter_rows(values_only=True))


def test_the_workbook_in_russian_names_its_sheets_headings_and_words_in_russian(client, people, case_a):
    book = load_workbook(io.BytesIO(_download(client, people.coordinator, "xlsx", "ru")))
    assert book.sheetnames == SHEETS_RU
    about = dict(_rows(book[ABOUT_RU]))
    assert about["Набор данных"] == "Псевдонимизированный набор данных для анализа"  # noqa: RUF001 (Russian)
    assert about["Кто выгрузил"] == people.coordinator.get_username()
    assert about["Фильтры"].startswith("Все центры; ")  # noqa: RUF001 (a sentence, not the log's codes)
    assert about["Правила записи"].startswith("Псевдонимизированный набор данных регистра для анализа. cases: одна")
    variables = _rows(book["Переменные"])
    assert variables[0] == ("таблица", "переменная", "название", "тип", "единица", "число кодов", "описание")
    by_name = {(r[0], r[1]): r for r in variables[1:]}
    assert by_name[("cases", "age_days")][3:5] == ("целое число", "дни")
    assert by_name[("assessments", "day")][4] == "день протокола"
    assert by_name[("cases", "trm")][3] == "да/нет"
    codes = _rows(book["Коды"])
    assert codes[0] == ("таблица", "переменная", "число (SPSS/Stata)", "код", "название")
    assert ("cases", "trm", 1, "TRUE", "Да") in codes and ("cases", "trm", 0, "FALSE", "Нет") in codes
    # The data sheets keep their column names and codes: a program reads them.
    assert _rows(book["cases"])[0][:3] == ("case_key", "center", "sex")


def test_the_zip_in_russian_has_a_russian_readme_and_dictionary_and_csv_data_in_codes(client, people, case_a):
    bundle = zipfile.ZipFile(io.BytesIO(_download(client, people.coordinator, "zip", "ru")))
    readme = bundle.read("README.txt").decode()
    assert readme.startswith("Набор данных: Псевдонимизированный набор данных для анализа\n")  # noqa: RUF001
    assert "ответы «да/нет» — 0 «Нет» / 1 «Да»" in readme and "one row per" not in readme
    variables = list(csv.reader(io.StringIO(bundle.read("variables.csv").decode())))
    assert variables[0] == ["таблица", "переменная", "название", "тип", "единица", "число кодов", "описание"]
    codes = list(csv.reader(io.StringIO(bundle.read("codes.csv").decode())))
    assert ["cases", "trm", "1", "TRUE", "Да"] in codes
    cases = list(csv.reader(io.StringIO(bundle.read("cases.csv").decode())))
    assert cases[0][:3] == ["case_key", "center", "sex"] and cases[1][2] in ("M", "F")
    script = bundle.read("read_dataset.R").decode()
    assert script.startswith("# Читает псевдонимизированный набор данных регистра")
    assert "Reads the registry" not in script


def test_the_spss_file_in_russian_labels_yes_and_no_in_russian(client, people, case_a):
    data = _download(client, people.coordinator, "sav", "ru")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.sav"
        path.write_bytes(data)
        _frame, meta = pyreadstat.read_sav(str(path))
    assert meta.file_label == "Набор данных регистра: случаи"  # noqa: RUF001 (Russian)
    assert meta.variable_value_labels["trm"] == {0: "Нет", 1: "Да"}


def test_the_english_downloads_stay_english(client, people, case_a):
    book = load_workbook(io.BytesIO(_download(client, people.coordinator, "xlsx", "en")))
    assert book.sheetnames == ["About", "cases", "findings", "adverse_events", "assessments", "Variables", "Codes"]
    about = dict(_rows(book["About"]))
    assert about["Dataset"] == "Pseudonymized analysis dataset" and about["Filters"].startswith("All centers; ")
    assert _rows(book["Variables"])[0] == ("table", "variable", "label", "type", "unit", "codes", "description")
    assert {(r[1], r[3]): r[4] for r in _rows(book["Codes"])[1:]}[("trm", "TRUE")] == "Yes"
    bundle = zipfile.ZipFile(io.BytesIO(_download(client, people.coordinator, "zip", "en")))
    assert bundle.read("README.txt").decode().startswith("Dataset: Pseudonymized analysis dataset\n")
    assert bundle.read("read_dataset.R").decode().startswith("# Reads the registry's pseudonymized analysis dataset")
