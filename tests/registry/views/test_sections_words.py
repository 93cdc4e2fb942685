"""What the case and section forms say, in English and in Russian: labels read as labels, a date before birth
names the record it means (once), vocabulary entries and rule messages come in the reader's language."""

import re
from html import unescape

import pytest
from django.urls import reverse

from registry import models as m
from registry.sections import SECTIONS
from tests.registry.views.browser_form import form_data

pytestmark = pytest.mark.django_db


def _labels(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in re.findall(r"<label[^>]*>(.*?)</label>", html)]


def _messages(html: str) -> list[str]:
    return [
        unescape(li)
        for ul in re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
        for li in re.findall(r"<li>(.*?)</li>", ul, re.S)
    ]


@pytest.fixture
def entry(client, people):
    client.force_login(people.entry_a)
    return client


def test_the_child_form_labels_read_as_labels_with_units_in_parentheses(entry, case_a):
    labels = _labels(entry.get(reverse("registry:case_edit", kwargs={"pk": case_a.pk})).content.decode())
    assert "Gestational age (weeks)" in labels
    assert "Birth weight (g)" in labels
    assert "Date of birth" in labels
    assert not [label for label in labels if label.endswith(":")]
    assert not [label for label in labels if re.search(r"\b(weeks|g)$", label)]


@pytest.mark.parametrize("slug", list(SECTIONS))
def test_every_section_form_labels_read_as_labels(entry, case_a, slug):
    html = entry.get(reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": slug})).content.decode()
    labels = _labels(html)
    assert labels
    # No colon glued on, no field name spelled from its code (gene_5p, mrd_flow_pct, "weeks" outside brackets).
    assert not [label for label in labels if label.endswith(":") or "_" in label]
    assert not [label for label in labels if re.search(r"\b(pct|weeks|g)$", label)]
    assert not [label for label in labels if label[:1].islower()]


def test_a_birth_date_moved_after_the_records_names_each_record_once(entry, case_a):
    url = reverse("registry:case_edit", kwargs={"pk": case_a.pk})
    data = form_data(entry.get(url).content.decode())
    data["birth_date"] = "2022-01-01"
    response = entry.post(url, data)
    assert response.status_code == 200
    shown = _messages(response.content.decode())
    cr = case_a.events.get()
    assert (
        f"Event date {cr.event_date} (outcome event 1: Complete remission) is before the date of birth 2022-01-01."
        in shown
    )
    assert (
        "Onset date 2020-02-21 (adverse event 1: Febrile neutropenia) is before the date of birth 2022-01-01." in shown
    )
    assert "The diagnosis date 2020-02-10 is before the date of birth 2022-01-01." in shown
    assert len(shown) == len(set(shown)), shown  # each record and field once
    assert not [text for text in shown if text.startswith("This date is before the date of birth")]
    assert m.Case.objects.get(pk=case_a.pk).birth_date.isoformat() == "2020-01-01"


def test_a_death_dated_before_birth_names_itself_on_the_events_page(entry, case_a):
    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "events"})
    html = entry.get(url).content.decode()
    data = form_data(html)
    index = int(data["rows-INITIAL_FORMS"])  # the first empty row
    data.update({f"rows-{index}-kind": "death", f"rows-{index}-event_date": "2019-02-01"})
    data[f"rows-{index}-death_cause"] = "infection"
    shown = _messages(entry.post(url, data).content.decode())
    assert "Event date 2019-02-01 (new outcome event: Death) is before the date of birth 2020-01-01." in shown
    assert len(shown) == len(set(shown)), shown
    assert not case_a.events.filter(kind="death").exists()


def test_a_russian_reader_gets_russian_labels_vocabulary_and_rule_messages(entry, case_a):
    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "toxicity"})
    html = entry.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Фебрильная нейтропения" in html and "Febrile neutropenia" not in html
    labels = _labels(html)
    assert "Степень по CTCAE" in labels and "Дата начала" in labels and "Фаза лечения" in labels
    assert ">Сохранить</button>" in html and "Добавить 3 строки" in html

    url = reverse("registry:case_section", kwargs={"pk": case_a.pk, "section": "events"})
    data = form_data(entry.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode())
    index = int(data["rows-INITIAL_FORMS"])
    data.update({f"rows-{index}-kind": "relapse", f"rows-{index}-event_date": "2021-01-10"})
    response = entry.post(url, data, HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert "Укажите локализацию рецидива." in _messages(page)
    assert "Ничего не сохранено: исправьте отмеченное ниже." in unescape(page)
