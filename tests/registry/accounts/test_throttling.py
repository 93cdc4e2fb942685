import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from registry.accounts.services import LOCKOUT_DATA_MANAGER_ONLY
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_enabled")]

LOGIN = reverse("login")
LOCKOUTS = reverse("accounts:lockouts")
LOCKED = "Sign-in locked"


def _sign_in(client, username, password, address="198.51.100.7", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def _lock_out(username, address="198.51.100.7", **headers):
    client = Client()
    for _ in range(5):
        response = _sign_in(client, username, "wrong-password", address, **headers)
    return response


def test_wrong_passwords_lock_the_username_from_that_address_with_a_clear_page(client, people, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _sign_in(client, "entry_a", "wrong-password").status_code == 200
    fifth = _sign_in(client, "entry_a", "wrong-password")
    assert fifth.status_code == 429
    assert "registration/lockout.html" in [t.name for t in fifth.templates]
    assert LOCKED in fifth.content.decode()
    assert "data manager" in fifth.content.decode()

    # The right password no longer helps from that address...
    right = _sign_in(client, "entry_a", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the same person signs in from another address, and another user from the same address.
    assert _sign_in(Client(), "entry_a", PASSWORD, address="198.51.100.8").status_code == 302
    assert _sign_in(Client(), "lead_a", PASSWORD).status_code == 302


def test_a_forged_x_forwarded_for_does_not_dodge_the_lockout(people):
    client = Client()
    for n in range(5):
        _sign_in(client, "entry_a", "wrong-password", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = _sign_in(client, "entry_a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_forwarded_client_address(people, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    _lock_out("entry_a", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = _sign_in(Client(), "entry_a", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out with them.
    other = _sign_in(Client(), "entry_a", PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


def test_the_data_manager_sees_and_releases_a_lockout(client, people):
    _lock_out("entry_a")
    attempt = AccessAttempt.objects.get(username="entry_a")
    client.force_login(people.manager)
    page = client.get(LOCKOUTS)
    assert page.status_code == 200
    assert "entry_a" in page.content.decode() and "(locked)" in page.content.decode()

    response = client.post(reverse("accounts:lockout_release", args=[attempt.pk]), follow=True)
    assert "entry_a can sign in again" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert _sign_in(Client(), "entry_a", PASSWORD).status_code == 302


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "coordinator"])
def test_nobody_else_sees_or_releases_lockouts(client, people, who):
    _lock_out("entry_b")
    attempt = AccessAttempt.objects.get()
    client.force_login(getattr(people, who))
    page = client.get(LOCKOUTS)
    assert page.status_code == 403
    assert "entry_b" not in page.content.decode()
    released = client.post(reverse("accounts:lockout_release", args=[attempt.pk]))
    assert released.status_code == 403
    assert LOCKOUT_DATA_MANAGER_ONLY in released.content.decode()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_releasing_a_lockout_needs_a_post(client, people):
    _lock_out("entry_a")
    attempt = AccessAttempt.objects.get()
    client.force_login(people.manager)
    assert client.get(reverse("accounts:lockout_release", args=[attempt.pk])).status_code == 405
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
