"""The analysis variables, their levels and the derived values' reasons in the reader's language (Russian here)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from analytics.derive import reasons
from analytics.exports import dataset_export
from analytics.runs.options import RunFilters
from analytics.variables import variables_by_table
from registry.templatetags.labels import derived_label, derived_reason
from tests.analytics import fixtures

people, center_a, center_b, case_a = fixtures.people, fixtures.center_a, fixtures.center_b, fixtures.case_a
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db


def test_a_variable_and_its_levels_read_russian_on_a_russian_page():
    with translation.override("ru"):
        cases = variables_by_table()["cases"]
        assert str(cases["cr_status"].label) == "Ответ в конце индукции"
        assert str(cases["cr_status"].code_map["no_CR"]) == "Нет полной ремиссии (неудача индукции)"
        assert str(cases["age_class"].code_map["early_infant"]).startswith("Ранний грудной возраст: от 29 дней")
        assert str(cases["wbc_ge_300"].label) == "Лейкоциты при диагнозе ≥ 300 x10^9/л"
        assert str(cases["case_key"].derived_from).startswith("ID случая в регистре")
        assert str(cases["age_reason"].label) == "Причина: возраст"
    assert variables_by_table()["cases"]["cr_status"].label == "Response at the end of induction"  # the source


def test_the_case_pages_derived_labels_and_reasons_read_russian(client, people, case_a):
    with translation.override("ru"):
        assert derived_label("included", "cir_status") == "Включён (в ПР в конце индукции)"
        assert derived_label("germline", "kmt2a_status").endswith("(исследование локуса не выявило перестройки)")
        assert derived_label("not_applicable", "kmt2a_partner") == "Неприменимо (перестройка KMT2A не известна)"
        assert derived_reason(reasons.LINEAGE_NOT_ALL) == "линия не ОЛЛ"
        assert derived_reason(reasons.INTERFANT_INPUTS_UNKNOWN + "WBC") == "неизвестно, но нужно для решения: WBC"
    assert derived_reason(reasons.LINEAGE_NOT_ALL) == "lineage is not ALL"
    client.force_login(people.coordinator)
    page = client.get(reverse("registry:case_detail", args=[case_a.pk]), HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    for english in ("at the end of induction", "KMT2A germline (", "not known to be rearranged", "Congenital: "):
        assert english not in text, english


def test_the_exports_variables_and_codes_sheets_read_russian(people, case_a):
    with translation.override("ru"):
        data = dataset_export(
            people.coordinator, filters=RunFilters(apply_exclusions=False), fmt="xlsx", data_cut=date(2021, 6, 1)
        ).data
    book = load_workbook(io.BytesIO(data))
    described = {(r[0], r[1]): r[2] for r in book["Переменные"].iter_rows(min_row=2, values_only=True)}
    assert described[("cases", "cr_status")] == "Ответ в конце индукции"
    assert described[("cases", "kmt2a_partner")] == "Ген-партнёр KMT2A"
    codes = {(r[1], r[3]): r[4] for r in book["Коды"].iter_rows(min_row=2, values_only=True)}
    assert codes[("cr_status", "CR")] == "Полная ремиссия в конце индукции"
    assert codes[("cir_status", "included")] == "Включён (в ПР в конце индукции)"
