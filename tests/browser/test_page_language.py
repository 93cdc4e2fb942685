"""The page tells the browser (and a screen reader) its language: the one the user chose, not always English."""

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_html_element_carries_the_active_language(client, center_people):
    assert client.login(username="entry_a", password=PASSWORD)
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_every_page_starts_with_a_link_past_the_menu(client, center_people):
    client.force_login(center_people.entry_a)
    body = client.get("/cases/").content.decode()
    assert body.index('class="skip-link" href="#main"') < body.index('<header class="top">')
    assert '<main id="main" tabindex="-1">' in body
