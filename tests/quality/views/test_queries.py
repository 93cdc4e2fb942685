"""The query round trip through the web app: the data manager opens, the center answers, the data manager
closes and reopens; statuses and messages are audited and each step mails the other side."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from quality.models import Finding, Query, QueryMessage
from quality.services import case_check
from quality.services.queries import FINDING_HAS_QUERY

pytestmark = pytest.mark.django_db


def _post(client, capture, name, pk, **data):
    with capture(execute=True):
        return client.post(reverse(f"quality:{name}", args=[pk]), data)


def test_the_query_round_trip(client, mailed, case_a, django_capture_on_commit_callbacks):
    people, capture = mailed, django_capture_on_commit_callbacks
    client.force_login(people.manager)
    response = _post(client, capture, "query_new", case_a.pk, subject="WBC at diagnosis", text="Please check the WBC.")
    query = Query.objects.get(case=case_a)
    assert response.status_code == 302 and response["Location"] == reverse("quality:query_detail", args=[query.pk])
    assert query.status == "open"
    [opened] = mail.outbox
    assert sorted(opened.to) == ["entry_a@example.org", "lead_a@example.org"]
    assert case_a.registry_id in opened.subject and "Please check the WBC." in opened.body
    assert opened.alternatives  # an HTML part beside the text
    assert settings.SITE_URL + reverse("quality:query_detail", args=[query.pk]) in opened.body  # a link that works

    client.force_login(people.entry_a)
    page = client.get(reverse("quality:query_detail", args=[query.pk])).content.decode()
    assert "Please check the WBC." in page and "Send answer" in page and "Close query" not in page
    assert "WBC at diagnosis" in client.get(reverse("registry:dashboard")).content.decode()
    _post(client, capture, "query_answer", query.pk, text="Corrected: it was 35, not 350.")
    query.refresh_from_db()
    assert query.status == "answered"
    assert mail.outbox[-1].to == ["manager@example.org"]

    client.force_login(people.manager)
    _post(client, capture, "query_close", query.pk, text="Thanks.")
    query.refresh_from_db()
    assert query.status == "closed" and query.closed_at is not None
    sent = len(mail.outbox)
    _post(client, capture, "query_reopen", query.pk, text="The post-induction value too, please.")
    query.refresh_from_db()
    assert query.status == "reopened" and query.closed_at is None
    assert len(mail.outbox) == sent + 1 and "entry_a@example.org" in mail.outbox[-1].to

    kinds = list(query.messages.values_list("kind", "author__username"))
    assert kinds == [("opened", "manager"), ("answer", "entry_a"), ("closed", "manager"), ("reopened", "manager")]
    history = list(query.history.order_by("history_date").values_list("status", "history_user__username"))
    assert history == [("open", "manager"), ("answered", "entry_a"), ("closed", "manager"), ("reopened", "manager")]
    assert QueryMessage.history.filter(query_id=query.pk).count() == 4


def test_a_finding_becomes_a_query_once(client, people, case_a, django_capture_on_commit_callbacks):
    case_check(case_a)
    finding = Finding.objects.get(case=case_a, rule_id="DQ-FU-001", resolved_at__isnull=True)
    client.force_login(people.manager)
    form = client.get(reverse("quality:finding_query", args=[finding.pk])).content.decode()
    assert "DQ-FU-001" not in form and "Follow-up overdue" in form and "follow-up is overdue" in form
    _post(client, django_capture_on_commit_callbacks, "finding_query", finding.pk, subject="Follow-up", text="When?")
    query = Query.objects.get(finding=finding)
    assert (query.record_model, query.record_pk, query.field) == (
        finding.record_model,
        finding.record_pk,
        "contact_date",
    )
    again = client.post(reverse("quality:finding_query", args=[finding.pk]), {"subject": "x", "text": "y"})
    assert FINDING_HAS_QUERY in again.content.decode()
    assert Query.objects.filter(finding=finding).count() == 1


def test_only_the_data_manager_opens_closes_and_reopens(client, people, case_a, case_b):
    for who in ("coordinator", "entry_a", "lead_a"):
        client.force_login(getattr(people, who))
        response = client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": "t"})
        assert response.status_code == 403, who
    assert not Query.objects.exists()

    client.force_login(people.manager)
    client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": "t"})
    query = Query.objects.get()
    client.force_login(people.entry_a)
    assert client.post(reverse("quality:query_close", args=[query.pk]), {"text": ""}).status_code == 403
    client.force_login(people.manager)  # the data manager does not answer for the center
    assert client.post(reverse("quality:query_answer", args=[query.pk]), {"text": "x"}).status_code == 403
    query.refresh_from_db()
    assert query.status == "open"


def test_a_closed_query_cannot_be_answered_and_an_open_one_cannot_be_reopened(client, people, case_a):
    client.force_login(people.manager)
    client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": "t"})
    query = Query.objects.get()
    response = client.post(reverse("quality:query_reopen", args=[query.pk]), {"text": "again"}, follow=True)
    assert "cannot be reopened" in response.content.decode()
    client.post(reverse("quality:query_close", args=[query.pk]))
    client.force_login(people.entry_a)
    response = client.post(reverse("quality:query_answer", args=[query.pk]), {"text": "late"}, follow=True)
    assert "cannot be answered" in response.content.decode()
    query.refresh_from_db()
    assert query.status == "closed"


def test_an_empty_answer_is_refused(client, people, case_a):
    client.force_login(people.manager)
    client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": "t"})
    query = Query.objects.get()
    client.force_login(people.entry_a)
    response = client.post(reverse("quality:query_answer", args=[query.pk]), {"text": "  "}, follow=True)
    assert "Write a message." in response.content.decode()
    assert Query.objects.get().status == "open"
