"""A Russian reader sees a query's registry-written subject, its e-mail and the records a new query may be about
in Russian and by their labels: the subject written for a finding when the query was opened (in English) is
written again in the reader's language; a record is named by its labels, never by its codes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from quality.models import Finding
from quality.services import case_check, query_from_finding
from registry import models as m
from registry.models.preferences import UserPreference
from tests.factories import make_case, make_full_case, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def range_query(people, center_a):
    """A query opened (in English) on a laboratory value outside the plausible range."""
    case = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
    panel = m.LabPanel(case=case, timepoint="baseline", sample_date=date(2023, 3, 1), wbc=12.0)
    save(people.entry_a, case, panel)
    m.LabPanel.objects.filter(pk=panel.pk).update(hemoglobin=999)
    case_check(case)
    finding = Finding.objects.get(case=case, rule_id="DQ-RANGE-001", resolved_at__isnull=True)
    with translation.override("en"):
        return query_from_finding(user=people.manager, finding=finding)


def _russian(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "ru"
    return client


def test_a_registry_written_subject_reads_in_russian(client, people, range_query):
    assert range_query.subject.startswith("Laboratory value outside the plausible range (")
    client = _russian(client, people.manager)
    for url in (reverse("quality:query_list"), reverse("quality:query_detail", args=[range_query.pk])):
        text = client.get(url).content.decode()
        assert "Laboratory value outside the plausible range" not in text, url
        assert "laboratory panel, field" not in text, url
        assert "Лабораторное значение" in text or "лабораторная панель" in text, url


def test_a_subject_a_person_typed_is_shown_as_typed(people, range_query):
    range_query.subject = "Please check the haemoglobin"
    with translation.override("ru"):
        assert range_query.display_subject == "Please check the haemoglobin"


def test_a_russian_reader_gets_the_query_e_mail_in_russian(
    mailed, people, center_a, django_capture_on_commit_callbacks
):
    case = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
    panel = m.LabPanel(case=case, timepoint="baseline", sample_date=date(2023, 3, 1), wbc=12.0)
    save(people.entry_a, case, panel)
    m.LabPanel.objects.filter(pk=panel.pk).update(hemoglobin=999)
    case_check(case)
    finding = Finding.objects.get(case=case, rule_id="DQ-RANGE-001", resolved_at__isnull=True)
    for user in (people.entry_a, people.lead_a):
        UserPreference.objects.create(user=user, language="ru")
    mail.outbox = []
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        query_from_finding(user=people.manager, finding=finding)
    (message,) = mail.outbox
    text = message.subject + "\n" + message.body
    for english in ("New query on", "Laboratory value outside", "laboratory panel, field", "Open the query"):
        assert english not in text
    assert "Новый запрос по" in message.subject


def test_the_records_a_new_query_may_be_about_are_named_by_their_labels(client, people, center_a):
    case = make_full_case(people.entry_a, center_a)
    save(
        people.entry_a,
        case,
        m.LabPanel(case=case, timepoint="post_induction", sample_date=date(2020, 3, 15), wbc=3.0),
    )
    client.force_login(people.manager)
    form = client.get(reverse("quality:query_new", args=[case.pk])).context["form"]
    labels = [label for _value, label in form.fields["target"].choices]
    text = " | ".join(labels)
    assert "post_induction" not in text and "labs " not in text and " diagnosis " not in text
    assert any(label.startswith("laboratory panel: After induction") for label in labels), labels
    assert any("Karyotype" in label for label in labels), labels
