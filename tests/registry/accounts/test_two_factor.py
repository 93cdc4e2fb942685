import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent
from registry.accounts import services
from registry.accounts.views import RECOVERY_CODES_GONE
from tests.factories import PASSWORD
from tests.registry.accounts.conftest import current_code, enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_enforced")]

CASES = reverse("registry:case_list")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_a_data_manager_without_an_authenticator_is_sent_to_set_one_up(client, people):
    response = _signed_in(client, people.manager).get(CASES)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fcases%2F"


def test_a_coordinator_must_enter_a_code_before_reaching_any_page(client, people):
    device = enrol(people.coordinator)
    _signed_in(client, people.coordinator)
    for url in (CASES, reverse("registry:dashboard"), reverse("accounts:account"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(VERIFY), url

    response = client.post(VERIFY, {"code": current_code(device), "next": CASES})
    assert response.status_code == 302
    assert response.url == CASES
    assert client.get(CASES).status_code == 200


def test_admin_pages_are_behind_the_code_as_well(client, people):
    enrol(people.manager)
    response = _signed_in(client, people.manager).get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_a_center_user_without_an_authenticator_reaches_pages_directly(client, people):
    assert _signed_in(client, people.entry_a).get(CASES).status_code == 200


def test_a_center_user_who_set_up_an_authenticator_must_enter_a_code_too(client, people):
    enrol(people.entry_a)
    response = _signed_in(client, people.entry_a).get(CASES)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_signing_out_works_before_the_code(client, people):
    enrol(people.coordinator)
    _signed_in(client, people.coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_shows_the_secret_and_a_qr_code_and_gives_recovery_codes_once(client, people):
    _signed_in(client, people.manager)
    page = client.get(SETUP + "?next=/cases/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=people.manager, confirmed=False)
    text = page.content.decode()
    assert page.context["secret"] in text
    assert "otpauth://totp/" in text
    assert "<svg" in text and "<script" not in text

    response = client.post(SETUP, {"code": current_code(device), "next": "/cases/"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:recovery_codes"))
    device.refresh_from_db()
    assert device.confirmed

    shown = client.get(response.url)
    codes = shown.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert all(code in shown.content.decode() for code in codes)
    assert set(StaticToken.objects.filter(device__user=people.manager).values_list("token", flat=True)) == set(codes)

    again = client.get(reverse("accounts:recovery_codes"), follow=True)
    assert RECOVERY_CODES_GONE in again.content.decode()
    assert not any(code in again.content.decode() for code in codes)
    # Set up and verified in this session: the pages open.
    assert client.get(CASES).status_code == 200


def test_a_wrong_code_at_setup_is_refused_and_confirms_nothing(client, people):
    _signed_in(client, people.manager)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert services.CODE_INVALID in response.content.decode()
    assert not TOTPDevice.objects.filter(user=people.manager, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=people.manager).exists()
    assert client.get(CASES).url.startswith(SETUP)


def test_a_reused_code_is_refused(client, people, django_user_model):
    from django.test import Client

    device = enrol(people.coordinator)
    code = current_code(device)
    first = _signed_in(client, people.coordinator).post(VERIFY, {"code": code, "next": CASES})
    assert first.url == CASES

    thief = _signed_in(Client(), people.coordinator)
    replay = thief.post(VERIFY, {"code": code, "next": CASES})
    assert replay.status_code == 200
    assert services.CODE_INVALID in replay.content.decode()
    assert thief.get(CASES).url.startswith(VERIFY)


def test_a_recovery_code_works_once(client, people):
    from django.test import Client

    enrol(people.coordinator, recovery_codes=("abcd2345", "efgh6789"))
    used = _signed_in(client, people.coordinator).post(VERIFY, {"code": "ABCD 2345", "next": CASES})
    assert used.url == CASES
    assert client.get(CASES).status_code == 200

    other = _signed_in(Client(), people.coordinator)
    again = other.post(VERIFY, {"code": "abcd2345", "next": CASES})
    assert again.status_code == 200
    assert services.CODE_INVALID in again.content.decode()
    assert list(StaticToken.objects.filter(device__user=people.coordinator).values_list("token", flat=True)) == [
        "efgh6789"
    ]


def test_someone_holding_only_the_password_cannot_swap_in_their_own_authenticator(client, people):
    device = enrol(people.coordinator)
    _signed_in(client, people.coordinator)
    for response in (client.get(SETUP), client.post(SETUP, {"code": "123456"})):
        assert response.status_code == 302
        assert response.url.startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=people.coordinator)) == [device]


def test_a_verified_user_can_move_to_another_authenticator_with_their_password(
    client, people, django_capture_on_commit_callbacks
):
    people.entry_a.email = "entry.a@example.org"
    people.entry_a.save()
    old = enrol(people.entry_a, recovery_codes=("oldcode1",))
    _signed_in(client, people.entry_a).post(VERIFY, {"code": current_code(old)})
    page = client.get(SETUP)
    assert 'name="password"' in page.content.decode()
    new = TOTPDevice.objects.get(user=people.entry_a, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SETUP, {"code": current_code(new), "password": PASSWORD})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=people.entry_a)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert not StaticToken.objects.filter(token="oldcode1").exists()
    # The owner is told, and the access log has it.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["entry.a@example.org"]
    assert "authenticator was replaced" in mail.outbox[0].subject
    assert "recovery codes" in mail.outbox[0].body
    assert AccessEvent.objects.filter(kind="two_factor_replaced", user=people.entry_a).count() == 1


def test_a_verified_session_cannot_replace_the_authenticator_without_the_password(client, people):
    old = enrol(people.entry_a, recovery_codes=("oldcode1",))
    _signed_in(client, people.entry_a).post(VERIFY, {"code": current_code(old)})
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=people.entry_a, confirmed=False)
    for password, message in (("", services.PASSWORD_NEEDED), ("wrong-password", services.PASSWORD_WRONG)):
        response = client.post(SETUP, {"code": current_code(new), "password": password})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=people.entry_a, confirmed=True)) == [old]
    assert StaticToken.objects.filter(token="oldcode1").exists()
    assert mail.outbox == []
    assert not AccessEvent.objects.filter(kind="two_factor_replaced").exists()
    assert AccessEvent.objects.filter(kind="password_change_failed", user=people.entry_a).count() == 1


def test_a_secret_seen_by_someone_holding_only_the_password_never_becomes_the_owners(people):
    attacker, owner = _signed_in(Client(), people.manager), _signed_in(Client(), people.manager)
    seen = attacker.get(SETUP).context["secret"]
    attacker_device = TOTPDevice.objects.get(user=people.manager, confirmed=False)

    # Later the owner sets up: a secret of their own.
    page = owner.get(SETUP)
    assert page.context["secret"] != seen
    assert seen not in page.content.decode()
    # The attacker can no longer confirm the secret they saw.
    refused = attacker.post(SETUP, {"code": current_code(attacker_device)})
    assert refused.status_code == 200
    assert services.SETUP_EXPIRED in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=people.manager, confirmed=True).exists()

    # The owner confirms the secret their own session was shown; the attacker's codes do not work.
    owner_secret = owner.get(SETUP).context["secret"]
    owner_device = TOTPDevice.objects.get(user=people.manager, confirmed=False)
    assert owner_secret not in (seen, refused.context["secret"])
    confirmed = owner.post(SETUP, {"code": current_code(owner_device)})
    assert confirmed.status_code == 302
    assert list(TOTPDevice.objects.filter(user=people.manager)) == [owner_device]
    assert services.two_factor_verify(user=people.manager, token=current_code(attacker_device)) is None


def test_each_visit_to_the_setup_page_shows_a_fresh_secret_and_a_wrong_code_keeps_it(client, people):
    _signed_in(client, people.manager)
    first = client.get(SETUP).context["secret"]
    second = client.get(SETUP).context["secret"]
    assert first != second
    retry = client.post(SETUP, {"code": "000000"})
    assert retry.context["secret"] == second
    assert TOTPDevice.objects.filter(user=people.manager).count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, people):
    device = enrol(people.entry_a, recovery_codes=("oldcode1",))
    _signed_in(client, people.entry_a).post(VERIFY, {"code": current_code(device)})
    response = client.post(reverse("accounts:recovery_codes_new"), follow=True)
    codes = response.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT
    tokens = set(StaticToken.objects.filter(device__user=people.entry_a).values_list("token", flat=True))
    assert tokens == set(codes)


def test_after_the_code_the_user_is_never_sent_to_another_site(client, people):
    device = enrol(people.coordinator)
    response = _signed_in(client, people.coordinator).post(
        VERIFY, {"code": current_code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == reverse("registry:dashboard")


def test_center_users_may_set_up_two_factor_from_their_account_page(client, people):
    page = _signed_in(client, people.entry_a).get(reverse("accounts:account"))
    assert page.status_code == 200
    assert SETUP in page.content.decode()
    assert re.search(r"optional", page.content.decode())
