"""A run report asked for in Russian names its statistical methods, per-center notes, compared groups and values
in Russian; the same report in English keeps the English names (issue 12)."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from django.utils import translation

from analytics.core.tables.constants import TOO_FEW_PAIRS
from analytics.plans.claims import builtin_plan
from analytics.plans.execute import NOT_RUN, execute_plan
from analytics.plans.validate import CONSTANT_COVARIATE, EMPTY_GROUP, LEVEL_ABSENT
from analytics.plans.words import text
from analytics.reports import build_report
from analytics.reports.i18n import core_message
from analytics.reports.sections.plans import _Words, plan_sections
from tests.analytics.plans.helpers import synthetic_dataset

from .synthetic import make_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seed000_result(django_db_setup, django_db_blocker):
    """Seed 000's shipped plan (proportions with pooled odds ratios, KM, Cox) run on synthetic records."""
    with django_db_blocker.unblock():
        return execute_plan(
            builtin_plan("seed-000-almaty"), synthetic_dataset(300, n_centers=4, seed=3), plan_meta={"id": 1}
        )


def _read(sections) -> str:
    """Every word a reader sees in the plan sections' tables: titles, columns, cells, notes, method lines."""
    out = []
    for section in sections:
        for table in section.tables:
            out += [table.title, str(table.method), *map(str, table.columns), *map(str, table.notes)]
            out += [str(cell) for row in table.rows for cell in row]
    return "\n".join(out)


def _tables(result, language: str, ending: str):
    with translation.override(language):
        sections = plan_sections([result], 9)
    return [t for t in sections[0].tables if t.key.endswith(ending)]


def test_a_russian_report_names_the_plan_methods_in_russian(seed000_result):
    with translation.override("ru"):
        text_ru = _read(plan_sections([seed000_result], 9))
    for russian in (
        "доля с 95% ДИ по Уилсону",
        "критерий хи-квадрат Пирсона без поправки",
        "критерий хи-квадрат Пирсона с поправкой Йейтса на непрерывность",
        "разность долей с ДИ Вальда (без поправки Йейтса, как в R)",
        "объединение логарифмов отношений шансов",
    ):
        assert russian in text_ru
    for english in (
        "Wilson score",
        "Pearson's chi-square",
        "with Yates' continuity correction",
        "correct = FALSE",
        "Inverse-variance",
        "DerSimonian-Laird random-effects",
    ):
        assert english not in text_ru


def test_a_russian_report_words_the_compared_groups(seed000_result):
    effects = {t.title: t for t in _tables(seed000_result, "ru", "_effects")}
    comparisons = {row[1] for table in effects.values() for row in table.rows}
    assert "без ПР против группы «ПР»" in comparisons
    assert "токсичность против группы «без токсичности»" in comparisons
    assert "благоприятная против группы «неблагоприятная»" in comparisons
    assert not any(" vs " in c for c in comparisons)
    verdicts = [n for t in _tables(seed000_result, "ru", "_claim") for n in t.notes if n.startswith("Вывод")]
    assert any("против группы" in v for v in verdicts), verdicts
    assert not any(" vs " in v for v in verdicts), verdicts


def test_an_english_report_keeps_the_english_method_names_and_groups(seed000_result):
    with translation.override("en"):
        text_en = _read(plan_sections([seed000_result], 9))
    assert "proportion with Wilson score 95% CI" in text_en
    assert "Pearson's chi-square test (uncorrected)" in text_en
    assert "Pearson's chi-square test with Yates' continuity correction" in text_en
    assert "difference of proportions with Wald CI (R prop.test, correct = FALSE)" in text_en
    assert "non-CR vs CR" in text_en and "toxicity vs no toxicity" in text_en
    assert "против" not in text_en


def test_a_center_left_out_of_the_pooling_is_explained_in_russian():
    with translation.override("ru"):
        words = _Words()
        note = words.pooled(
            {
                "method": "Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log odds "
                "ratios",
                "message": "no center has an estimable odds ratio; nothing to pool",
                "excluded": [{"reason": "odds ratio not estimable: no cases in group 'non-CR' in this center"}],
            }
        )
    assert (
        note["excluded"][0]["reason"] == "отношение шансов не оценивается: в этом центре нет случаев в группе 'без ПР'"
    )
    assert note["message"] == "ни в одном центре отношение шансов не оценивается; объединять нечего"
    assert note["method"].startswith("объединение логарифмов отношений шансов")


def test_group_labels_and_yes_no_levels_in_a_plans_problems_read_in_russian():
    made = text(EMPTY_GROUP, label="male", variable="sex")
    stored = str(made)  # a run's stored results: the same sentence read back as plain English
    absent = text(LEVEL_ABSENT, level="no", variable="finding_gene (genes ['NUTM1'])")
    mrd = "mrd_positive (day_from 43, day_to 49, flow_threshold 0.01, method flow)"
    constant = text(CONSTANT_COVARIATE, label=mrd, value="no")
    not_run = text(NOT_RUN, reasons=constant)  # the reason an analysis was not run, as a value of its own
    with translation.override("ru"):
        words = _Words()
        shown = [words.sentence(s) for s in (made, stored, absent, constant, not_run)]
    assert all("'мальчики'" in s for s in shown[:2]), shown
    assert "'нет'" in shown[2] and "'no'" not in shown[2], shown[2]
    assert "между 43 и 49 днями лечения" in shown[3] and "(нет)" in shown[3], shown[3]
    assert "day_from" not in shown[3] and "method flow" not in shown[3]
    assert shown[4].startswith("Не выполнен: ковариата «МОБ положительная") and "day_from" not in shown[4], shown[4]


def test_core_notes_with_counts_and_cox_terms_read_in_russian():
    loglik = (
        "Loglik converged before variable(s) risk_classintermediate, risk_classunfavorable; coefficient may be "
        "infinite (R's warning: perfect separation or a group without events)"
    )
    with translation.override("ru"):
        pairs = core_message(TOO_FEW_PAIRS.format(n=1))
        terms = core_message(loglik)
        no_events = core_message("no events in this group: S(t) stays at 1 and the median is not reached")
    assert pairs == "полных пар: 1; для парного сравнения нужно не меньше 2"
    assert "Цитогенетическая группа риска: промежуточный" in terms, terms
    assert "classintermediate" not in terms and "Risk class" not in terms
    assert no_events.startswith("в этой группе нет событий")
    with translation.override("en"):
        assert core_message(TOO_FEW_PAIRS.format(n=1)) == "1 complete pair(s); a paired comparison needs at least 2"


def test_a_russian_report_shows_the_cns_status_in_russian():
    with translation.override("ru"):
        report = build_report(make_dataset(120, n_centers=3, seed=2), settings={}, metadata={})
    symptoms = next(t for s in report.sections for t in s.tables if t.key == "presentation_symptoms")
    cns = [row[0] for row in symptoms.rows if row[0].startswith("Статус ЦНС")]
    assert cns == ["Статус ЦНС ЦНС1", "Статус ЦНС ЦНС2", "Статус ЦНС ЦНС3"], cns
