"""The run pages and a run's files as a person reads them: sentences and labels, never codes or Python literals,
and the whole report in the language the run was asked for."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from tests.canvas import run_canvas

pytestmark = pytest.mark.django_db

CODES = ("induction_failure_dating", "induction_window_days", "ci_transform", "rule_version", "apply_exclusions")
CODES += ("cal_only", "year_from", "year_to", "day0")
LITERALS = ("[]", "{'", "False", "True", "None")


def _main(body: str) -> str:
    """The page's own content (the menu and footer belong to other pages' owners)."""
    return body.split("<main", 1)[-1].split("</main>", 1)[0] if "<main" in body else body


def _file(run: AnalysisRun, kind: str) -> bytes:
    artifact = run.source.artifacts.get(kind=kind, name="report")
    with artifact.file.open("rb") as handle:
        return handle.read()


def test_the_run_page_shows_filters_and_settings_as_sentences(client, web, media_root):
    client.force_login(web.coordinator)
    body = _main(client.get(reverse("analytics:run_detail", args=[web.pooled.pk])).content.decode())
    for sentence in ("All centers", "All lineages", "All diagnosis years", "Induction failure dated from day 0"):
        assert sentence in body, sentence
    assert "± 14 days" in body and "Recorded exclusions applied" in body and "Yes" in body
    assert [c for c in CODES if re.search(rf"\b{c}\b", body)] == []
    assert [lit for lit in LITERALS if lit in body] == []


def test_the_run_list_and_report_page_show_no_code_or_literal(client, web, media_root):
    client.force_login(web.coordinator)
    for url in (reverse("analytics:run_list"), reverse("analytics:run_report", args=[web.pooled.pk])):
        body = _main(client.get(url).content.decode())
        assert [c for c in CODES if re.search(rf"\b{c}\b", body)] == [], url
        found = [lit for lit in LITERALS if lit in body]
        assert found == [], [body[max(0, body.index(x) - 300) : body.index(x) + 100] for x in found]
    body = client.get(reverse("analytics:run_report", args=[web.pooled.pk])).content.decode()
    assert "Induction failure dated from day 0 of induction" in body and "All centers (pooled)" in body


def test_the_run_form_offers_the_report_language_in_the_users_language(client, web):
    client.force_login(web.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    body = client.get(reverse("analytics:run_new")).content.decode()
    assert 'name="language"' in body and '<option value="ru" selected>' in body
    assert "Язык отчёта" in body and "Начать объединённый анализ" in body


def test_a_run_asked_for_in_russian_writes_every_file_in_russian(client, web, media_root):
    run = run_request(user=web.coordinator, filters=RunFilters(), settings=RunSettings(), language="ru")
    run_canvas(run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    # The same rows and settings in English were analysed already: a report in another language is not reused.
    assert run.language == "ru" and run.reused_from_id is None and web.pooled.language == "en"
    client.force_login(web.coordinator)
    page = client.get(reverse("analytics:run_report", args=[run.pk])).content.decode()
    for heading in ("1. Когорта", "6. Выживаемость", "8. Методы", "Характеристика при диагнозе"):
        assert heading in page, heading
    for heading in ("1. Cohort", "6. Survival", "8. Methods", "Characteristics at diagnosis"):
        assert heading not in page, heading
    assert re.search(r"\d,\d+%", page) and not re.search(r"\d\.\d+%", page)
    pdf = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(_file(run, RunArtifact.Kind.PDF))).pages)
    assert "Когорта" in pdf and "Cohort" not in pdf and re.search(r"\d,\d+%", pdf)
    workbook = load_workbook(io.BytesIO(_file(run, RunArtifact.Kind.XLSX)))
    assert workbook.sheetnames[0] == "Содержание" and all(len(n) <= 31 for n in workbook.sheetnames)
    assert any("Когорта" in str(c) for row in workbook["Содержание"].iter_rows(values_only=True) for c in row)
    # Asked again in Russian: the Russian run is the one reused.
    again = run_request(user=web.coordinator, filters=RunFilters(), settings=RunSettings(), language="ru")
    run_canvas(again.pk)
    again.refresh_from_db()
    assert again.reused_from_id == run.pk
