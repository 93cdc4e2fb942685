"""The API's run start takes the report's language (optional): the asked one, else the request's language."""

from __future__ import annotations

import pytest

from analytics.runs.models import AnalysisRun

pytestmark = pytest.mark.django_db

LIST = "/api/v1/runs/"


def test_a_run_started_over_the_api_is_in_the_language_asked_for(api, world):
    response = api.coordinator.post(LIST, {"language": "ru"}, format="json")
    assert response.status_code == 202, response.json()
    run = AnalysisRun.objects.get(pk=response.json()["id"])
    assert run.language == "ru" and response.json()["language"] == "ru"


def test_without_a_language_the_run_takes_the_requests_language(api, world):
    response = api.coordinator.post(LIST, {"year_from": 2001}, format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 202, response.json()
    assert AnalysisRun.objects.get(pk=response.json()["id"]).language == "ru"
    response = api.coordinator.post(LIST, {"year_from": 2002}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert AnalysisRun.objects.get(pk=response.json()["id"]).language == "en"


def test_an_unknown_language_is_refused_with_a_message(api, world):
    response = api.coordinator.post(LIST, {"language": "xx"}, format="json")
    assert response.status_code == 400 and "language" in response.json()["errors"]
