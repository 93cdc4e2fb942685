"""Center users see only their own findings and queries: every quality URL with another center's object IDs
is a 404, lists and dashboards show no foreign row, and a duplicate names no other center's registration."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quality.models import Finding, Query
from quality.rules.duplicates import SAME_HOSPITAL_NUMBER
from quality.services import case_check, query_open, registry_sweep
from tests.factories import make_case, make_full_case

pytestmark = pytest.mark.django_db


def _quality_routes():
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "quality":
                found.append((f"quality:{pattern.name}", list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


@pytest.fixture
def world(people, case_a, case_b):
    registry_sweep()
    queries = {
        case.center.code: query_open(user=people.manager, case=case, subject=f"About {case.registry_id}", text="?")
        for case in (case_a, case_b)
    }
    return {"a": (case_a, queries["AAA"]), "b": (case_b, queries["B-CTR"])}


def _urls_for(case, query):
    """Every quality URL that takes an object, filled in with this center's case, query and a finding."""
    finding = Finding.objects.filter(case=case, resolved_at__isnull=True).first()
    urls = []
    for name, params in _quality_routes():
        if "pk" not in params:
            continue
        if name.startswith("quality:query_") and name != "quality:query_new":
            pk = query.pk
        elif name.startswith("quality:finding_"):
            pk = finding.pk
        else:
            pk = case.pk
        urls.append(reverse(name, args=[pk]))
    return urls


def test_the_walk_finds_every_object_route(world):
    names = {name for name, _ in _quality_routes()}
    assert {"quality:query_detail", "quality:query_answer", "quality:finding_query", "quality:query_new"} <= names
    assert len(_urls_for(*world["b"])) == 7


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_center_users_get_404_for_another_centers_findings_queries_and_cases(client, people, world, who, method):
    client.force_login(getattr(people, who))
    case_b, _ = world["b"]
    for url in _urls_for(*world["b"]):
        response = getattr(client, method)(url, {"text": "x"} if method == "post" else None)
        assert response.status_code in (404, 405), f"{who} {method.upper()} {url} -> {response.status_code}"
        assert case_b.registry_id not in response.content.decode()
    assert Query.objects.get(case=case_b).messages.count() == 1


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_lists_and_dashboards_show_only_the_users_own_centers(client, people, world, who):
    case_b, query_b = world["b"]
    case_a, query_a = world["a"]
    client.force_login(getattr(people, who))
    pages = [
        reverse("quality:dashboard"),
        reverse("quality:finding_list"),
        reverse("quality:finding_list") + "?center=B-CTR",
        reverse("quality:query_list") + "?status=all",
        reverse("quality:query_list") + "?center=B-CTR",
        reverse("registry:dashboard"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert case_b.registry_id not in body and case_b.center.name not in body, url
        assert ">B-CTR<" not in body and query_b.subject not in body, url
    assert query_a.subject in client.get(reverse("quality:query_list")).content.decode()
    assert case_a.registry_id in client.get(reverse("quality:finding_list")).content.decode()


def test_the_coordinator_sees_counts_and_rules_but_no_messages_or_queries(client, people, world):
    case_a, query_a = world["a"]
    client.force_login(people.coordinator)
    assert client.get(reverse("quality:query_detail", args=[query_a.pk])).status_code == 404
    assert query_a.subject not in client.get(reverse("quality:query_list") + "?status=all").content.decode()
    findings = client.get(reverse("quality:finding_list")).content.decode()
    assert "follow-up is overdue" not in findings  # messages may carry dates
    # and a rule that reads today's date is left out altogether: the day it starts firing dates the last contact.
    assert "has a contact in the last 365 days" not in findings
    client.force_login(people.entry_a)
    assert "follow-up is overdue" in client.get(reverse("quality:finding_list")).content.decode()
    client.force_login(people.coordinator)
    assert str(case_a.birth_date) not in client.get(reverse("registry:case_detail", args=[case_a.pk])).content.decode()


def test_a_center_sees_a_possible_duplicate_without_the_other_centers_registration(client, people, center_a, center_b):
    mine = make_case(people.entry_a, center_a, hospital_number="H-77")
    theirs = make_case(people.entry_b, center_b, hospital_number="H-77")
    case_check(mine)
    client.force_login(people.entry_a)
    body = client.get(reverse("registry:case_detail", args=[mine.pk])).content.decode()
    assert SAME_HOSPITAL_NUMBER in body
    assert theirs.registry_id not in body and "B-CTR" not in body and center_b.name not in body
    body = client.get(reverse("quality:finding_list") + "?rule=DQ-DUP-001").content.decode()
    assert mine.registry_id in body and theirs.registry_id not in body

    client.force_login(people.manager)
    body = client.get(reverse("registry:case_detail", args=[mine.pk])).content.decode()
    assert theirs.registry_id in body and "B-CTR" in body


def test_a_center_sees_its_own_duplicate_registration(client, people, center_a):
    # The same hospital number twice at one center is refused at entry; the same birth date, sex and
    # diagnosis date under two numbers is the within-center duplicate left to find.
    first = make_full_case(people.entry_a, center_a)
    second = make_full_case(people.entry_a, center_a)
    case_check(first)
    client.force_login(people.entry_a)
    assert second.registry_id in client.get(reverse("registry:case_detail", args=[first.pk])).content.decode()


def test_list_pages_take_a_fixed_number_of_queries(client, people, center_a, center_b, django_assert_max_num_queries):
    for n in range(6):
        case = make_full_case(people.entry_a if n % 2 else people.entry_b, center_a if n % 2 else center_b)
        query_open(user=people.manager, case=case, subject=f"q{n}", text="?")
    registry_sweep()
    client.force_login(people.manager)
    # The first dashboard after the sweep counts each center's kept figures again (registry/figures.py): a few
    # queries a center, none a case; the next one reads them.
    for url, first, then in (
        (reverse("quality:finding_list"), 12, 12),
        (reverse("quality:query_list"), 10, 10),
        (reverse("quality:dashboard"), 30, 16),
        (reverse("registry:dashboard"), 20, 20),
    ):
        with django_assert_max_num_queries(first):
            assert client.get(url).status_code == 200, url
        with django_assert_max_num_queries(then):
            assert client.get(url).status_code == 200, url
