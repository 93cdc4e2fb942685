"""A refused query text (too long, a NUL) shows the page again with the text as typed and the right error;
nothing is written."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quality.models import Query, QueryMessage
from quality.services.queries import (
    MESSAGE_LIMIT,
    MESSAGE_NUL,
    MESSAGE_TOO_LONG,
    TEXT_REQUIRED,
    query_answer,
    query_close,
    query_open,
)

pytestmark = pytest.mark.django_db

TOO_LONG = "Checked the chart: " + "x" * MESSAGE_LIMIT
BAD_TEXTS = [
    (TOO_LONG, MESSAGE_TOO_LONG.format(limit=MESSAGE_LIMIT, length=len(TOO_LONG))),
    ("WBC was 35.0, not 350\x00", MESSAGE_NUL),
]


@pytest.fixture
def query(people, case_a):
    return query_open(user=people.manager, case=case_a, subject="WBC", text="Please check the WBC.")


def _body(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("text", "error"), BAD_TEXTS)
def test_a_refused_answer_is_shown_again_with_the_typed_text_and_the_reason(client, people, query, text, error):
    client.force_login(people.entry_a)
    response = client.post(reverse("quality:query_answer", args=[query.pk]), {"text": text})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["text"] == [error]
    assert response.context["action"] == "answer"
    body = _body(response)
    assert error in body and text.strip() in body
    assert TEXT_REQUIRED not in body
    query.refresh_from_db()
    assert query.status == "open" and QueryMessage.objects.count() == 1


def test_an_empty_answer_is_shown_again_with_write_a_message(client, people, query):
    client.force_login(people.entry_a)
    response = client.post(reverse("quality:query_answer", args=[query.pk]), {"text": "   "})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["text"] == [TEXT_REQUIRED]


@pytest.mark.parametrize(("text", "error"), BAD_TEXTS)
def test_a_refused_closing_note_or_reopening_is_shown_again_with_the_typed_text(client, people, query, text, error):
    client.force_login(people.manager)
    response = client.post(reverse("quality:query_close", args=[query.pk]), {"text": text})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["text"] == [error] and response.context["action"] == "close"
    assert text.strip() in _body(response)
    query.refresh_from_db()
    assert query.status == "open"

    query_close(user=people.manager, query=query, text="")
    response = client.post(reverse("quality:query_reopen", args=[query.pk]), {"text": text})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["text"] == [error] and response.context["action"] == "reopen"
    assert text.strip() in _body(response)
    query.refresh_from_db()
    assert query.status == "closed" and QueryMessage.objects.count() == 2


@pytest.mark.parametrize(("text", "error"), BAD_TEXTS)
def test_opening_a_query_with_a_refused_text_keeps_the_text_and_shows_the_reason(client, people, case_a, text, error):
    client.force_login(people.manager)
    response = client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "WBC", "text": text})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["text"] == [error]
    assert text.strip() in _body(response)
    assert not Query.objects.exists()


def test_a_subject_with_a_nul_is_refused_with_the_reason(client, people, case_a):
    client.force_login(people.manager)
    response = client.post(reverse("quality:query_new", args=[case_a.pk]), {"subject": "W\x00BC", "text": "t"})
    assert response.context["form"].errors["subject"] == [MESSAGE_NUL]
    assert not Query.objects.exists()


@pytest.mark.parametrize(("text", "error"), BAD_TEXTS)
def test_the_services_refuse_the_same_texts_with_the_same_messages(people, case_a, query, text, error):
    with pytest.raises(ValidationError) as caught:
        query_answer(user=people.entry_a, query=query, text=text)
    assert caught.value.message_dict == {"text": [error]}
    with pytest.raises(ValidationError) as caught:
        query_open(user=people.manager, case=case_a, subject="s\x00", text="t")
    assert caught.value.message_dict == {"subject": [MESSAGE_NUL]}
