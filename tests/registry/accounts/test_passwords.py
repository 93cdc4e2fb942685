import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet-harbour-lantern-42"


def _change(client, new1, new2=None):
    return client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2 or new1},
    )


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "coordinator", "manager"])
def test_every_user_can_change_their_password(client, people, who):
    user = getattr(people, who)
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "registration/password_change_form.html" in [t.name for t in page.templates]
    response = _change(client, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in after the change.
    assert client.get(reverse("registry:case_list")).status_code == 200


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("password", "This password is too common."),
        ("short1!", "This password is too short."),
        ("48120395718236", "This password is entirely numeric."),
        ("entry_a123", "The password is too similar to the username."),
    ],
)
def test_a_weak_new_password_is_refused_by_the_validators(client, people, weak, message):
    client.force_login(people.entry_a)
    response = _change(client, weak)
    assert response.status_code == 200
    assert message in response.content.decode()
    people.entry_a.refresh_from_db()
    assert people.entry_a.check_password(PASSWORD)


def _request_reset(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")


def test_a_reset_e_mail_links_to_the_site_and_the_link_sets_a_new_password_once(client, people, settings):
    settings.SITE_URL = "https://registry.example.org"
    people.entry_a.email = "entry.a@example.org"
    people.entry_a.save()
    _request_reset(client, "entry.a@example.org")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["entry.a@example.org"]
    assert "choose your password" in message.subject
    link = re.search(r"https://registry\.example\.org(/accounts/reset/\S+/)", message.body).group(1)
    assert link in message.alternatives[0][0]

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    people.entry_a.refresh_from_db()
    assert people.entry_a.check_password(NEW_PASSWORD)

    reused = client.get(link, follow=True)
    assert not reused.context["validlink"]
    assert "This link does not work" in reused.content.decode()


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, people):
    _request_reset(client, "nobody@example.org")
    assert mail.outbox == []


def test_the_login_page_offers_the_reset_and_loads_no_script(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in page
    assert "<script" not in page
