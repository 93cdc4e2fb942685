# ruff: noqa: RUF001 (short Russian words are written in Cyrillic on purpose)
"""What a coordinator reads on the plan pages: labels, never codes or Python values, in English and in Russian.

Every plan page is rendered for a plan that uses each kind of variable, condition, group and setting, with a
history of changes; its visible text is searched for codes (snake_case names, analysis keys, method and setting
codes) and Python literals. In Russian, the page must show Russian headings and none of the English sentences of
the plans' own catalog entries (the plan's name and titles typed by a user are data and stay as typed)."""

from __future__ import annotations

import ast
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.runs.options import RunFilters
from analytics.studies.builtin import install_builtin_plans
from analytics.studies.models import AnalysisPlan
from analytics.studies.services import plan_create, plan_register, plan_update

pytestmark = pytest.mark.django_db

OWN_SOURCES = ("analytics/studies/", "analytics/plans/", "templates/studies/")
CODE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")  # kmt2a_status, early_infant, lab_wbc_baseline, ci_method
SETTING_CODES = re.compile(r"\b(km|cif|cox|chisq|wilson_cc|clopper_pearson|efs-by-risk|tox-flow|cox-mrd|efs-any)\b")
PYTHON_LITERALS = re.compile(r"\b(True|False|None)\b(?! [a-z])|\[\]|\{\}|\{'|\['|\(\)")  # not "None ticked"
RUSSIAN_HEADINGS = {
    "studies:plan_list": ["Планы анализа", "Последняя версия"],
    "studies:plan_detail": ["Популяция", "Расчёты по этому плану", "Версии", "Исход", "Метод"],
    "studies:plan_edit": ["План", "Популяция", "Сохранить", "Сравниваемые группы"],
    "studies:plan_history": ["История", "Изменения", "Создан черновик версии 2"],
    "studies:version_detail": ["Популяция", "Исход", "Только случаи, где:"],
    "studies:version_check": ["проверка на сегодняшних данных", "Проблема"],
    "studies:plan_register": ["Регистрация версии 2", "Популяция"],
    "studies:plan_archive": ["Архивировать", "Ничего не удаляется"],
}


def _spec() -> PlanSpec:
    return PlanSpec(
        name="Infants with KMT2A",
        question="Who does better?",
        filters=RunFilters(centers=("AAA",), lineages=("ALL",), year_from=2015, year_to=2024, cal_only=False),
        conditions=(
            Condition(Variable.of("kmt2a_status"), "in", ("rearranged",)),
            Condition(Variable.of("age_class"), "in", ("CAL", "early_infant")),
            Condition(Variable.of("age_days"), "lt", 365),
            Condition(Variable.of("hsct"), "is_false"),
            Condition(Variable.of("lab_wbc_baseline", cutoff=300.0), "is_known"),
        ),
        analyses=(
            Analysis(
                key="efs-by-risk",
                title="EFS by cytogenetics",
                outcome=Outcome("efs"),
                method="km",
                exposure=Variable.of("risk_class"),
                groups=(Group("favorable", ("favorable",)), Group("bad", ("unfavorable", "intermediate"))),
                times=(730.0, 1825.0),
                stratify_center=True,
            ),
            Analysis(
                key="tox-flow",
                title="Toxicity by age",
                outcome=Outcome("toxicity", min_grade=3),
                method="proportions",
                exposure=Variable.of("age_lt_6m"),
                groups=(Group("under 6 months", (True,)), Group("older", (False,))),
                test="chisq_yates",
                ci_method="clopper_pearson",
                pool_centers=True,
            ),
            Analysis(
                key="cox-mrd",
                title="EFS by MRD",
                outcome=Outcome("efs"),
                method="cox",
                exposure=Variable.of("mrd_positive", method="flow", day_from=40, day_to=50),
                covariates=(Variable.of("lab_wbc_baseline", cutoff=300.0), Variable.of("sex")),
                landmark_days=50,
            ),
            Analysis(
                key="efs-any",
                title="Relapse or death",
                outcome=Outcome("composite", events=("relapse", "death")),
                method="proportions",
                exposure=Variable.of("finding_gene", genes=["NUTM1"]),
            ),
        ),
    )


@pytest.fixture
def plan(people, center_a):
    spec = _spec()
    version = plan_create(user=people.coordinator, spec=spec, note="First draft")
    plan = version.plan
    plan_register(user=people.coordinator, version=version)
    plan.refresh_from_db()
    changed = replace(
        spec,
        name="Infants with KMT2A, revised",
        filters=replace(spec.filters, cal_only=True),
        conditions=spec.conditions[:2],
        analyses=(replace(spec.analyses[0], method="cox", stratify_center=False), *spec.analyses[2:]),
    )
    plan_update(user=people.manager, plan=plan, spec=changed, expected_version=plan.revision, note="Cox instead")
    plan.refresh_from_db()
    return plan


def _urls(plan: AnalysisPlan) -> dict[str, str]:
    return {
        "studies:plan_list": reverse("studies:plan_list"),
        "studies:plan_detail": reverse("studies:plan_detail", args=[plan.pk]),
        "studies:plan_edit": reverse("studies:plan_edit", args=[plan.pk]),
        "studies:plan_history": reverse("studies:plan_history", args=[plan.pk]),
        "studies:version_detail": reverse("studies:version_detail", args=[plan.pk, 1]),
        "studies:version_check": reverse("studies:version_check", args=[plan.pk, 1]),
        "studies:plan_register": reverse("studies:plan_register", args=[plan.pk]),
        "studies:plan_archive": reverse("studies:plan_archive", args=[plan.pk]),
    }


def visible_text(body: str, *, with_inputs: bool = False) -> str:
    """What a reader sees in the page's main part: no head, no menu, no tags (and no typed input by default)."""
    body = body.split("<main", 1)[-1]
    if not with_inputs:  # the form's own syntax (typed variables, conditions) is what the user wrote
        body = re.sub(r"(?s)<textarea.*?</textarea>", " ", body)
    body = re.sub(r"(?s)<(script|style).*?</\1>", " ", body)
    body = re.sub(r"(?s)<(code|kbd|samp|pre)\b.*?</\1>", " ", body)  # the plan syntax, written as it is typed
    body = re.sub(r"(?s)<(\w+)\b[^>]*\blang=\"[^\"]*\"[^>]*>.*?</\1>", " ", body)  # a quotation in its own language
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def _our_english_sentences() -> list[str]:
    """The English text of every catalog entry made from the plans' files: each static fragment of two words or
    more (placeholders split a sentence into fragments)."""
    po = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    sentences: set[str] = set()
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        locations = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        if not any(source in locations for source in OWN_SOURCES):
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not match:
            continue
        msgid = "".join(ast.literal_eval(part) for part in re.findall(r'".*"', match.group(1)))
        for fragment in re.split(r"\{[^}]*\}|%\([a-z_]+\)s|<[^>]+>", msgid):
            fragment = fragment.strip(" .,:;()“”")
            if len(fragment.split()) >= 2:
                sentences.add(fragment)
    return sorted(sentences)


def test_every_plan_page_shows_labels_and_sentences_not_codes(client, people, plan):
    client.force_login(people.coordinator)
    for url in _urls(plan).values():
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not PYTHON_LITERALS.search(text), (url, PYTHON_LITERALS.search(text), text)
        assert not CODE.findall(text), (url, CODE.findall(text))
        assert not SETTING_CODES.findall(text), (url, SETTING_CODES.findall(text))


def test_the_plan_reads_as_sentences_with_the_dictionarys_labels(client, people, plan):
    client.force_login(people.coordinator)
    text = visible_text(client.get(reverse("studies:version_detail", args=[plan.pk, 1])).content.decode())
    for expected in (
        "KMT2A status is one of: KMT2A rearranged",
        "Age class is one of: Congenital: 0-28 days, Early infant: 29 days to 3 calendar months",
        "Age at diagnosis is under 365 days",
        "Stem cell transplant: no",
        "WBC, at diagnosis ≥ 300 x10^9/L is known",
        "Centers: Center A",
        "lineage: Acute lymphoblastic leukemia",
        "diagnosed from 2015 to 2024",
        "Groups compared Favorable; bad: Unfavorable, Intermediate",
        "under 6 months: yes; older: no",
        "MRD positive by flow cytometry between treatment days 40 and 50",
        "Covariates WBC, at diagnosis ≥ 300 x10^9/L; Sex",
        "any of: relapse, death",
        "a finding names NUTM1",
        "Outcome toxicity of grade ≥ 3",
        "Test χ² with Yates' correction",
        "Confidence intervals Clopper-Pearson",
        "Stratified by center yes",
    ):
        assert expected in text, (expected, text)


def test_the_history_names_each_change_in_the_pages_words(client, people, plan):
    client.force_login(people.coordinator)
    text = visible_text(client.get(reverse("studies:plan_history", args=[plan.pk])).content.decode())
    assert "Name: Infants with KMT2A → Infants with KMT2A, revised" in text
    assert "congenital acute leukemia only" in text
    assert "Analysis “EFS by cytogenetics”, method: Kaplan-Meier estimates with the log-rank test → Cox" in text
    assert "Analysis “Toxicity by age” removed" in text
    assert "Conditions: KMT2A status is one of: KMT2A rearranged;" in text
    assert "Note: Cox instead" in text


@pytest.mark.parametrize("how", ["header", "cookie"])
def test_every_plan_page_is_in_russian_with_no_english_sentence_of_ours(client, people, plan, how):
    client.force_login(people.coordinator)
    if how == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
        headers = {}
    else:
        headers = {"HTTP_ACCEPT_LANGUAGE": "ru"}
    english = _our_english_sentences()
    assert len(english) > 200  # the catalog holds the plans' sentences
    for name, url in _urls(plan).items():
        text = visible_text(client.get(url, **headers).content.decode(), with_inputs=True)
        text = re.sub(r"'[^']*'", " ", text)  # the plan syntax quoted in the help ('name is known') stays as typed
        for heading in RUSSIAN_HEADINGS[name]:
            assert heading in text, (url, heading, text)
        left = [s for s in english if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)]
        assert not left, (url, left)


def test_a_refused_plan_is_explained_in_russian(client, people):
    client.force_login(people.coordinator)
    data = {
        "name": "Plan",
        "conditions": "kmt2a_stats in rearranged",
        "apply_exclusions": "on",
        "analyses-TOTAL_FORMS": "1",
        "analyses-INITIAL_FORMS": "0",
        "analyses-MIN_NUM_FORMS": "0",
        "analyses-MAX_NUM_FORMS": "30",
        "analyses-0-key": "Bad Key",
        "analyses-0-outcome": "efs",
        "analyses-0-method": "proportions",
        "analyses-0-times": "730",
        "analyses-0-test": "auto",
        "analyses-0-ci_method": "wilson",
        "save": "1",
    }
    body = client.post(reverse("studies:plan_new"), data, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    text = visible_text(body)
    assert "Строка 1: Неизвестная переменная 'kmt2a_stats'. Возможно, имелась в виду 'kmt2a_status'?" in text
    assert "Unknown variable" not in text and "Line 1" not in text
    data["conditions"] = ""
    data["analyses-0-key"] = "efs"
    text = visible_text(client.post(reverse("studies:plan_new"), data, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "Метод proportions не применим к исходу efs" in text, text
    assert not AnalysisPlan.objects.exists()


def test_a_shipped_plan_reads_in_russian_while_its_stored_spec_stays_as_registered(client, people):
    install_builtin_plans()
    plan = AnalysisPlan.objects.get(slug="seed-000-almaty")
    assert plan.latest_version().spec["name"].startswith("Seed 000: cytogenetics")
    client.force_login(people.coordinator)
    url = reverse("studies:plan_detail", args=[plan.pk])
    russian = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    assert "Исследование 000: цитогенетика, ремиссия" in russian
    assert "ПР по окончании индукции, благоприятная и неблагоприятная цитогенетика" in russian
    assert "Поставляется" in russian
    assert "Seed 000" not in russian and "Shipped with the registry" not in russian
    english = visible_text(client.get(url).content.decode())
    assert "Seed 000: cytogenetics, remission" in english and "Исследование" not in english
    assert "Groups compared non-CR: Induction failure" not in english  # levels shown by their labels
    assert not CODE.findall(english), CODE.findall(english)


def _verdict_reasons() -> list[str]:
    """Verdict sentences as a run's results store them (plain English), for estimates, ratios and p."""
    from analytics.plans.claims import builtin_plan
    from analytics.plans.result import AnalysisResult, Effect
    from analytics.plans.verdict import verdict_for

    plan = builtin_plan("seed-000-almaty")
    hr = next(a.claim for a in plan.analyses if a.claim is not None and a.claim.effect == "hazard_ratio")
    result = AnalysisResult(key="k", title="t", method="cox", n=40, n_events=12)
    result.effects = [Effect("hazard_ratio", 2.0, 0.9, 4.4, 0.08, "cox", comparison="unfavorable vs favorable")]
    estimates = next(a.claim for a in builtin_plan("seed-001-moscow").analyses if a.claim.effect == "estimate")
    km = AnalysisResult(key="k", title="t", method="km", n=9, n_events=3)
    km.effects = [Effect("estimate", 0.7, 0.55, 0.9, None, "km", comparison="NUTM1-r", at_time=730.0)]
    p_claim = next(a.claim for a in plan.analyses if a.claim is not None and a.claim.effect == "p")
    p_result = AnalysisResult(key="k", title="t", method="proportions", n=20, n_events=5)
    p_result.effects = [Effect("p", None, None, None, 0.3, "fisher")]
    return [verdict_for(hr, result).reason, verdict_for(estimates, km).reason, verdict_for(p_claim, p_result).reason]


def test_a_stored_verdict_sentence_reads_in_russian_and_stays_english_in_the_results():
    from django.utils import translation

    from analytics.studies.i18n import translated

    reasons = _verdict_reasons()
    assert reasons[0].startswith("The published hazard ratio (unfavorable vs favorable)")
    with translation.override("ru"):
        russian = [translated(r) for r in reasons]
    assert russian[0].startswith("Опубликованное значение «отношение рисков (unfavorable vs favorable)»"), russian[0]
    assert "лежит внутри объединённого 95% ДИ" in russian[0] or "лежит выше" in russian[0] or "ниже" in russian[0]
    assert "Опубликованное значение нельзя пересчитать" in russian[0]
    assert russian[1].startswith("NUTM1-r: опубликованное значение «оценка на 730 дней»"), russian[1]
    assert "опубликованное p =" in russian[2].lower(), russian[2]
    for sentence in russian[1:]:
        assert not re.search(r"\b(the|published|pooled|is|inside|below|above)\b", sentence), sentence


def test_the_reasons_a_run_stores_read_in_russian():
    from django.utils import translation

    from analytics.studies.i18n import translated

    stored = {
        "Not run: the data admit no estimate (the Cox model cannot be estimated: group 'x' has no cases; it is left "
        "out of the model).": "Не выполнен: данные не позволяют получить оценку (модель Кокса не удаётся оценить: в "
        "группе 'x' нет случаев; она исключена из модели).",
        "Not pooled across centers: pooling proportions needs an exposure with exactly two groups": "Не объединено по "
        "центрам: для объединения долей нужен фактор ровно с двумя группами",
        "event before the landmark (day 50)": "событие до ориентира (день 50)",
        "smallest expected count 2.57 < 5: Fisher's exact test (plan: auto)": "наименьшая ожидаемая частота 2.57 < 5: "
        "точный критерий Фишера (в плане: автоматически)",
    }
    with translation.override("ru"):
        for english, russian in stored.items():
            assert translated(english) == russian
    assert translated("A title a user typed: EFS by risk") == "A title a user typed: EFS by risk"


def test_a_level_named_in_a_check_is_shown_by_its_label():
    from analytics.plans.validate import LEVEL_ABSENT
    from analytics.plans.words import text
    from analytics.studies.i18n import VariableWords, translated

    shown = translated(text(LEVEL_ABSENT, level="no_CR", variable="cr_status"), VariableWords())
    assert shown.startswith("level 'No complete remission (induction failure)' of Response at the end of induction:"), (
        shown
    )
