"""What a reader sees of the data-quality app is words in their language: rule descriptions and finding messages
with no source path or Python literal, problems and records by their labels (no rule ids, no codes), and in
Russian no English sentence of ours, on every quality page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AccessEvent
from quality.models import Finding
from quality.rules import RULES
from quality.rules.ranges import LAB_LABELS
from quality.services import case_check, query_from_finding
from registry import models as m
from registry.labs import LAB_FIELDS
from tests.factories import make_case, make_full_case, save
from tests.quality.words.catalog import english_left

pytestmark = pytest.mark.django_db

# A source path ("registry/labs.py", "analytics.derive"), or a Python literal ([], {...}, True/False/None).
NOT_WORDS = re.compile(r"\w+/\w+\.py|\b(?:analytics|registry|quality)\.\w+|\[\]|\{|\}|\bTrue\b|\bFalse\b|\bNone\b")
RULE_ID = re.compile(r"\bDQ-[A-Z]+-\d+\b")


@pytest.fixture
def messy(people, center_a):
    """A case with problems of many kinds, some of them written past the entry rules (as an old import would):
    a death dated before birth, a laboratory value no form accepts, a missing CNS status, a relapse without
    remission, a baseline panel far from the diagnosis."""
    case = make_full_case(people.entry_a, center_a, birth=date(2022, 1, 1))
    dx = case.diagnosis.diagnosis_date
    m.Diagnosis.objects.filter(case=case).update(cns_status="")
    m.LabPanel.objects.filter(case=case, timepoint="baseline").update(hemoglobin=999, sample_date=dx + timedelta(30))
    save(people.entry_a, case, m.OutcomeEvent(case=case, kind="relapse", event_date=dx + timedelta(days=20),
                                               relapse_site="marrow"))  # fmt: skip
    # A death before birth, as an import from an older system could leave it: every later record is "after death".
    m.OutcomeEvent.objects.create(case=case, kind="death", event_date=date(2021, 6, 1), death_cause="infection")
    bare = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, bare, m.Diagnosis(case=bare, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
    for one in (case, bare):
        case_check(one)
    return case, bare


def _english_and_russian(text_of):
    with translation.override("en"):
        english = str(text_of())
    with translation.override("ru"):
        russian = str(text_of())
    return english, russian


def test_no_rule_description_or_problem_shows_a_path_a_literal_or_english_in_russian():
    for rule in RULES.values():
        for what in (lambda r=rule: r.description, lambda r=rule: r.problem):
            english, russian = _english_and_russian(what)
            assert english and not NOT_WORDS.search(english), (rule.id, english)
            assert not NOT_WORDS.search(russian) and russian != english, (rule.id, russian)
    english, russian = _english_and_russian(lambda: RULES["DQ-RANGE-001"].description)
    assert "Hemoglobin 20-250 g/L" in english and "Гемоглобин 20–250 g/L" in russian  # noqa: RUF001


def test_every_rule_reports_its_own_problem():
    problems = [str(rule.problem) for rule in RULES.values()]
    assert len(set(problems)) == len(problems)


def test_the_lab_labels_quoted_in_findings_are_all_marked_for_translation():
    assert tuple(spec.label for spec in LAB_FIELDS) == LAB_LABELS


def test_no_finding_message_shows_a_path_or_a_literal(messy):
    findings = Finding.objects.filter(case__in=messy, resolved_at__isnull=True)
    assert findings.count() >= 8
    for finding in findings:
        english, russian = _english_and_russian(lambda f=finding: f.display_message)
        assert english == finding.message
        for text in (english, russian, finding.message):
            assert not NOT_WORDS.search(text) and not RULE_ID.search(text), (finding.rule_id, text)


def test_findings_are_stored_in_english_whatever_the_language_of_the_save(people, center_a):
    with translation.override("ru"):
        case = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
        save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
        case_check(case)
    finding = Finding.objects.get(case=case, rule_id="DQ-COMP-005", resolved_at__isnull=True)
    assert finding.message == "Immunophenotype not recorded."
    with translation.override("ru"):
        assert finding.display_message == "Иммунофенотип не внесён."


def test_a_problem_on_one_record_is_reported_once_with_the_record_named(people, messy):
    case, _ = messy
    client_text = Finding.objects.filter(case=case, rule_id="DQ-DATE-001", resolved_at__isnull=True)
    for finding in client_text:
        parts = [p["t"] for p in finding.message_parts]
        assert len(parts) == len(set(parts)), finding.message
        assert finding.about and finding.about != "the whole case"


def _pages(messy, query, *, data_manager: bool):
    case, bare = messy
    finding = Finding.objects.filter(case=case, resolved_at__isnull=True).first()
    only_data_manager = [
        reverse("quality:finding_query", args=[finding.pk]),
        reverse("quality:query_new", args=[bare.pk]),
    ]
    return (only_data_manager if data_manager else []) + [
        reverse("quality:dashboard"),
        reverse("quality:finding_list"),
        reverse("quality:finding_list") + "?severity=error",
        reverse("quality:case_list"),
        reverse("quality:query_list"),
        reverse("quality:query_detail", args=[query.pk]),
        reverse("registry:case_detail", args=[case.pk]),
        reverse("registry:dashboard"),
    ]


@pytest.fixture
def query(people, messy, django_capture_on_commit_callbacks):
    finding = Finding.objects.get(case=messy[1], rule_id="DQ-COMP-005", resolved_at__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        return query_from_finding(user=people.manager, finding=finding, subject="CD markers?", text="Add them.")


def _registry_pages(messy) -> set[str]:
    return {reverse("registry:case_detail", args=[messy[0].pk]), reverse("registry:dashboard")}


def _quality_part(html: str) -> str:
    """The part of a registry page the quality app renders (the case page's panel, the dashboard's panel)."""
    start = html.find('class="quality-panel"')
    if start == -1:
        start = html.find('class="card quality-panel"')
    assert start != -1
    return html[start : html.find("</section>", start)]


def test_quality_pages_show_labels_not_codes(client, people, messy, query):
    registry_pages = _registry_pages(messy)
    for user in (people.manager, people.entry_a):
        client.force_login(user)
        for url in _pages(messy, query, data_manager=user == people.manager):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            body = _quality_part(html) if url in registry_pages else html
            visible = re.sub(r"<[^>]+>", " ", body)
            assert not RULE_ID.search(visible), (url, RULE_ID.search(visible))
            assert not re.search(r"\bTrue\b|\bFalse\b|\bNone\b|\[\]", visible), url


def test_russian_quality_pages_have_no_english_sentence_of_ours(client, people, messy, query):
    registry_pages = _registry_pages(messy)
    for user in (people.manager, people.entry_a):
        client.force_login(user)
        for url in _pages(messy, query, data_manager=user == people.manager):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
            assert response.status_code == 200, url
            html = response.content.decode()
            # The page's own part (the menu around it is the registry's); the case and registry dashboard pages:
            # the quality panel in them.
            main = html[html.find("<main") : html.find("</main>")]
            left = english_left(_quality_part(main) if url in registry_pages else main)
            assert left == [], (user.username, url, left)
    client.force_login(people.manager)
    page = client.get(reverse("quality:finding_list"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Иммунофенотип не внесён." in page  # the findings' messages, translated
    assert "Статус ЦНС при диагнозе не внесён." in page and "Ошибка" in page


def test_the_access_log_kinds_read_in_russian():
    with translation.override("ru"):
        assert str(AccessEvent.Kind.SIGN_IN.label) == "Вход выполнен"
        assert str(AccessEvent.Kind.REFUSED.label) == "В доступе отказано"  # noqa: RUF001
        assert all(str(label) != value for value, label in AccessEvent.Kind.choices)
