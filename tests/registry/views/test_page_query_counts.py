"""Every page a user opens takes as many SQL queries with 12 cases as with 3: the dashboard, the case list (plain,
filtered, searched), the run list, the data-quality dashboard, its findings and the cases behind them, the
queries. A page that runs a query per case (a missing select_related or prefetch) fails here, long before the
registry holds 100 000 cases (benchmarks/registry_scale.py measures that)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quality.services import case_check, query_open
from registry.models import Case
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

PAGES = [
    ("entry_a", "/"),
    ("entry_a", "/cases/"),
    ("entry_a", "/cases/?lineage=ALL&status=open"),
    ("entry_a", "/cases/?q=A"),
    ("coordinator", "/"),
    ("coordinator", "/cases/"),
    ("coordinator", "/analyses/"),
    ("manager", "/"),
    ("manager", "/quality/"),
    ("manager", "/quality/findings/"),
    ("manager", "/quality/findings/?center=AAA"),
    ("manager", "/quality/cases/"),
    ("manager", "/quality/cases/?center=AAA"),
    ("manager", "/quality/queries/"),
]


def _grow(people, center_a, center_b, n: int) -> None:
    """`n` more full cases, alternating between the two centers, each with its findings and an open query. Each
    child is born on another day: no duplicate registrations, whose one extra query is not a query per case."""
    for _ in range(n):
        k = Case.objects.count()
        entry, center = (people.entry_a, center_a) if k % 2 == 0 else (people.entry_b, center_b)
        case = make_full_case(entry, center, birth=date(2015, 1, 1) + timedelta(days=37 * k))
        case_check(case)
        query_open(user=people.manager, case=case, subject="Please check", text="The dates.")


def _count(client, url: str) -> int:
    client.get(url)  # warm the per-request caches (sessions, content types, vocabularies)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_no_page_takes_more_queries_for_more_cases(client, people, center_a, center_b):
    _grow(people, center_a, center_b, 3)
    before = {}
    for role, url in PAGES:
        client.force_login(getattr(people, role))
        before[role, url] = _count(client, url)
    _grow(people, center_a, center_b, 9)
    grew = {}
    for role, url in PAGES:
        client.force_login(getattr(people, role))
        after = _count(client, url)
        if after != before[role, url]:
            grew[f"{role} {url}"] = (before[role, url], after)
    assert not grew, f"queries with 3 cases -> with 12 cases: {grew}"


def test_a_case_page_takes_as_many_queries_in_a_larger_registry(client, people, center_a, center_b):
    _grow(people, center_a, center_b, 1)
    client.force_login(people.entry_a)
    case = Case.objects.filter(center=center_a).first()
    urls = [f"/cases/{case.pk}/", f"/cases/{case.pk}/edit/"]
    before = {url: _count(client, url) for url in urls}
    _grow(people, center_a, center_b, 8)
    after = {url: _count(client, url) for url in urls}
    assert after == before
