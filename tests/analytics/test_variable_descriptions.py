"""analytics.variables: each derived variable's description is one translated sentence (no English left in
Russian), its codes marked only when asked for; the dataset export's Variables sheet reads it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from analytics.exports import dataset_export
from analytics.runs.options import RunFilters
from analytics.variables import dataset_variables
from registry.dictionary import DERIVED
from tests.analytics import fixtures

people, center_a, center_b, case_a = fixtures.people, fixtures.center_a, fixtures.center_b, fixtures.case_a
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db


def _words(lang: str, **kwargs) -> dict:
    with translation.override(lang):
        return {(v.table, v.name): v for v in dataset_variables(**kwargs)}


def test_every_derived_description_and_unit_has_its_russian_sentence():
    english, russian = _words("en"), _words("ru")
    untranslated = [
        (key, field, getattr(variable, field))
        for key, variable in english.items()
        for field in ("derived_from", "unit", "description")
        if variable.source == DERIVED and getattr(variable, field)
        and getattr(variable, field) == getattr(russian[key], field)
    ]  # fmt: skip
    assert not untranslated, untranslated


def test_the_lab_columns_say_their_time_point_by_its_label():
    english, russian = _words("en"), _words("ru")
    assert english[("cases", "lab_wbc_post")].description.startswith(
        "From the laboratory panel of time point 'After induction'."
    )
    assert russian[("cases", "lab_wbc_baseline")].description.startswith(
        "Из лабораторной панели временной точки «При диагнозе»."
    )


def test_codes_are_marked_only_for_a_page():
    plain, marked = _words("ru"), _words("ru", marked=True)
    assert plain[("cases", "cr")].derived_from == "да, если cr_status = CR"
    assert marked[("cases", "cr")].derived_from == "да, если `cr_status` = `CR`"
    assert not any("`" in v.derived_from + v.description for v in plain.values())


def test_the_dataset_exports_variables_sheet_gives_the_russian_description(people, case_a):
    with translation.override("ru"):
        data = dataset_export(
            people.coordinator, filters=RunFilters(apply_exclusions=False), fmt="xlsx", data_cut=date(2021, 6, 1)
        ).data
    rows = load_workbook(io.BytesIO(data))["Переменные"].iter_rows(min_row=2, values_only=True)
    described = {(r[0], r[1]): r[-1] for r in rows}
    assert described[("cases", "trm")] == "да, если у события смерти указана причина «Связанная с лечением (TRM)»"  # noqa: RUF001
    assert described[("cases", "efs_event")] == "как в efs_first_event"
