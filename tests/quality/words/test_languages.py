"""The language a query e-mail goes out in, and the API's refusals in the reader's language."""

from __future__ import annotations

import sys
import types

import pytest
from django.conf import settings

from quality.services.notify import recipient_language
from tests.registry.api.conftest import api  # noqa: F401

pytestmark = pytest.mark.django_db


class _Rows:
    def __init__(self, language):
        self.language = language

    def filter(self, **kwargs):
        return self

    def values_list(self, *names, flat=False):
        return self

    def first(self):
        return self.language


def _preferences(monkeypatch, language):
    module = types.ModuleType("registry.models.preferences")
    module.UserPreference = type("UserPreference", (), {"objects": _Rows(language)})
    monkeypatch.setitem(sys.modules, "registry.models.preferences", module)


def test_without_a_stored_preference_e_mail_is_in_the_site_language(people, monkeypatch):
    monkeypatch.setitem(sys.modules, "registry.models.preferences", None)  # the model not there: ImportError
    assert recipient_language(people.entry_a) == settings.LANGUAGE_CODE


def test_a_stored_preference_decides_the_e_mail_language(people, monkeypatch):
    _preferences(monkeypatch, "ru")
    assert recipient_language(people.entry_a) == "ru"
    _preferences(monkeypatch, "ru-RU")
    assert recipient_language(people.entry_a) == "ru"
    _preferences(monkeypatch, "xx")  # a language the site does not offer
    assert recipient_language(people.entry_a) == settings.LANGUAGE_CODE
    _preferences(monkeypatch, None)
    assert recipient_language(people.entry_a) == settings.LANGUAGE_CODE


def test_the_api_refuses_in_the_readers_language(api):  # noqa: F811
    response = api.manager.get("/api/v1/quality/findings/999999/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404 and response.json()["detail"] == "Такой находки нет."
