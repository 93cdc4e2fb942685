"""Values a report cannot estimate read as words, and the messages of the statistics read as sentences in the
report's language, with a covariate named by its label: never "inf", "nan", a column code or "log-log"."""

from __future__ import annotations

import math
import re

from django.utils import translation

from analytics.reports.figures import draw_figure
from analytics.reports.format import fmt_ci, fmt_hr, fmt_num
from analytics.reports.i18n import core_message, method_name, settings_items
from analytics.reports.model import Figure

NO_VARIANCE = "covariate 'age_lt_6m' has no variance; its coefficient is not estimable (NaN, R gives NA)"
INF = float("inf")
NAN = float("nan")


def test_an_infinite_confidence_limit_reads_not_estimable():
    with translation.override("en"):
        assert fmt_hr(2.5, 0.0, INF) == "2.50 (0.00\u2013not estimable)"
        assert fmt_num(INF) == "not estimable"
    with translation.override("ru"):
        text = fmt_ci(0.5, 0.1, INF)
        assert "не оценивается" in text and "inf" not in text


def test_a_covariate_without_variance_is_named_by_its_label_in_both_languages():
    with translation.override("en"):
        text = core_message(NO_VARIANCE)
    assert (
        text
        == "Under 6 months at diagnosis has the same value in every case analysed: its coefficient cannot be estimated"
    )
    with translation.override("ru"):
        text = core_message(NO_VARIANCE)
    assert "младше 6 месяцев" in text.lower() and "коэффициент не оценивается" in text
    assert not re.search(r"age_lt_6m|NaN|variance|[A-Za-z]{3,} [A-Za-z]{3,}", text)


def test_the_warnings_of_the_statistics_read_without_class_names_or_codes():
    raw = (
        "ConvergenceWarning: ran out of iterations (20) and did not converge; "
        "DegenerateDataWarning: no events among the 7 rows analysed: the Cox model cannot be estimated; "
        + NO_VARIANCE.replace("age_lt_6m", "wbc_ge_300")
    )
    with translation.override("ru"):
        text = core_message(raw)
    assert "модель не сошлась за 20 итераций" in text
    assert "среди 7 анализируемых случаев нет событий" in text
    assert "Лейкоциты при диагнозе" in text
    assert not re.search(r"Warning|wbc_ge_300|rows analysed|NaN", text)


def test_the_ci_transform_is_translated_in_methods_and_settings():
    method = "Kaplan-Meier with Greenwood variance, log-log 95% pointwise CI"
    with translation.override("en"):
        assert "log-log" in method_name(method)
    with translation.override("ru"):
        text = method_name(method)
        settings = dict(settings_items({"conf_type": "log-log"}))
    assert text.endswith("поточечный 95% ДИ (преобразование двойного логарифма)")
    assert "log-log" not in " ".join(settings.values())
    assert "двойного логарифма" in settings["Доверительные интервалы"]


def test_a_forest_plot_of_one_center_says_i2_is_not_estimable():
    figure = Figure(
        "forest",
        "HR",
        "forest",
        {
            "rows": [{"label": "AAA", "hr": 2.0, "lower": 1.0, "upper": 4.0, "weight": 100.0}],
            "pooled": [{"label": "Pooled", "hr": 2.0, "lower": 1.0, "upper": 4.0}],
            "q": 0.0,
            "i2": NAN,
        },
    )
    with translation.override("en"):
        svg = draw_figure(figure)["svg"].decode()
    assert "not estimable" in svg and not re.search(r"\bnan\b", svg)
    assert math.isnan(figure.data["i2"])


def test_why_a_center_is_left_out_of_the_pool_reads_in_russian():
    raw = (
        "hazard ratio not estimable: Loglik converged before variable(s) unfavorable; coefficient may be infinite "
        "(R's warning: perfect separation or a group without events)"
    )
    with translation.override("ru"):
        text = core_message(raw)
    assert text.startswith("отношение рисков не оценивается: ")
    assert "Неблагоприятная цитогенетика" in text
    assert not re.search(r"Loglik|unfavorable|warning", text)


def test_a_russian_report_names_the_endpoints_and_transform_in_russian():
    from analytics.reports.build import build_report
    from tests.analytics.reports.test_words import METADATA, _cohort

    with translation.override("ru"):
        report = build_report(_cohort(), settings={}, metadata=METADATA)
    cells = [str(cell) for table in report.tables() for row in table.rows for cell in row if cell is not None]
    notes = [note for table in report.tables() for note in table.notes] + [t.method or "" for t in report.tables()]
    assert "\u041e\u0412" in cells and "БСВ" in cells  # the abbreviations of OS and EFS
    assert "OS" not in cells and "EFS" not in cells
    words = " ".join(cells + notes)
    assert "log-log" not in words and not re.search(r"\b(?:inf|nan)\b", words)
    assert "DegenerateDataWarning" not in words and "ConvergenceWarning" not in words


def test_the_pooling_of_odds_ratios_is_named_in_russian():
    method = "Inverse-variance fixed-effect and DerSimonian-Laird random-effects pooling of log odds ratios"
    with translation.override("ru"):
        assert method_name(method).startswith("объединение логарифмов отношений шансов")


def test_why_shapiro_wilk_was_not_computed_reads_in_russian():
    with translation.override("ru"):
        few = core_message("Shapiro-Wilk not computed: 2 value(s), it needs at least 3")
        equal = core_message("Shapiro-Wilk not computed: all values are equal")
    assert few == "критерий Шапиро–Уилка не вычислен: значений 2, нужно не меньше 3"  # noqa: RUF001
    assert equal == "критерий Шапиро–Уилка не вычислен: все значения равны"  # noqa: RUF001


def test_the_pooling_messages_read_in_russian():
    with translation.override("ru"):
        one = core_message(
            "only one center has an estimable hazard ratio: the pooled HR is that center's, "
            "and there is no heterogeneity to assess"
        )
        why = core_message("odds ratio not estimable: log odds ratio missing or infinite")
    assert one.startswith("отношение рисков оценивается только в одном центре")
    assert why == "отношение шансов не оценивается: логарифм отношения шансов отсутствует или бесконечен"
