"""The language switcher: on every page (signed in or not), a plain form to Django's set_language; the choice is
kept in the cookie and, for a signed-in user, on their own account, applied at their next sign-in elsewhere and
used for the e-mails they receive."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from registry.models import UserPreference
from tests.factories import PASSWORD, UserFactory
from tests.registry.accounts.conftest import enrol

pytestmark = pytest.mark.django_db

SETLANG = "/i18n/setlang/"


def _switcher(html: str) -> str:
    found = re.search(r'<form class="language-switcher"[^>]*>.*?</form>', html, flags=re.S)
    assert found, "no language switcher on the page"
    return found.group(0)


def _choose(client, language: str, next_url: str = "/"):
    return client.post(SETLANG, {"language": language, "next": next_url})


def _assert_usable_switcher(html: str, path: str) -> None:
    form = _switcher(html)
    assert f'action="{SETLANG}"' in form and 'method="post"' in form
    assert '<label for="language-switcher">' in form and 'id="language-switcher"' in form
    assert '<button type="submit"' in form  # works without JavaScript
    assert f'name="next" value="{path}"' in form
    assert ">English</option>" in form and ">Русский</option>" in form  # each language named in itself


def test_the_sign_in_page_has_the_language_switcher(client):
    page = client.get(reverse("login")).content.decode()
    _assert_usable_switcher(page, reverse("login"))
    assert '<html lang="en">' in page


def test_a_signed_in_page_has_the_language_switcher(client, people):
    client.force_login(people.entry_a)
    url = reverse("registry:case_list") + "?q=x"
    _assert_usable_switcher(client.get(url).content.decode(), url)


def test_choosing_russian_shows_the_page_in_russian_and_sets_the_cookie(client, people):
    client.force_login(people.entry_a)
    response = _choose(client, "ru", reverse("registry:case_list"))
    assert response.status_code == 302 and response.url == reverse("registry:case_list")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get(response.url).content.decode()
    assert '<html lang="ru">' in page
    assert "<h1>Случаи</h1>" in page and "<h1>Cases</h1>" not in page
    assert 'value="ru" lang="ru" selected' in page


def test_an_anonymous_visitor_can_read_the_sign_in_page_in_russian(client):
    response = _choose(client, "ru", reverse("login"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get(reverse("login")).content.decode()
    assert "<h1>Войти</h1>" in page and "Забыли пароль?" in page
    assert not UserPreference.objects.exists()


def test_the_choice_is_kept_on_the_account_and_applied_at_the_next_sign_in_elsewhere(client, people):
    client.force_login(people.entry_a)
    _choose(client, "ru")
    assert UserPreference.objects.get(user=people.entry_a).language == "ru"

    other_browser = Client()
    signed_in = other_browser.post(reverse("login"), {"username": "entry_a", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = other_browser.get(reverse("registry:dashboard")).content.decode()
    assert "<h1>Главная панель</h1>" in page

    # Back to English: kept as well (one row per user).
    _choose(client, "en")
    assert list(UserPreference.objects.filter(user=people.entry_a).values_list("language", flat=True)) == ["en"]


def test_a_user_changes_only_their_own_preference(client, people):
    UserPreference.objects.create(user=people.entry_b, language="en")
    client.force_login(people.entry_a)
    # Whatever names another user in the form is ignored: the signed-in user's own preference is the one kept.
    client.post(SETLANG, {"language": "ru", "next": "/", "user": people.entry_b.pk, "user_id": people.entry_b.pk})
    assert UserPreference.objects.get(user=people.entry_b).language == "en"
    assert UserPreference.objects.get(user=people.entry_a).language == "ru"


def test_a_language_not_offered_changes_nothing(client, people):
    client.force_login(people.entry_a)
    _choose(client, "xx")
    assert not UserPreference.objects.exists()


def test_the_invitation_is_written_in_the_language_the_user_chose(client, people, django_capture_on_commit_callbacks):
    invited = UserFactory(username="new.ru", email="new.ru@example.org")
    invited.set_unusable_password()
    invited.save()
    UserPreference.objects.create(user=invited, language="ru")
    client.force_login(people.manager)  # the data manager works in English
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:user_invite", args=[invited.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "задайте пароль" in message.subject
    assert "Здравствуйте, new.ru!" in message.body and "Ваше имя пользователя: new.ru" in message.body
    assert "Hello" not in message.body
    html = message.alternatives[0][0]
    assert "Задайте пароль" in html
    # The data manager's own page stays in English.
    assert "sent to new.ru@example.org" in client.get(response.url).content.decode()


def test_a_password_reset_e_mail_is_in_the_user_s_language(client, people):
    people.entry_a.email = "entry_a@example.org"
    people.entry_a.save()
    UserPreference.objects.create(user=people.entry_a, language="ru")
    response = client.post(reverse("password_reset"), {"email": "entry_a@example.org"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    (message,) = mail.outbox
    assert "выберите пароль" in message.subject
    assert "Ваше имя пользователя: entry_a" in message.body


@pytest.mark.usefixtures("two_factor_enforced")
def test_the_switcher_works_on_the_code_page_before_the_second_factor(client, people):
    enrol(people.coordinator)
    client.force_login(people.coordinator)
    verify = reverse("accounts:two_factor_verify")
    page = client.get(verify).content.decode()
    _assert_usable_switcher(page, verify)
    response = _choose(client, "ru", verify)
    assert response.status_code == 302 and response.url == verify
    assert "<h1>Введите код</h1>" in client.get(verify).content.decode()


def test_the_account_page_says_which_language_is_kept(client, people):
    client.force_login(people.entry_a)
    assert "You have not chosen a language" in client.get(reverse("accounts:account")).content.decode()
    _choose(client, "ru")
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Язык Ваших страниц и писем: <strong>Русский</strong>" in page
