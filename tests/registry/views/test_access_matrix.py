"""Every case-data URL of the app, for every role, with another center's object IDs.

The URLs come from walking the resolver, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry import models as m
from registry.sections import SECTIONS

pytestmark = pytest.mark.django_db


def _registry_routes():
    """(name, kwargs names) of every pattern in the registry namespace."""
    resolver = get_resolver()
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "registry":
                found.append((f"registry:{pattern.name}", list(pattern.pattern.converters)))

    walk(resolver.url_patterns, None)
    return found


def _urls_for(case):
    """Every registry URL, filled in with this case (and each section slug)."""
    urls = []
    for name, params in _registry_routes():
        if "pk" not in params:
            continue
        if "section" in params:
            urls += [reverse(name, kwargs={"pk": case.pk, "section": slug}) for slug in SECTIONS]
        else:
            urls.append(reverse(name, kwargs={"pk": case.pk}))
    return urls


def _admin_urls(case):
    urls = [
        reverse("admin:registry_case_change", args=[case.pk]),
        reverse("admin:registry_case_history", args=[case.pk]),
    ]
    for model in m.CASE_RECORD_MODELS:
        for record in model.objects.filter(case=case):
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            urls.append(reverse(f"{prefix}_change", args=[record.pk]))
            urls.append(reverse(f"{prefix}_history", args=[record.pk]))
    return urls


def test_the_walk_finds_every_case_route(case_b):
    names = {name for name, _ in _registry_routes()}
    assert {"registry:case_detail", "registry:case_edit", "registry:case_section", "registry:case_lock"} <= names
    assert len(_urls_for(case_b)) >= len(SECTIONS) + 6


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_center_users_get_404_for_every_url_of_another_centers_case(client, people, case_a, case_b, who, method):
    client.force_login(getattr(people, who))
    for url in _urls_for(case_b):
        response = getattr(client, method)(url)
        assert response.status_code in (404, 405), f"{who} {method.upper()} {url} -> {response.status_code}"
        assert case_b.registry_id not in response.content.decode(), url


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "coordinator"])
def test_only_the_data_manager_reaches_case_data_in_the_admin(client, people, case_a, case_b, who):
    client.force_login(getattr(people, who))
    for url in _admin_urls(case_b) + _admin_urls(case_a):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), f"{who} GET {url} -> {response.status_code}"
        assert case_b.registry_id not in response.content.decode()


def test_the_data_manager_reads_case_data_in_the_admin_but_cannot_change_it(client, people, case_b):
    client.force_login(people.manager)
    for url in _admin_urls(case_b):
        assert client.get(url).status_code == 200, url
    change = reverse("admin:registry_case_change", args=[case_b.pk])
    client.post(change, {"sex": "F"})
    case_b.refresh_from_db()
    assert case_b.sex == "M"


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_lists_search_and_dashboard_show_no_foreign_case(client, people, case_a, case_b, who):
    client.force_login(getattr(people, who))
    pages = [
        reverse("registry:dashboard"),
        reverse("registry:case_list"),
        reverse("registry:case_list") + f"?q={case_b.registry_id}",
        reverse("registry:case_list") + f"?center={case_b.center_id}",
        reverse("registry:case_list") + "?status=attention",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode().replace(f'value="{case_b.registry_id}"', "")  # the search box echo
        body = body.replace(f'value="{url}"', "")  # the language switcher's way back to this page
        assert case_b.registry_id not in body, url
        assert reverse("registry:case_detail", args=[case_b.pk]) not in body, url
        assert case_b.center.name not in body, url
    assert case_a.registry_id in client.get(reverse("registry:case_list")).content.decode()


def test_a_search_by_hospital_number_finds_only_own_cases(client, people, center_a, center_b):
    from tests.factories import make_case

    mine = make_case(people.entry_a, center_a, hospital_number="12345")
    theirs = make_case(people.entry_b, center_b, hospital_number="12345")
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:case_list") + "?q=12345").content.decode()
    assert mine.registry_id in body and theirs.registry_id not in body


def test_the_coordinator_reads_every_center_but_changes_nothing(client, people, case_a, case_b):
    client.force_login(people.coordinator)
    for case in (case_a, case_b):
        assert client.get(reverse("registry:case_detail", args=[case.pk])).status_code == 200
        for url in _urls_for(case):
            if url.endswith(f"/{case.pk}/") or url.endswith("/history/"):
                continue
            response = client.post(url)
            assert response.status_code == 403, f"coordinator POST {url} -> {response.status_code}"
    assert m.Case.objects.filter(locked_at__isnull=False).count() == 0


def test_the_coordinator_does_not_see_dates_of_birth(client, people, case_a):
    client.force_login(people.coordinator)
    body = client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()
    assert str(case_a.birth_date) not in body


def test_anonymous_visitors_are_sent_to_the_login_page(client, case_b):
    for url in [*_urls_for(case_b), reverse("registry:case_list"), reverse("registry:dashboard")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_user_with_no_role_sees_nothing(client, case_a):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    assert case_a.registry_id not in client.get(reverse("registry:case_list")).content.decode()
    assert client.get(reverse("registry:case_detail", args=[case_a.pk])).status_code == 404
