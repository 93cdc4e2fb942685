"""The data manager sees a user's API tokens on the user page and revokes one with a reason, which is kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from audit.models import AccessEvent
from registry.accounts.token_views import TOKEN_REVOKED
from registry.models import ApiToken
from registry.services import tokens

pytestmark = pytest.mark.django_db

ME = reverse("registry_api:me")


def _me(raw: str):
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _revoke_url(user, token) -> str:
    return reverse("registry:user_token_revoke", args=[user.pk, token.pk])


@pytest.fixture
def manager(client, people):
    client.force_login(people.manager)
    return client


def test_the_user_page_lists_the_users_tokens_and_no_one_elses(manager, people):
    theirs, _ = tokens.token_create(user=people.entry_a, name="hospital sync", lifetime_days=90)
    other, _ = tokens.token_create(user=people.entry_b, name="other sync", lifetime_days=90)

    page = manager.get(reverse("registry:user_detail", args=[people.entry_a.pk])).content.decode()

    assert "hospital sync" in page and f"ilr_{theirs.prefix}_…" in page and _revoke_url(people.entry_a, theirs) in page
    assert "other sync" not in page and other.prefix not in page


def test_the_data_manager_revokes_a_users_token_with_a_reason(manager, people):
    token, raw = tokens.token_create(user=people.entry_a, name="hospital sync", lifetime_days=90)

    response = manager.post(_revoke_url(people.entry_a, token), {"reason": "left the center"}, follow=True)

    detail = reverse("registry:user_detail", args=[people.entry_a.pk])
    assert response.redirect_chain == [(detail, 302)]
    body = response.content.decode()
    assert escape(TOKEN_REVOKED.format(name="hospital sync")) in body
    assert "by manager: left the center" in body
    token.refresh_from_db()
    assert token.revoked_by == people.manager and token.revoke_reason == "left the center"
    assert _me(raw).status_code == 401
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.TOKEN_REVOKED)
    assert event.user == people.manager and event.object_id == str(token.pk)
    assert event.detail.startswith("entry_a: “hospital sync”") and event.detail.endswith("reason: left the center")


def test_the_data_manager_must_give_a_reason(manager, people):
    token, raw = tokens.token_create(user=people.entry_a, name="hospital sync", lifetime_days=90)

    response = manager.post(_revoke_url(people.entry_a, token), {"reason": ""}, follow=True)

    assert "was not revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None and _me(raw).status_code == 200


def test_a_token_of_another_user_under_this_users_page_is_404(manager, people):
    token, raw = tokens.token_create(user=people.entry_b, name="other sync", lifetime_days=90)

    response = manager.post(_revoke_url(people.entry_a, token), {"reason": "wrong page"})

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and _me(raw).status_code == 200


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b", "coordinator"])
def test_no_other_role_revokes_from_the_user_page(client, people, who):
    token, raw = tokens.token_create(user=people.entry_b, name="sync", lifetime_days=90)
    client.force_login(getattr(people, who))

    response = client.post(_revoke_url(people.entry_b, token), {"reason": "r"})

    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None and _me(raw).status_code == 200


def test_a_get_on_the_user_page_revoke_url_revokes_nothing(manager, people):
    token, raw = tokens.token_create(user=people.entry_a, name="sync", lifetime_days=90)

    assert manager.get(_revoke_url(people.entry_a, token)).status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None and _me(raw).status_code == 200
