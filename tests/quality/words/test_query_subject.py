"""A query opened on a finding is offered a subject that states the problem found in this case and the record it
sits on, never the rule's id or what the rule checks ("The immunophenotype is recorded." is the opposite of the
problem); the e-mail to the center says the same, in the recipient's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from quality.models import Finding, Query
from quality.rules import RULES
from quality.services import case_check, query_from_finding
from registry import models as m
from tests.factories import make_case, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_markers(people, center_a):
    """A diagnosed case with no immunophenotype recorded (DQ-COMP-005)."""
    case = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
    case_check(case)
    return case


def _finding(case, rule_id):
    return Finding.objects.get(case=case, rule_id=rule_id, resolved_at__isnull=True)


def test_the_query_form_offers_the_problem_found_as_subject(client, people, no_markers):
    finding = _finding(no_markers, "DQ-COMP-005")
    client.force_login(people.manager)
    form = client.get(reverse("quality:finding_query", args=[finding.pk])).context["form"]
    subject = form.initial["subject"]
    assert subject == "Immunophenotype missing"
    assert "DQ-COMP-005" not in subject and "is recorded" not in subject
    assert form.initial["text"] == "Immunophenotype not recorded."


def test_a_subject_names_the_record_and_field_of_a_problem_on_a_record(client, people, center_a):
    case = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=date(2023, 3, 1), lineage="ALL"))
    panel = m.LabPanel(case=case, timepoint="baseline", sample_date=date(2023, 3, 1), wbc=12.0)
    save(people.entry_a, case, panel)
    m.LabPanel.objects.filter(pk=panel.pk).update(hemoglobin=999)  # a value no save would accept
    case_check(case)
    finding = _finding(case, "DQ-RANGE-001")
    client.force_login(people.manager)
    subject = client.get(reverse("quality:finding_query", args=[finding.pk])).context["form"].initial["subject"]
    assert subject.startswith("Laboratory value outside the plausible range (")
    assert "field 'Hemoglobin" in subject and "DQ-RANGE" not in subject and "lie in the range" not in subject


def test_the_e_mail_states_the_problem_not_what_the_rule_checks(mailed, no_markers, django_capture_on_commit_callbacks):
    finding = _finding(no_markers, "DQ-COMP-005")
    with django_capture_on_commit_callbacks(execute=True):
        query = query_from_finding(user=mailed.manager, finding=finding)
    assert query.subject == "Immunophenotype missing"
    [sent] = mail.outbox
    checks_that = str(RULES["DQ-COMP-005"].description)
    for text in (sent.subject, sent.body, sent.alternatives[0][0]):
        assert "Immunophenotype missing" in text and checks_that not in text and "DQ-COMP" not in text
    assert "Problem found: Immunophenotype not recorded." in sent.body


def test_the_e_mail_is_in_the_recipients_language(mailed, no_markers, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("quality.services.notify.recipient_language", lambda user: "ru")
    finding = _finding(no_markers, "DQ-COMP-005")
    with django_capture_on_commit_callbacks(execute=True):
        query_from_finding(
            user=mailed.manager, finding=finding, subject="Нет иммунофенотипа", text="Внесите, пожалуйста."
        )
    [sent] = mail.outbox
    assert f"Новый запрос по {no_markers.registry_id}: Нет иммунофенотипа" in sent.subject
    assert "У дата-менеджера регистра есть вопрос" in sent.body  # noqa: RUF001
    assert "Обнаруженная проблема: Иммунофенотип не внесён." in sent.body
    for english in ("New query", "question about case", "Problem found", "Open the query", "wrote:"):
        assert english not in sent.subject + sent.body + sent.alternatives[0][0]


def test_a_query_keeps_the_subject_it_was_opened_with(client, people, no_markers, django_capture_on_commit_callbacks):
    finding = _finding(no_markers, "DQ-COMP-005")
    client.force_login(people.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("quality:finding_query", args=[finding.pk]), {"subject": "Markers?", "text": "Please."})
    assert Query.objects.get(finding=finding).subject == "Markers?"
