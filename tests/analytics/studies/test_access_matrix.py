"""Every URL of the plan pages, for every role: coordinators and the data manager only; a 404 for everyone else
(like another center's case), whatever the method. The URLs come from walking the resolver, so a route added
later is covered without touching this file."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from analytics.runs.models import AnalysisRun
from analytics.studies.models import AnalysisPlan
from analytics.studies.services import plan_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMESPACE = "studies"
HIDDEN_NAME = "Secret <plan> of the study office"


def _routes() -> list[tuple[str, list[str]]]:
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == NAMESPACE:
                found.append((f"{NAMESPACE}:{pattern.name}", sorted(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def _urls(plan: AnalysisPlan) -> list[str]:
    urls = []
    for name, params in _routes():
        if "number" in params:
            urls.append(reverse(name, kwargs={"pk": plan.pk, "number": 1}))
        elif "pk" in params:
            urls.append(reverse(name, kwargs={"pk": plan.pk}))
        else:
            urls.append(reverse(name))
    return urls


@pytest.fixture
def plan(people, spec):
    from dataclasses import replace

    return plan_create(user=people.coordinator, spec=replace(spec, name=HIDDEN_NAME)).plan


def test_the_walk_finds_every_plan_route(plan):
    names = {name for name, _ in _routes()}
    assert names == {
        "studies:plan_list",
        "studies:plan_new",
        "studies:plan_detail",
        "studies:plan_edit",
        "studies:plan_register",
        "studies:plan_archive",
        "studies:plan_history",
        "studies:version_detail",
        "studies:version_check",
        "studies:plan_run",
    }
    assert len(_urls(plan)) == 10


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b", "nobody"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_center_users_and_users_without_a_role_get_404_on_every_plan_url(client, people, plan, who, method):
    user = UserFactory(username="nobody") if who == "nobody" else getattr(people, who)
    client.force_login(user)
    for url in _urls(plan):
        response = getattr(client, method)(url, {"name": "x", "number": "1", "revision": str(plan.revision)})
        assert response.status_code == 404, f"{who} {method.upper()} {url} -> {response.status_code}"
        assert b"Secret" not in response.content, url
    plan.refresh_from_db()
    assert not plan.is_archived and not plan.versions.filter(registered_at__isnull=False).exists()
    assert AnalysisPlan.objects.filter(slug__isnull=True).count() == 1  # the shipped plans aside
    assert not AnalysisRun.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_coordinators_and_the_data_manager_reach_every_plan_url(client, people, plan, who):
    client.force_login(getattr(people, who))
    run_url = reverse("studies:plan_run", args=[plan.pk])
    for url in _urls(plan):
        assert client.get(url).status_code == (405 if url == run_url else 200), url  # "Run now" is a POST


def test_anonymous_visitors_are_sent_to_the_login_page(client, plan):
    for url in _urls(plan):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_a_plan_that_does_not_exist_is_a_404(client, people, plan, who):
    client.force_login(getattr(people, who))
    assert client.get(reverse("studies:plan_detail", args=[plan.pk + 1000])).status_code == 404
    assert client.get(reverse("studies:version_detail", args=[plan.pk, 7])).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_the_read_only_pages_refuse_other_methods(client, people, plan, who):
    client.force_login(getattr(people, who))
    for name in ("studies:plan_detail", "studies:plan_history"):
        assert client.post(reverse(name, args=[plan.pk])).status_code == 405
    assert client.post(reverse("studies:plan_list")).status_code == 405
    assert client.delete(reverse("studies:plan_edit", args=[plan.pk])).status_code == 405


def test_the_menu_shows_plans_to_coordinators_and_the_data_manager_only(client, people):
    url = reverse("studies:plan_list").encode()
    for who, shown in [("coordinator", True), ("manager", True), ("entry_a", False), ("lead_a", False)]:
        client.force_login(getattr(people, who))
        body = client.get(reverse("registry:dashboard")).content
        assert (url in body) is shown, who
