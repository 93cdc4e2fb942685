from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from registry.api.authentication import TOKEN_INVALID
from registry.models import ApiToken
from registry.services import tokens as svc
from registry.services.users import user_deactivate

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_a_new_token_signs_its_user_in_and_is_kept_only_as_a_hash(people):
    token, raw = svc.token_create(user=people.entry_a, name="hospital sync", lifetime_days=90)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix) and raw.split("_", 2)[2] not in stored.digest
    response = _client(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "entry_a"
    assert response.json()["token"]["name"] == "hospital sync"
    assert {"role": "data_entry", "center": "AAA"}.items() <= response.json()["roles"][0].items()


def test_it_answers_401_without_a_token_and_for_an_altered_one(people):
    _token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    assert APIClient().get(ME).status_code in (401, 403)
    altered = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    for bad in (altered, "ilr_nothing_here", "garbage", raw + "x"):
        response = _client(bad).get(ME)
        assert response.status_code == 401, bad
        assert response.json() == {"detail": TOKEN_INVALID}
    assert _client(raw).get(ME).status_code == 200


def test_an_expired_token_is_refused(people):
    token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _client(raw).get(ME).status_code == 401


def test_a_revoked_token_is_refused_and_only_its_owner_or_the_data_manager_may_revoke(people):
    token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    with pytest.raises(PermissionDenied):
        svc.token_revoke(actor=people.entry_b, token=token)
    assert _client(raw).get(ME).status_code == 200
    svc.token_revoke(actor=people.entry_a, token=token)
    assert _client(raw).get(ME).status_code == 401
    with pytest.raises(ValidationError):
        svc.token_revoke(actor=people.manager, token=token)


def test_deactivating_a_user_revokes_their_tokens(people):
    token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    user_deactivate(actor=people.manager, user=people.entry_a, reason="left the center")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == people.manager
    # Even reactivated, the old token stays dead: a new one must be made.
    people.entry_a.is_active = True
    people.entry_a.save()
    assert _client(raw).get(ME).status_code == 401


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 30, "name"),
        ("   ", 30, "name"),
        ("x" * 61, 30, "name"),
        ("ok", 7, "lifetime_days"),
        ("ok", 3650, "lifetime_days"),
    ],
)
def test_it_refuses_a_token_without_a_name_or_with_an_unoffered_lifetime(people, name, days, field):
    with pytest.raises(ValidationError) as exc:
        svc.token_create(user=people.entry_a, name=name, lifetime_days=days)
    assert field in exc.value.message_dict
    assert not ApiToken.objects.exists()


def test_two_live_tokens_of_one_user_cannot_share_a_name(people):
    svc.token_create(user=people.entry_a, name="Sync", lifetime_days=30)
    with pytest.raises(ValidationError):
        svc.token_create(user=people.entry_a, name="sync", lifetime_days=30)
    svc.token_create(user=people.entry_b, name="sync", lifetime_days=30)


def test_last_use_is_recorded(people):
    token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    assert token.last_used_at is None
    _client(raw).get(ME)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_refused_token_is_in_the_access_log_by_its_prefix_never_its_secret(people):
    from audit.models import AccessEvent

    token, raw = svc.token_create(user=people.entry_a, name="x", lifetime_days=30)
    svc.token_revoke(actor=people.entry_a, token=token)
    assert _client(raw).get(ME).status_code == 401
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.SIGN_IN_FAILED)
    assert event.status == 401 and event.path == ME
    assert token.prefix in event.detail and raw.split("_", 2)[2] not in event.detail
    assert _client("not-a-token").get(ME).status_code == 401
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.SIGN_IN_FAILED).count() == 2
