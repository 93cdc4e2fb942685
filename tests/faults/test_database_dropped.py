"""The database connection dropped in the middle of a request: the request's writes are rolled back, the user
gets a 503 that says to try again (not a 500), and the next request succeeds on a fresh connection."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registry import models as m
from registry.views import cases as case_views
from registry.views.unavailable import server_error
from tests.registry.conftest import center_a, center_b, people  # noqa: F401

NEW_CASE = {
    "hospital_number": "HN-DROPPED",
    "sex": "F",
    "birth_date": "2024-05-01",
    "gestational_age_weeks": "39",
    "birth_weight_g": "3200",
    "down_syndrome": "false",
    "family_history_cancer": "unknown",
}


def _drop_this_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_whose_connection_drops_saves_nothing_says_try_again_and_the_next_save_works(
    people,  # noqa: F811
    center_a,  # noqa: F811
    monkeypatch,
):
    if connection.vendor != "postgresql":
        pytest.skip("drops a PostgreSQL connection")
    real_create = case_views.case_create
    attempts = []

    def create_then_drop(**kwargs):
        attempts.append(kwargs)
        if len(attempts) > 1:
            return real_create(**kwargs)
        with transaction.atomic():
            real_create(**kwargs)  # written, not yet committed, when the connection goes
            _drop_this_connection()

    monkeypatch.setattr(case_views, "case_create", create_then_drop)
    client = Client(raise_request_exception=False)
    client.force_login(people.entry_a)
    url = reverse("registry:case_new")

    dropped = client.post(url, {"center": center_a.pk, **NEW_CASE})
    assert dropped.status_code == 503
    assert int(dropped["Retry-After"]) > 0
    assert "nothing of this request was saved" in dropped.content.decode()
    assert m.Case.objects.count() == 0  # a new connection: the half-done write was rolled back

    saved = client.post(url, {"center": center_a.pk, **NEW_CASE})
    assert saved.status_code == 302, saved.content.decode()[:500]
    assert m.Case.objects.filter(center=center_a).count() == 1


def _answer_to_dropped(path: str, rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        return server_error(rf.get(path))


def test_the_api_gets_its_503_as_json_in_the_readers_language(rf):
    response = _answer_to_dropped("/api/v1/cases/", rf)
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert "Try again" in json.loads(response.content)["detail"]
    with translation.override("ru"):
        page = _answer_to_dropped("/cases/new/", rf).content.decode()
    assert "Try again" not in page and 'lang="ru"' in page


def test_any_other_error_is_still_the_500_page(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/cases/new/"))
    assert response.status_code == 500
