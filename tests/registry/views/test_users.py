"""The data manager's user pages: only the data manager reaches them, and the forms give no privilege."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry.choices import Role
from registry.models import ApiToken, Membership
from registry.services import users as services
from registry.services.tokens import token_create
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["entry_a", "lead_a", "entry_b", "coordinator"]


def _user_routes():
    """Every route of the registry namespace whose view lives in registry/views/users.py."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif (
                isinstance(pattern, URLPattern)
                and namespace == "registry"
                and pattern.callback.__module__ == "registry.views.users"
            ):
                found.append((f"registry:{pattern.name}", list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def _urls(target):
    membership = Membership.objects.filter(user=target).first()
    token = ApiToken.objects.filter(user=target).first() or token_create(user=target, name="sync", lifetime_days=30)[0]
    values = {"user_pk": target.pk, "membership_pk": membership.pk, "token_id": token.pk}
    return [reverse(name, kwargs={key: values[key] for key in params}) for name, params in _user_routes()]


def test_the_walk_finds_every_user_page(people):
    assert len(_urls(people.entry_a)) == 10


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_role_but_the_data_manager_is_refused_everywhere(client, people, who, method):
    client.force_login(getattr(people, who))
    urls = _urls(people.entry_b)

    def state():
        users = list(get_user_model().objects.order_by("pk").values())
        return users, list(Membership.objects.values()), list(ApiToken.objects.order_by("pk").values())

    before = state()
    for url in urls:
        data = {"reason": "r", "role": Role.DATA_MANAGER, "username": "x", "email": "x@example.org"}
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 405), f"{who} {method.upper()} {url} -> {response.status_code}"
    after = state()
    assert before == after


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    for url in _urls(people.entry_b):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_the_data_manager_opens_every_page(client, people):
    client.force_login(people.manager)
    for url in [reverse("registry:user_list"), reverse("registry:user_new")]:
        assert client.get(url).status_code == 200
    page = client.get(reverse("registry:user_detail", args=[people.entry_a.pk]))
    assert page.status_code == 200 and b"Center data entry" in page.content
    assert client.get(reverse("registry:user_edit", args=[people.entry_a.pk])).status_code == 200
    assert client.get(reverse("registry:user_detail", args=[999999])).status_code == 404
    assert b'href="/users/"' in client.get(reverse("registry:dashboard")).content


def test_the_new_user_form_ignores_privilege_and_password_fields(client, people, center_a):
    client.force_login(people.manager)
    response = client.post(
        reverse("registry:user_new"),
        {
            "username": "new.lead",
            "email": "new.lead@example.org",
            "role": Role.CENTER_LEAD,
            "center": center_a.pk,
            "reason": "new lead at A",
            "is_staff": "on",
            "is_superuser": "on",
            "password": "chosen-by-the-manager-123",
            "password1": "chosen-by-the-manager-123",
            "user_permissions": [1, 2, 3],
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.lead")
    assert not user.is_staff and not user.is_superuser and not user.user_permissions.exists()
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("role", flat=True)) == [Role.CENTER_LEAD]
    assert not client.login(username="new.lead", password="chosen-by-the-manager-123")


def test_a_bad_new_user_form_shows_the_errors_and_saves_nothing(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("registry:user_new"),
        {"username": "x", "email": "x@example.org", "role": Role.DATA_ENTRY, "reason": "r"},
    )
    assert response.status_code == 200
    assert services.ROLE_NEEDS_CENTER in response.content.decode()
    assert not get_user_model().objects.filter(username="x").exists()


def test_a_look_alike_username_is_refused_on_the_new_user_form(client, people):
    UserFactory(username="ala.entry")
    client.force_login(people.manager)
    response = client.post(
        reverse("registry:user_new"),
        {"username": "Ala.Entry", "email": "ala2@example.org", "reason": "joins"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [services.USERNAME_TAKEN]
    assert list(get_user_model().objects.filter(username__iexact="ala.entry").values_list("username", flat=True)) == [
        "ala.entry"
    ]


def test_the_edit_form_cannot_make_anyone_superuser(client, people):
    client.force_login(people.manager)
    url = reverse("registry:user_edit", args=[people.entry_a.pk])
    data = {"first_name": "A", "last_name": "B", "email": "", "reason": "r", "is_superuser": "on", "is_staff": "on"}
    client.post(url, {**data, "email": "a@example.org"})
    people.entry_a.refresh_from_db()
    assert not people.entry_a.is_superuser and not people.entry_a.is_staff
    assert people.entry_a.email == ""  # she has a password: her address is hers to change
    assert people.entry_a.check_password(PASSWORD)


def test_the_data_manager_cannot_edit_their_own_account_or_roles_on_the_pages(client, people, center_a):
    client.force_login(people.manager)
    response = client.post(
        reverse("registry:membership_add", args=[people.manager.pk]),
        {"role": Role.CENTER_LEAD, "center": center_a.pk, "reason": "r"},
        follow=True,
    )
    assert services.NOT_YOURSELF in response.content.decode()
    own = Membership.objects.get(user=people.manager)
    client.post(reverse("registry:membership_remove", args=[people.manager.pk, own.pk]), {"reason": "r"})
    client.post(reverse("registry:user_deactivate", args=[people.manager.pk]), {"reason": "r"})
    people.manager.refresh_from_db()
    assert people.manager.is_active and list(people.manager.memberships.values_list("role", flat=True)) == [
        Role.DATA_MANAGER
    ]


def test_deactivating_from_the_page_signs_the_user_out_on_their_next_request(client, people):
    from django.test import Client

    theirs = Client()
    assert theirs.login(username="entry_a", password=PASSWORD)
    assert theirs.get(reverse("registry:case_list")).status_code == 200
    client.force_login(people.manager)
    response = client.post(reverse("registry:user_deactivate", args=[people.entry_a.pk]), {"reason": "left"})
    assert response.status_code == 302
    after = theirs.get(reverse("registry:case_list"))
    assert after.status_code == 302 and "/accounts/login/" in after["Location"]
    assert not theirs.login(username="entry_a", password=PASSWORD)


def test_a_deactivation_without_a_reason_is_refused(client, people):
    client.force_login(people.manager)
    response = client.post(reverse("registry:user_deactivate", args=[people.entry_a.pk]), {"reason": ""}, follow=True)
    assert services.REASON_REQUIRED in response.content.decode()
    people.entry_a.refresh_from_db()
    assert people.entry_a.is_active


def test_roles_given_and_taken_on_the_page_show_in_its_history_with_the_author(client, people, center_b):
    client.force_login(people.manager)
    client.post(
        reverse("registry:membership_add", args=[people.entry_a.pk]),
        {"role": Role.DATA_ENTRY, "center": center_b.pk, "reason": "covers B in August"},
    )
    membership = Membership.objects.get(user=people.entry_a, center=center_b)
    client.post(
        reverse("registry:membership_remove", args=[people.entry_a.pk, membership.pk]), {"reason": "August over"}
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    body = client.get(reverse("registry:user_detail", args=[people.entry_a.pk])).content.decode()
    assert "covers B in August" in body and "August over" in body and "manager" in body


def test_the_list_searches_users_and_only_the_data_manager_sees_its_link(client, people):
    client.force_login(people.manager)
    body = client.get(reverse("registry:user_list") + "?q=entry_").content.decode()
    assert "entry_a" in body and "entry_b" in body and "coordinator" not in body
    client.force_login(people.lead_a)
    assert b'href="/users/"' not in client.get(reverse("registry:dashboard")).content
