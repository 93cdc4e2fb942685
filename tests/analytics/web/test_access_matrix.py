"""Every URL of the analytics app, for every role, with another center's runs and files.

The URLs come from walking the resolver, so a route added later is covered without touching this file.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from analytics.runs.models import AnalysisRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NAMESPACE = "analytics"
# Routes that change something (POST only): tried by role below, not read like the pages and files.
ACTIONS = {"analytics:run_again"}


def _routes():
    """(name, parameter names) of every pattern in the analytics namespace."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == NAMESPACE:
                found.append((f"{NAMESPACE}:{pattern.name}", sorted(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def _urls_for(run: AnalysisRun) -> list[str]:
    """Every analytics URL about this run: each file, each figure in each format."""
    urls = []
    artifacts = list(run.source.artifacts.all())
    for name, params in _routes():
        if "pk" not in params or name in ACTIONS:
            continue
        if "artifact_pk" in params:
            urls += [reverse(name, kwargs={"pk": run.pk, "artifact_pk": a.pk}) for a in artifacts]
        elif "fmt" in params:
            urls += [
                reverse(name, kwargs={"pk": run.pk, "name": a.name, "fmt": a.kind})
                for a in artifacts
                if a.kind in ("png", "svg")
            ]
        else:
            urls.append(reverse(name, kwargs={"pk": run.pk}))
    return urls


def test_the_walk_finds_every_run_route_and_fills_every_file(web):
    names = {name for name, _ in _routes()}
    assert {
        "analytics:run_detail",
        "analytics:run_report",
        "analytics:artifact_download",
        "analytics:figure_download",
    } <= names
    n_files = web.run_b.artifacts.count()
    n_figures = web.run_b.artifacts.filter(kind__in=["png", "svg"]).count()
    assert len(_urls_for(web.run_b)) == 2 + n_files + n_figures


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_center_users_get_404_for_every_url_of_another_centers_or_the_pooled_run(client, web, who, method):
    client.force_login(getattr(web, who))
    for run in (web.run_b, web.pooled):
        for url in _urls_for(run):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), f"{who} {method.upper()} {url} -> {response.status_code}"
            assert b"B-CTR" not in response.content and b"Center B" not in response.content, url


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_center_users_reach_every_url_of_their_own_centers_run(client, web, who):
    client.force_login(getattr(web, who))
    for url in _urls_for(web.run_a):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response["Content-Type"].split(";")[0] in ("text/html", "text/csv", "image/svg+xml"):
            assert b"B-CTR" not in body and b"Center B" not in body, url


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_registry_wide_roles_reach_every_run(client, web, who):
    client.force_login(getattr(web, who))
    for run in (web.pooled, web.run_a, web.run_b):
        for url in _urls_for(run):
            assert client.get(url).status_code == 200, url


def test_an_action_on_a_run_is_refused_to_whoever_may_not_take_it(client, web):
    assert {name for name, _ in _routes()} >= ACTIONS
    runs = AnalysisRun.objects.count()
    for name in ACTIONS:
        for who in ("entry_a", "lead_a"):
            client.force_login(getattr(web, who))
            for run in (web.run_b, web.pooled):
                response = client.post(reverse(name, kwargs={"pk": run.pk}))
                assert response.status_code == 404, f"{who} POST {name} {run.pk}"
                assert b"B-CTR" not in response.content
        client.force_login(web.coordinator)  # every run here is done: nothing to ask for again
        assert client.post(reverse(name, kwargs={"pk": web.pooled.pk})).status_code == 403
        client.logout()
        response = client.post(reverse(name, kwargs={"pk": web.pooled.pk}))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert AnalysisRun.objects.count() == runs


def test_anonymous_visitors_are_sent_to_the_login_page(client, web):
    urls = [*_urls_for(web.pooled), reverse("analytics:run_list"), reverse("analytics:run_new")]
    for url in [*urls, reverse("analytics:my_center")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_user_with_no_role_sees_no_run(client, web):
    client.force_login(UserFactory(username="nobody"))
    for url in _urls_for(web.pooled) + _urls_for(web.run_a):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("analytics:run_list")).status_code == 404
    assert client.get(reverse("analytics:my_center")).status_code == 404
    assert client.get(reverse("analytics:run_new")).status_code == 403


def test_the_run_list_of_a_center_user_shows_only_their_centers_runs(client, web):
    client.force_login(web.entry_a)
    body = client.get(reverse("analytics:run_list")).content.decode()
    assert reverse("analytics:run_detail", args=[web.run_a.pk]) in body
    for other in (web.run_b, web.pooled):
        assert reverse("analytics:run_detail", args=[other.pk]) not in body
    assert "B-CTR" not in body


def test_a_wrong_figure_format_or_unknown_file_is_a_404(client, web):
    client.force_login(web.coordinator)
    run = web.pooled
    figure = run.artifacts.filter(kind="png").first()
    assert client.get(reverse("analytics:figure_download", args=[run.pk, figure.name, "pdf"])).status_code == 404
    assert client.get(reverse("analytics:figure_download", args=[run.pk, "no-such-figure", "png"])).status_code == 404
    foreign = web.run_b.artifacts.first()
    # A file is reached only through its own run.
    assert client.get(reverse("analytics:artifact_download", args=[run.pk, foreign.pk])).status_code == 404
