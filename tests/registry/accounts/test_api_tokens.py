"""The API token pages: a user makes a token (shown once, in the answer to that POST), lists and revokes their own;
nobody reaches another user's token on these routes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from audit.models import AccessEvent
from registry.accounts.token_views import TOKEN_NOT_REVOKED, TOKEN_REVOKED
from registry.models import ApiToken
from registry.services import tokens
from tests.factories import UserFactory
from tests.registry.accounts.conftest import enrol

pytestmark = pytest.mark.django_db

TOKENS = reverse("accounts:api_tokens")
ME = reverse("registry_api:me")
RAW_TOKEN = re.compile(r"ilr_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def _revoke_url(token: ApiToken) -> str:
    return reverse("accounts:api_token_revoke", args=[token.pk])


def _me(raw: str):
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _make(client, name: str = "R on my laptop", lifetime_days: int | str = 90):
    return client.post(TOKENS, {"name": name, "lifetime_days": lifetime_days})


def _raw_from(response) -> str:
    found = set(RAW_TOKEN.findall(response.content.decode()))
    assert len(found) == 1, found
    return found.pop()


@pytest.fixture
def signed_in(client, people):
    client.force_login(people.entry_a)
    return client


def test_a_new_token_is_shown_once_and_works_on_the_api(signed_in, people):
    response = _make(signed_in, "R on my laptop", 180)

    assert response.status_code == 200
    body = response.content.decode()
    assert "it will not be shown again" in body
    raw = _raw_from(response)
    assert f'curl -H "Authorization: Bearer {raw}" http' in body and f"{ME}</code>" in body
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=people.entry_a)
    assert token.name == "R on my laptop" and raw.startswith(f"ilr_{token.prefix}_")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=180))) < timedelta(minutes=1)

    me = _me(raw)
    assert me.status_code == 200
    assert me.json()["username"] == "entry_a" and me.json()["token"]["name"] == "R on my laptop"


def test_the_token_is_never_shown_again_nor_kept_in_the_session_or_messages(signed_in, people):
    raw = _raw_from(_make(signed_in))
    prefix = ApiToken.objects.get(user=people.entry_a).prefix

    for url in (TOKENS, TOKENS, reverse("accounts:account")):
        page = signed_in.get(url)
        assert page.status_code == 200
        assert raw not in page.content.decode(), url
        assert not RAW_TOKEN.search(page.content.decode()), url
    listing = signed_in.get(TOKENS).content.decode()
    assert f"ilr_{prefix}_…" in listing and "R on my laptop" in listing
    assert raw not in str(dict(signed_in.session.items()))
    assert all(raw not in morsel.value for morsel in signed_in.cookies.values())


def test_the_lifetime_defaults_to_90_days_and_offers_only_the_allowed_ones(signed_in):
    form = signed_in.get(TOKENS).content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?', form)
    assert [int(days) for days, _ in options] == list(tokens.TOKEN_LIFETIMES)
    assert [days for days, selected in options if selected] == ["90"]


def test_the_account_page_links_the_tokens_and_the_api_documentation(signed_in):
    page = signed_in.get(reverse("accounts:account")).content.decode()
    for url in (TOKENS, reverse("api-docs"), reverse("api-redoc")):
        assert f'href="{url}"' in page


def test_revoking_a_token_makes_the_api_answer_401(signed_in, people):
    raw = _raw_from(_make(signed_in))
    token = ApiToken.objects.get(user=people.entry_a)

    response = signed_in.post(_revoke_url(token), {"reason": "laptop stolen"}, follow=True)

    assert response.redirect_chain == [(TOKENS, 302)]
    assert escape(TOKEN_REVOKED.format(name="R on my laptop")) in response.content.decode()
    assert _me(raw).status_code == 401
    token.refresh_from_db()
    assert token.status == "revoked" and token.revoked_by == people.entry_a and token.revoke_reason == "laptop stolen"
    assert 'action="' + _revoke_url(token) not in response.content.decode()


def test_making_and_revoking_are_in_the_access_log(signed_in, people):
    _make(signed_in, "sync")
    token = ApiToken.objects.get(user=people.entry_a)
    signed_in.post(_revoke_url(token), {"reason": "replaced"})

    made = AccessEvent.objects.get(kind=AccessEvent.Kind.TOKEN_CREATED)
    revoked = AccessEvent.objects.get(kind=AccessEvent.Kind.TOKEN_REVOKED)
    assert made.user == revoked.user == people.entry_a
    assert made.object_id == revoked.object_id == str(token.pk)
    assert f"“sync” (ilr_{token.prefix}_…)" in made.detail and "90 days" in made.detail
    assert revoked.detail.startswith("entry_a: “sync”") and revoked.detail.endswith("reason: replaced")


def test_a_get_on_the_revoke_url_revokes_nothing(signed_in, people):
    raw = _raw_from(_make(signed_in))
    token = ApiToken.objects.get(user=people.entry_a)

    assert signed_in.get(_revoke_url(token)).status_code == 405

    token.refresh_from_db()
    assert token.revoked_at is None and _me(raw).status_code == 200


def test_revoking_twice_says_so_and_keeps_the_first_revocation(signed_in, people):
    _make(signed_in)
    token = ApiToken.objects.get(user=people.entry_a)
    signed_in.post(_revoke_url(token), {"reason": "first"})

    response = signed_in.post(_revoke_url(token), {"reason": "second"}, follow=True)

    assert escape(tokens.ALREADY_REVOKED) in response.content.decode()
    token.refresh_from_db()
    assert token.revoke_reason == "first"
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.TOKEN_REVOKED).count() == 1


def test_a_bad_reason_revokes_nothing(signed_in, people):
    raw = _raw_from(_make(signed_in))
    token = ApiToken.objects.get(user=people.entry_a)

    response = signed_in.post(_revoke_url(token), {"reason": "x" * 201}, follow=True)

    assert "was not revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None and _me(raw).status_code == 200


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b", "coordinator", "manager"])
def test_another_users_token_is_404_on_the_token_pages_for_every_role(client, people, who):
    other = UserFactory(username="someone.else")
    token, raw = tokens.token_create(user=other, name="their sync", lifetime_days=30)
    client.force_login(getattr(people, who))

    response = client.post(_revoke_url(token), {"reason": "mine now"})

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and _me(raw).status_code == 200
    listing = client.get(TOKENS).content.decode()
    assert "their sync" not in listing and token.prefix not in listing
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.REFUSED, status=404).exists()


def test_anonymous_visitors_are_sent_to_sign_in_and_revoke_nothing(client, people):
    token, raw = tokens.token_create(user=people.entry_a, name="sync", lifetime_days=30)
    for response in (client.get(TOKENS), _make(client), client.post(_revoke_url(token))):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert ApiToken.objects.count() == 1 and _me(raw).status_code == 200


@pytest.mark.parametrize(
    ("name", "lifetime_days", "message"),
    [
        ("", 90, tokens.NAME_REQUIRED),
        ("   ", 90, tokens.NAME_REQUIRED),
        ("x" * 61, 90, tokens.NAME_TOO_LONG),
        ("sync\x00", 90, "Null characters are not allowed."),
        ("SYNC", 90, tokens.NAME_TAKEN),
        ("other", 7, tokens.LIFETIME_INVALID.format(choices="30, 90, 180, 365")),
        ("other", "forever", tokens.LIFETIME_INVALID.format(choices="30, 90, 180, 365")),
    ],
)
def test_bad_input_shows_the_field_errors_and_makes_no_token(signed_in, people, name, lifetime_days, message):
    tokens.token_create(user=people.entry_a, name="sync", lifetime_days=30)

    response = _make(signed_in, name, lifetime_days)

    assert response.status_code == 400
    body = response.content.decode()
    assert escape(message) in body
    assert 'class="errorlist"' in body
    assert not RAW_TOKEN.search(body)
    assert ApiToken.objects.count() == 1
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.TOKEN_CREATED).exists()


def test_a_revoked_tokens_name_can_be_used_again(signed_in, people):
    old, _raw = tokens.token_create(user=people.entry_a, name="sync", lifetime_days=30)
    tokens.token_revoke(actor=people.entry_a, token=old, reason="")

    response = _make(signed_in, "sync")

    assert response.status_code == 200
    assert ApiToken.objects.filter(user=people.entry_a, name="sync", revoked_at__isnull=True).count() == 1


def test_the_list_shows_status_and_who_revoked(signed_in, people):
    live, _ = tokens.token_create(user=people.entry_a, name="live one", lifetime_days=30)
    expired, _ = tokens.token_create(user=people.entry_a, name="old one", lifetime_days=30)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = tokens.token_create(user=people.entry_a, name="gone one", lifetime_days=30)
    tokens.token_revoke(actor=people.manager, token=revoked, reason="left the project")

    page = signed_in.get(TOKENS).content.decode()

    rows = {name: row for row in page.split("<tr") for name in ("live one", "old one", "gone one") if name in row}
    assert ">active<" in rows["live one"] and _revoke_url(live) in rows["live one"]
    assert ">expired<" in rows["old one"] and _revoke_url(expired) not in rows["old one"]
    assert ">revoked<" in rows["gone one"] and "by manager: left the project" in rows["gone one"]
    assert _revoke_url(revoked) not in rows["gone one"]


@pytest.mark.usefixtures("two_factor_enforced")
def test_a_user_who_owes_a_code_reaches_no_token_page_and_changes_nothing(client, people):
    enrol(people.entry_a)
    token, raw = tokens.token_create(user=people.entry_a, name="sync", lifetime_days=30)
    client.force_login(people.entry_a)
    verify = reverse("accounts:two_factor_verify")

    for response in (client.get(TOKENS), _make(client, "new"), client.post(_revoke_url(token), {"reason": "r"})):
        assert response.status_code == 302 and response.url.startswith(verify)

    assert list(ApiToken.objects.values_list("name", flat=True)) == ["sync"]
    assert _me(raw).status_code == 200


def test_the_not_revoked_message_names_the_token(signed_in, people):
    token, _raw = tokens.token_create(user=people.entry_a, name="sync", lifetime_days=30)
    response = signed_in.post(_revoke_url(token), {"reason": "\x00"}, follow=True)
    assert escape(TOKEN_NOT_REVOKED.format(name="sync", errors="Null characters are not allowed.")) in (
        response.content.decode()
    )
