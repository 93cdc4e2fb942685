# ruff: noqa: RUF001 (the Russian wording asserted is written in Cyrillic on purpose)
"""The seeds' published claims in a Russian run report and run page (issue 12): our notes, the paper's test as we
describe it and the plan titles in Russian; the paper's own words kept in English but shown as a quotation. The
English report keeps its English."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from analytics.plans.claims import BUILTIN_PLANS
from analytics.plans.execute import execute_plan
from analytics.reports.sections.plans import plan_sections
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from analytics.studies.selectors import registered_plan_refs
from tests.analytics.plans.helpers import synthetic_dataset
from tests.registry.conftest import center_a, center_b, people  # noqa: F401

pytestmark = pytest.mark.django_db

SEED_000 = dict(BUILTIN_PLANS)["seed-000-almaty"]
OS_QUOTE = next(a.claim.quote for a in SEED_000.analyses if a.key == "os-by-risk")


@pytest.fixture(scope="module")
def stored(django_db_blocker):
    """Seed 000's plan executed on synthetic rows, read back as a run stores it (JSON)."""
    result = execute_plan(SEED_000, synthetic_dataset(200, n_centers=3, seed=5), plan_meta={"id": 1, "version": 1})
    return json.loads(json.dumps(result.to_dict()))


def _section(stored, lang: str):
    with translation.override(lang):
        (section,) = plan_sections([stored], 9)
    return section


def _row(table, index: int) -> list:
    return [str(cell) for cell in table.rows[index]]


def test_a_russian_report_shows_the_claims_notes_tests_and_plan_title_in_russian(stored):
    section = _section(stored, "ru")
    tables = [t for t in section.tables if t.key.endswith("_claim")]
    os_table = next(t for t in tables if "Общая выживаемость" in t.title)
    notes = " ".join(map(str, os_table.notes))
    assert "Нельзя пересчитать по собственным числам источника: В статье всего 2 смерти (таблица 4)." in notes
    assert "лог-ранговый χ² не больше 4.00" in notes  # the numbers and formulas kept as they are
    assert "The paper records" not in notes and "deaths in all" not in notes
    verdict = next(str(n) for n in os_table.notes if str(n).startswith("Вывод:"))
    assert " below " not in verdict and "at or above" not in verdict, verdict
    assert "нельзя пересчитать по собственным данным источника: В статье всего 2 смерти" in verdict, verdict

    cr_table = next(t for t in tables if t.title.startswith("ПР по окончании индукции"))
    assert _row(cr_table, 2)[1] == "не указан (χ² или точный критерий Фишера, «по ситуации»)"
    hr_table = next(t for t in tables if t.title.startswith("Риск события EFS"))
    assert _row(hr_table, 2)[1] == "не указан (модель Кокса, судя по отношению рисков)"
    assert section.title.startswith("План: Исследование 000: цитогенетика, ремиссия, токсичность")


def test_a_russian_report_shows_the_papers_words_as_a_quotation_in_english(stored):
    section = _section(stored, "ru")
    os_table = next(t for t in section.tables if t.key.endswith("_claim") and "Общая выживаемость" in t.title)
    label, quoted, _ours = _row(os_table, 1)
    assert label == "Цитата"
    assert quoted == f"«{OS_QUOTE}» (цитата из статьи, на английском)"


def test_the_english_report_keeps_the_claims_english(stored):
    section = _section(stored, "en")
    tables = [t for t in section.tables if t.key.endswith("_claim")]
    os_table = next(t for t in tables if t.title.startswith("Overall survival"))
    assert _row(os_table, 1)[:2] == ["Quote", OS_QUOTE]
    assert "Not recomputable from the source's own counts: The paper records 2 deaths in all (Table 4)." in " ".join(
        map(str, os_table.notes)
    )
    cr_table = next(t for t in tables if t.title.startswith("CR at the end of induction"))
    assert _row(cr_table, 2)[1] == "not named (χ² or Fisher's exact test, 'as appropriate')"
    assert section.title.startswith("Plan: Seed 000: cytogenetics, remission")
    assert stored["analyses"][0]["claim"]["values"]["test"] == "not named (χ² or Fisher's exact test, 'as appropriate')"


def test_the_run_page_names_a_shipped_plan_in_russian(client, people):  # noqa: F811
    ref = next(r for r in registered_plan_refs() if r["spec"]["name"].startswith("Seed 000"))
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings(plans=(ref,)))
    client.force_login(people.coordinator)
    url = reverse("analytics:run_detail", args=[run.pk])
    russian = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Исследование 000: цитогенетика, ремиссия, токсичность и выживаемость" in russian
    assert "Seed 000" not in russian
    assert "Seed 000: cytogenetics, remission, toxicity and survival" in english


def test_a_stored_problem_names_a_shipped_plans_group_and_a_yes_no_value_in_russian():
    from analytics.studies.i18n import VariableWords, translated

    words = VariableWords()
    with translation.override("ru"):
        group = translated("group 'male' of sex: no case in the analysis", words)
        level = translated(
            "level 'no' of mrd_positive (day_from 43, method flow): no case in the population has it", words
        )
    assert group.startswith("группа 'мальчики' переменной"), group
    assert level.startswith("значение 'нет' переменной"), level


def test_a_problem_made_in_the_same_run_names_the_group_and_the_covariate_in_russian():
    from analytics.plans.validate import CONSTANT_COVARIATE, EMPTY_GROUP
    from analytics.plans.words import text
    from analytics.studies.i18n import VariableWords, translated

    words = VariableWords()
    covariate = "mrd_positive (day_from 43, day_to 49, flow_threshold 0.01, method flow)"
    with translation.override("ru"):
        group = translated(text(EMPTY_GROUP, label="WBC >= 300", variable="wbc_ge_300"), words)
        constant = translated(text(CONSTANT_COVARIATE, label=covariate, value="no"), words)
    assert group.startswith("группа 'Лейкоциты >= 300' переменной"), group
    assert "method flow" not in constant and "проточной цитометрии" in constant and "(нет)" in constant, constant


def test_a_group_named_like_a_computed_variable_is_the_plans_word_not_a_variable_without_its_settings():
    """Seed 000 names its groups 'toxicity' / 'no toxicity': the pooling's note about an empty group must not read
    the group as the toxicity variable with no grade ("grade ≥ None")."""
    from analytics.plans.pooling import CENTER_GROUP_EMPTY
    from analytics.plans.words import text
    from analytics.studies.i18n import VariableWords, translated

    words = VariableWords()
    with translation.override("ru"):
        stored = translated(CENTER_GROUP_EMPTY.format(label="toxicity"), words)
        same_run = translated(text(CENTER_GROUP_EMPTY, label="toxicity"), words)
        described = words.described("toxicity (min_grade 3)")
    for shown in (stored, same_run):
        assert "None" not in shown and "токсичность" in shown, shown
    assert described is not None and "3" in described, described
