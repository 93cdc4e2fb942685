"""Refused attempts are logged with who, when and what: every 403, and every 404 on a route of the application
(case, run and query routes, the admin, the account and user pages); ordinary pages are not."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.urls import reverse

from audit.models import AccessEvent
from registry.choices import Role
from registry.models import Membership
from registry.services import users as user_services

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


def test_the_data_manager_making_itself_superuser_in_the_admin_is_logged(client, people):
    client.force_login(people.manager)
    url = reverse("admin:auth_user_change", args=[people.manager.pk])
    assert client.post(url, {"username": "manager", "is_superuser": "on"}).status_code == 403

    people.manager.refresh_from_db()
    assert not people.manager.is_superuser
    event = refusals.get()
    assert (event.user, event.method, event.path, event.status, event.route, event.object_id) == (
        people.manager,
        "POST",
        url,
        403,
        "admin:auth_user_change",
        str(people.manager.pk),
    )


def test_a_404_in_the_admin_is_logged(client, people):
    event = AccessEvent.objects.create(kind=AccessEvent.Kind.SIGN_OUT, occurred_at="2026-01-01T00:00Z")
    client.force_login(people.manager)
    url = reverse("admin:audit_accessevent_history", args=[event.pk])
    assert client.get(url).status_code == 404
    assert list(refusals.values_list("route", "status")) == [("admin:audit_accessevent_history", 404)]


def test_the_lockouts_page_refused_to_a_center_user_is_logged(client, people):
    client.force_login(people.entry_a)
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    assert list(refusals.values_list("user", "route", "status")) == [(people.entry_a.pk, "accounts:lockouts", 403)]


def test_static_files_are_not_access_attempts(client, people):
    client.force_login(people.entry_a)
    assert client.get("/static/no-such-file.css").status_code == 404
    assert not refusals.exists()


def test_the_data_manager_acting_on_their_own_account_is_refused_with_a_403_that_is_logged(client, people):
    client.force_login(people.manager)
    own = Membership.objects.get(user=people.manager)
    for url in (
        reverse("registry:user_deactivate", args=[people.manager.pk]),
        reverse("registry:membership_remove", args=[people.manager.pk, own.pk]),
        reverse("registry:membership_add", args=[people.manager.pk]),
        reverse("registry:user_edit", args=[people.manager.pk]),
    ):
        data = {"reason": "r", "role": Role.COORDINATOR, "first_name": "M", "last_name": "M", "email": "m@example.org"}
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert user_services.NOT_YOURSELF in response.content.decode(), url

    assert sorted(refusals.values_list("route", flat=True)) == [
        "registry:membership_add",
        "registry:membership_remove",
        "registry:user_deactivate",
        "registry:user_edit",
    ]
    people.manager.refresh_from_db()
    assert people.manager.is_active and list(people.manager.memberships.values_list("role", flat=True)) == [
        Role.DATA_MANAGER
    ]


def test_acting_on_the_operator_account_is_refused_with_a_403_that_is_logged(client, people):
    operator = get_user_model().objects.create_superuser("operator", "operator@example.org", "an-operator-secret-26")
    client.force_login(people.manager)
    response = client.post(reverse("registry:user_deactivate", args=[operator.pk]), {"reason": "r"})
    assert response.status_code == 403
    assert user_services.OPERATOR_ACCOUNT in response.content.decode()
    event = refusals.get()
    assert (event.user, event.route, event.object_id, event.status) == (
        people.manager,
        "registry:user_deactivate",
        str(operator.pk),
        403,
    )
    operator.refresh_from_db()
    assert operator.is_active


def test_bad_input_on_the_user_page_is_not_a_refusal(client, people):
    client.force_login(people.manager)
    response = client.post(reverse("registry:user_deactivate", args=[people.entry_a.pk]), {"reason": ""})
    assert response.status_code == 302
    assert not refusals.exists()
