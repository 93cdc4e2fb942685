"""A query message is a note, not a document: a 1 MB message is refused and nothing is written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quality.models import Query, QueryMessage
from quality.services.queries import MESSAGE_LIMIT, MESSAGE_TOO_LONG, query_answer, query_open

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


def test_opening_a_query_with_a_megabyte_message_is_refused(people, case_a):
    with pytest.raises(ValidationError) as caught:
        query_open(user=people.manager, case=case_a, subject="WBC", text=MEGABYTE)
    assert caught.value.message_dict == {"text": [MESSAGE_TOO_LONG.format(limit=MESSAGE_LIMIT, length=len(MEGABYTE))]}
    assert not Query.objects.exists()


def test_a_megabyte_answer_is_refused_and_the_query_stays_open(people, case_a):
    query = query_open(user=people.manager, case=case_a, subject="WBC", text="Please check.")
    with pytest.raises(ValidationError, match="At most"):
        query_answer(user=people.entry_a, query=query, text=MEGABYTE)
    query.refresh_from_db()
    assert query.status == "open" and QueryMessage.objects.count() == 1


def test_a_message_at_the_limit_is_accepted(people, case_a):
    query = query_open(user=people.manager, case=case_a, subject="WBC", text="x" * MESSAGE_LIMIT)
    assert query.messages.get().text == "x" * MESSAGE_LIMIT


def test_the_forms_refuse_a_megabyte_message_without_a_500(client, people, case_a):
    client.force_login(people.manager)
    response = client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": MEGABYTE})
    assert response.status_code == 200 and not Query.objects.exists()
    client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "s", "text": "t"})
    query = Query.objects.get()
    client.force_login(people.entry_a)
    response = client.post(reverse("quality:query_answer", args=[query.pk]), {"text": MEGABYTE}, follow=True)
    assert response.status_code == 200 and "At most" in response.content.decode()
    assert Query.objects.get().status == "open" and QueryMessage.objects.count() == 1
