"""Every page of the registry that shows a form is the same, character for character, with config/form_renderer.py
as with Django's own form renderer, in English and in Russian: the case list's filters, a case's edit form (also
refused, with its errors), every record section, the quality filters, the user and analysis forms."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings

from registry.sections import SECTIONS
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def _pages(client, urls, renderer: str) -> dict[str, str]:
    with override_settings(FORM_RENDERER=renderer):
        out = {}
        for url, data in urls:
            response = client.post(url, data) if data is not None else client.get(url)
            assert response.status_code == 200, url
            out[url + (" (posted)" if data is not None else "")] = _CSRF.sub(r"\1-", response.content.decode())
        return out


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_page_with_a_form_is_the_same_with_either_renderer(client, people, center_a, language):
    case = make_full_case(people.entry_a, center_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    as_entry = [
        ("/cases/?lineage=ALL&status=open&q=ILR", None),
        ("/cases/new/", None),
        (f"/cases/{case.pk}/edit/", None),
        (f"/cases/{case.pk}/edit/", {"sex": "X", "gestational_age_weeks": "many"}),  # refused: errors shown
        (f"/cases/{case.pk}/archive/", None),
        *((f"/cases/{case.pk}/{slug}/", None) for slug in SECTIONS),
        ("/import/", None),
        ("/accounts/tokens/", None),
        ("/analyses/export/", None),
    ]
    as_manager = [
        ("/quality/findings/?center=AAA", None),
        ("/quality/cases/", None),
        ("/quality/queries/", None),
        (f"/quality/cases/{case.pk}/queries/new/", None),
        ("/users/new/", None),
        (f"/users/{people.entry_a.pk}/", None),
        ("/analyses/new/", None),
        ("/analyses/plans/new/", None),
    ]
    for user, urls in ((people.entry_a, as_entry), (people.manager, as_manager)):
        client.force_login(user)
        ours = _pages(client, urls, "config.form_renderer.FormRenderer")
        django = _pages(client, urls, "django.forms.renderers.DjangoTemplates")
        for url in ours:
            assert ours[url] == django[url], url
