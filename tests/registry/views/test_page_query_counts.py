"""Every page a user opens takes as many SQL queries with 12 cases as with 3: the dashboard, the case list (plain,
filtered, searched), the run list, the data-quality dashboard, its findings and the cases behind them, the
queries. A page that runs a query per case (a missing select_related or prefetch) fails here, long before the
registry holds 100 000 cases (benchmarks/registry_scale.py measures that)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from quality.models import Finding
from quality.services import case_check, query_open
from registry.models import Case
from tests.canvas import run_canvas
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

PAGES = [
    ("entry_a", "/"),
    ("entry_a", "/cases/"),
    ("entry_a", "/cases/?lineage=ALL&status=open"),
    ("entry_a", "/cases/?q=ILR-"),  # every registry id: a search that finds rows in both registries
    ("entry_a", "/cases/?status=attention"),
    ("coordinator", "/"),
    ("coordinator", "/cases/"),
    ("coordinator", "/cases/?lineage=ALL&age_class=early_infant"),
    ("coordinator", "/cases/?status=attention"),
    ("coordinator", "/analyses/"),
    ("manager", "/"),
    ("manager", "/quality/"),
    ("manager", "/quality/findings/"),
    ("manager", "/quality/findings/?center=AAA"),
    ("manager", "/quality/findings/?rule={rule}"),
    ("manager", "/quality/cases/"),
    ("manager", "/quality/cases/?center=AAA"),
    ("manager", "/quality/cases/?rule={rule}"),
    ("manager", "/quality/queries/"),
]


def _common_rule() -> str:
    """A rule with open findings (the full cases are alike: it fires on the later ones too), for its pages."""
    return (
        Finding.objects.filter(resolved_at__isnull=True)
        .values_list("rule_id", flat=True)
        .order_by("rule_id")
        .distinct()
        .first()
    )


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
    rule = _common_rule()
    assert rule
    pages = [(role, url.format(rule=rule)) for role, url in PAGES]
    before = {}
    for role, url in pages:
        client.force_login(getattr(people, role))
        before[role, url] = _count(client, url)
    _grow(people, center_a, center_b, 9)
    grew = {}
    for role, url in pages:
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


def _finished_run(user) -> AnalysisRun:
    run = run_request(user=user, filters=RunFilters(), settings=RunSettings())
    run_canvas(run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    return run


def test_a_run_page_and_its_report_take_as_many_queries_for_a_larger_cohort(
    client, people, center_a, center_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people.coordinator)
    _grow(people, center_a, center_b, 3)
    small = _finished_run(people.coordinator)
    before = [_count(client, f"/analyses/{small.pk}/"), _count(client, f"/analyses/{small.pk}/report/")]
    _grow(people, center_a, center_b, 9)
    large = _finished_run(people.coordinator)
    assert large.n_cases > small.n_cases
    after = [_count(client, f"/analyses/{large.pk}/"), _count(client, f"/analyses/{large.pk}/report/")]
    assert after == before
