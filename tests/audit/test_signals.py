"""Sign-ins, failed sign-ins and sign-outs are logged without the password; users are never deleted."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from audit.models import AccessEvent
from audit.signals import USER_DELETE_REFUSED

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-secret-2026"


@pytest.fixture
def entry_a(people):
    people.entry_a.set_password(PASSWORD)
    people.entry_a.save()
    return people.entry_a


def _fields(event: AccessEvent) -> str:
    return " ".join(str(getattr(event, f.attname)) for f in AccessEvent._meta.fields)


def test_a_sign_in_is_logged_with_the_user_and_address(client, entry_a):
    response = client.post(reverse("login"), {"username": "entry_a", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302

    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.username, event.client_address) == (
        AccessEvent.Kind.SIGN_IN,
        entry_a,
        "entry_a",
        "198.51.100.4",
    )
    assert PASSWORD not in _fields(event)


def test_a_failed_sign_in_is_logged_with_the_name_tried_and_never_the_password(client, entry_a):
    wrong = "wrong-password-guess-1"
    response = client.post(reverse("login"), {"username": "entry_a", "password": wrong}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200

    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.username, event.client_address) == (
        AccessEvent.Kind.SIGN_IN_FAILED,
        None,
        "entry_a",
        "203.0.113.9",
    )
    assert wrong not in _fields(event) and PASSWORD not in _fields(event)


def test_a_sign_in_as_someone_unknown_is_logged_with_the_name_tried(client, db):
    client.post(reverse("login"), {"username": "admin", "password": "admin"})
    event = AccessEvent.objects.get()
    assert (event.kind, event.user, event.username) == (AccessEvent.Kind.SIGN_IN_FAILED, None, "admin")


def test_a_sign_out_is_logged(client, entry_a):
    client.force_login(entry_a)
    client.post(reverse("logout"))
    assert list(AccessEvent.objects.filter(kind=AccessEvent.Kind.SIGN_OUT).values_list("user", flat=True)) == [
        entry_a.pk
    ]


def test_a_user_cannot_be_deleted_and_their_memberships_stay(people):
    user = people.entry_a
    # Each attempt in a savepoint of its own: the refusal rolls back whatever the delete had begun.
    with pytest.raises(ProtectedError, match=USER_DELETE_REFUSED), transaction.atomic():
        user.delete()
    with pytest.raises(ProtectedError, match=USER_DELETE_REFUSED), transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).delete()
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert user.memberships.exists()
