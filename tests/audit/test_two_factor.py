"""Signing in with a second factor is logged in its two steps: the password alone is "password accepted", the
sign-in is logged only once a code was accepted, and each refused code is logged with which kind was tried."""

import pytest
from django.urls import reverse

from audit.models import AccessEvent
from audit.services import FACTOR_RECOVERY, FACTOR_TOTP
from tests.factories import PASSWORD
from tests.registry.accounts.conftest import current_code, enrol, two_factor_enforced  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_enforced")]

CASES = reverse("registry:case_list")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")
ADDRESS = "198.51.100.23"


def _password(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    return response


def _kinds() -> list[str]:
    return list(AccessEvent.objects.order_by("id").values_list("kind", flat=True))


def test_the_password_alone_is_logged_as_accepted_not_as_a_sign_in(client, people):
    enrol(people.coordinator)
    _password(client, "coordinator")
    assert client.get(CASES).url.startswith(VERIFY)

    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.client_address) == (
        AccessEvent.Kind.PASSWORD_ACCEPTED,
        people.coordinator,
        ADDRESS,
    )
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.SIGN_IN).exists()


def test_a_role_that_must_set_up_an_authenticator_is_not_signed_in_by_the_password_either(client, people):
    _password(client, "manager")
    assert client.get(CASES).url.startswith(SETUP)
    assert _kinds() == [AccessEvent.Kind.PASSWORD_ACCEPTED]


def test_a_user_without_a_second_factor_is_signed_in_by_the_password(client, people):
    _password(client, "entry_a")
    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.detail) == (AccessEvent.Kind.SIGN_IN, people.entry_a, "")


def test_a_wrong_authenticator_code_is_logged_with_the_user_and_address(client, people):
    enrol(people.coordinator)
    _password(client, "coordinator")
    response = client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 200

    failed = AccessEvent.objects.get(kind=AccessEvent.Kind.TWO_FACTOR_FAILED)
    assert (failed.user, failed.username, failed.client_address, failed.detail, failed.route) == (
        people.coordinator,
        "coordinator",
        ADDRESS,
        FACTOR_TOTP,
        "accounts:two_factor_verify",
    )
    assert "000000" not in failed.detail + failed.path
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.SIGN_IN).exists()


def test_each_wrong_recovery_code_is_logged_as_a_recovery_code(client, people):
    enrol(people.coordinator, recovery_codes=("abcd2345",))
    _password(client, "coordinator")
    for guess in ("zzzz9999", "yyyy 8888"):
        assert client.post(VERIFY, {"code": guess}).status_code == 200
    failed = AccessEvent.objects.filter(kind=AccessEvent.Kind.TWO_FACTOR_FAILED)
    assert list(failed.values_list("detail", flat=True)) == [FACTOR_RECOVERY, FACTOR_RECOVERY]


def test_the_right_authenticator_code_completes_the_sign_in(client, people):
    device = enrol(people.coordinator)
    _password(client, "coordinator")
    response = client.post(VERIFY, {"code": current_code(device), "next": CASES}, REMOTE_ADDR=ADDRESS)
    assert response.url == CASES

    assert _kinds() == [AccessEvent.Kind.PASSWORD_ACCEPTED, AccessEvent.Kind.SIGN_IN]
    signed_in = AccessEvent.objects.get(kind=AccessEvent.Kind.SIGN_IN)
    assert (signed_in.user, signed_in.client_address, signed_in.detail) == (people.coordinator, ADDRESS, FACTOR_TOTP)


def test_a_recovery_code_completes_the_sign_in_and_says_so(client, people):
    enrol(people.coordinator, recovery_codes=("abcd2345",))
    _password(client, "coordinator")
    assert client.post(VERIFY, {"code": "abcd2345", "next": CASES}).url == CASES
    assert AccessEvent.objects.get(kind=AccessEvent.Kind.SIGN_IN).detail == FACTOR_RECOVERY


def test_setting_up_the_first_authenticator_completes_the_sign_in_once(client, people):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _password(client, "manager")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=people.manager, confirmed=False)
    assert client.post(SETUP, {"code": current_code(device)}).status_code == 302
    assert _kinds() == [AccessEvent.Kind.PASSWORD_ACCEPTED, AccessEvent.Kind.SIGN_IN]
    assert AccessEvent.objects.get(kind=AccessEvent.Kind.SIGN_IN).detail == FACTOR_TOTP

    # Moving to another authenticator later, already signed in, is not another sign-in.
    client.get(SETUP)
    other = TOTPDevice.objects.get(user=people.manager, confirmed=False)
    assert client.post(SETUP, {"code": current_code(other), "password": PASSWORD}).status_code == 302
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.SIGN_IN).count() == 1
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.TWO_FACTOR_REPLACED).count() == 1
