"""Refused attempts on case, run and query routes are logged with who, when and what; ordinary pages are not."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse

from audit.models import AccessEvent

pytestmark = pytest.mark.django_db

# Signing in (client.force_login) is an access event too; these tests look at the refusals.
refusals = AccessEvent.objects.filter(kind=AccessEvent.Kind.REFUSED)


def test_a_center_user_asking_for_another_centers_case_gets_a_404_that_is_logged(client, people, case_b):
    client.force_login(people.entry_a)
    url = reverse("registry:case_detail", args=[case_b.pk])
    response = client.get(url, REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 404
    event = refusals.get()
    assert event.kind == AccessEvent.Kind.REFUSED
    assert (event.user, event.username, event.path, event.method, event.status) == (
        people.entry_a,
        "entry_a",
        url,
        "GET",
        404,
    )
    assert (event.route, event.object_id, event.client_address) == ("registry:case_detail", str(case_b.pk), "192.0.2.7")
    assert event.occurred_at is not None


def test_a_read_only_users_refused_write_is_logged_as_a_403(client, people, case_a):
    client.force_login(people.coordinator)
    url = reverse("registry:case_lock", args=[case_a.pk])
    assert client.post(url).status_code == 403

    event = refusals.get()
    assert (event.user, event.path, event.method, event.status, event.route) == (
        people.coordinator,
        url,
        "POST",
        403,
        "registry:case_lock",
    )


def test_guessing_a_query_or_a_run_number_is_logged(client, people):
    client.force_login(people.entry_a)
    for url in (reverse("quality:query_detail", args=[999999]), reverse("analytics:run_detail", args=[999999])):
        assert client.get(url).status_code == 404
    assert sorted(refusals.values_list("route", flat=True)) == [
        "analytics:run_detail",
        "quality:query_detail",
    ]


def test_an_ordinary_page_is_not_logged(client, people, case_a):
    client.force_login(people.entry_a)
    before = AccessEvent.objects.count()
    assert client.get(reverse("registry:case_detail", args=[case_a.pk])).status_code == 200
    assert client.get(reverse("registry:case_list")).status_code == 200
    assert AccessEvent.objects.count() == before


def test_a_path_that_names_no_route_is_not_an_access_attempt(client, people):
    client.force_login(people.entry_a)
    assert client.get("/no-such-page/").status_code == 404
    assert not refusals.exists()


def test_a_failure_to_write_the_log_still_answers_404(client, people, case_b):
    client.force_login(people.entry_a)
    with mock.patch("audit.services.AccessEvent.save", side_effect=DatabaseError("disk full")):
        response = client.get(reverse("registry:case_detail", args=[case_b.pk]))
    assert response.status_code == 404
    assert not refusals.exists()
