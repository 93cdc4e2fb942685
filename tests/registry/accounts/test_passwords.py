import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.models import AccessEvent
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


@pytest.mark.usefixtures("axes_enabled")
def test_guessing_the_current_password_on_the_change_form_locks_the_sign_in_and_signs_out(client, people, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client.force_login(people.entry_a)
    guesses = [f"guess-number-{n}" for n in range(5)]
    for guess in guesses[:4]:
        wrong = client.post(
            reverse("password_change"),
            {"old_password": guess, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert wrong.status_code == 200
        assert "_auth_user_id" in client.session
    fifth = client.post(
        reverse("password_change"),
        {"old_password": guesses[4], "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert fifth.status_code != 200
    assert "_auth_user_id" not in client.session
    people.entry_a.refresh_from_db()
    assert people.entry_a.check_password(PASSWORD)
    # The sign-in is locked like after five wrong passwords on the sign-in page...
    again = client.post(reverse("login"), {"username": "entry_a", "password": PASSWORD})
    assert again.status_code == 429
    # ...each wrong guess is in the access log, and no guess is kept in clear anywhere.
    assert AccessEvent.objects.filter(kind="password_change_failed", user=people.entry_a).count() == 5
    kept = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert not any(guess in kept for guess in guesses) and NEW_PASSWORD not in kept


@pytest.mark.usefixtures("axes_enabled")
def test_a_completed_password_reset_ends_the_lockout_of_that_username(client, people):
    people.entry_a.email = "entry.a@example.org"
    people.entry_a.save()
    for _ in range(5):
        Client().post(reverse("login"), {"username": "entry_a", "password": "wrong-password"})
    assert Client().post(reverse("login"), {"username": "entry_a", "password": PASSWORD}).status_code == 429

    _request_reset(client, "entry.a@example.org")
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert not AccessAttempt.objects.filter(username="entry_a").exists()
    signed_in = Client().post(reverse("login"), {"username": "entry_a", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_deactivated_user_cannot_use_a_reset_or_invitation_link(client, people):
    user = people.entry_a
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    user.is_active = False
    user.save()
    page = client.get(link, follow=True)
    assert not page.context["validlink"]
    assert "This link does not work" in page.content.decode()
    refused = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
