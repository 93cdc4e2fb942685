"""What an API client reads when a date is impossible, and in which language: error messages are text for people
(translated for an `Accept-Language: ru` request); codes and field names stay as they are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry import models as m
from tests.registry.api.conftest_cases import record_url

pytestmark = pytest.mark.django_db


def _errors(response) -> dict:
    assert response.status_code == 400, response.json()
    return response.json()["errors"]


def test_an_impossible_date_is_said_to_be_no_date_of_the_calendar(api, case_a):
    body = {"kind": "relapse", "event_date": "2020-02-30", "relapse_site": "marrow"}
    errors = _errors(api.entry_a.post(record_url(case_a, "events"), body, format="json"))
    assert errors["event_date"] == ["2020-02-30 is not a date in the calendar; use YYYY-MM-DD."]
    assert not m.OutcomeEvent.objects.filter(kind="relapse").exists()


def test_a_date_in_another_shape_is_told_the_shape_to_use(api, case_a):
    body = {"kind": "relapse", "event_date": "30.02.2020", "relapse_site": "marrow"}
    errors = _errors(api.entry_a.post(record_url(case_a, "events"), body, format="json"))
    assert errors["event_date"] == ["30.02.2020 is not a date; use YYYY-MM-DD (e.g. 2024-03-05)."]


def test_a_russian_request_reads_the_date_and_entry_rule_messages_in_russian(api, case_a):
    url = record_url(case_a, "events")
    body = {"kind": "relapse", "event_date": "2020-02-30", "relapse_site": "marrow"}
    errors = _errors(api.entry_a.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="ru"))
    # The Russian message writes YYYY-MM-DD in Cyrillic letters, which ruff takes for look-alikes.
    expected = "2020-02-30 — такой даты нет в календаре; используйте формат ГГГГ-ММ-ДД."  # noqa: RUF001
    assert errors["event_date"] == [expected]

    dx = case_a.diagnosis.diagnosis_date
    before = dx - timedelta(days=3)
    body = {"kind": "death", "event_date": before.isoformat(), "death_cause": "infection"}
    errors = _errors(api.entry_a.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="ru"))
    assert (
        f"Дата события {before} (новая запись «событие исхода»: Смерть) раньше даты диагноза {dx}."
        in (errors["event_date"])
    )


def test_labels_come_in_the_request_language_and_codes_stay_codes(api, case_a):
    url = record_url(case_a, "adverse-events") + "?labels=1"
    english = api.entry_a.get(url).json()["results"][0]
    russian = api.entry_a.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["results"][0]
    assert (english["event_type"], english["event_type_label"]) == ("febrile_neutropenia", "Febrile neutropenia")
    assert (russian["event_type"], russian["event_type_label"]) == ("febrile_neutropenia", "Фебрильная нейтропения")
    assert (russian["phase"], russian["phase_label"]) == ("induction", "Индукция")


def test_the_vocabulary_lists_give_labels_in_the_request_language(api):
    url = "/api/v1/vocabularies/adverse-event-types/"
    english = {e["code"]: e["label"] for e in api.entry_a.get(url).json()["results"]}
    russian = {e["code"]: e["label"] for e in api.entry_a.get(url, HTTP_ACCEPT_LANGUAGE="ru").json()["results"]}
    assert (english["sepsis"], russian["sepsis"]) == ("Sepsis", "Сепсис")
