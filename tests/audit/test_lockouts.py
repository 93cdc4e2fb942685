"""The data manager's release of a sign-in lockout is in the access log, with who released which username."""

from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent

pytestmark = pytest.mark.django_db

released = AccessEvent.objects.filter(kind=AccessEvent.Kind.LOCKOUT_RELEASED)


@pytest.fixture
def attempt(db):
    return AccessAttempt.objects.create(
        username="entry_a",
        ip_address="203.0.113.40",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


def test_a_released_lockout_is_logged_with_the_data_manager_and_the_username(client, people, attempt):
    client.force_login(people.manager)
    response = client.post(reverse("accounts:lockout_release", args=[attempt.pk]), follow=True)
    assert "entry_a can sign in again" in response.content.decode()

    event = released.get()
    assert (event.user, event.username, event.detail) == (people.manager, "manager", "entry_a from 203.0.113.40")
    assert not AccessAttempt.objects.exists()


def test_a_lockout_whose_release_cannot_be_logged_stays(client, people, attempt):
    client.force_login(people.manager)
    client.raise_request_exception = False
    with mock.patch("audit.services.AccessEvent.save", side_effect=DatabaseError("disk full")):
        response = client.post(reverse("accounts:lockout_release", args=[attempt.pk]))
    assert response.status_code == 500
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_refused_release_is_logged_as_refused_not_released(client, people, attempt):
    client.force_login(people.coordinator)
    assert client.post(reverse("accounts:lockout_release", args=[attempt.pk])).status_code == 403
    assert not released.exists()
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.REFUSED, route="accounts:lockout_release").exists()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
