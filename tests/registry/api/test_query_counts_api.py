"""A list's query count does not grow with its rows: every list route of the API (found by walking the resolver:
a GET without an object kwarg, or with one, that answers a cursor page) is read at 2 and at 6 full cases (with a
query, a finding, an import job, a report run and a plan for each, and more records and history in the first case),
as the data manager and as a center user, and must take the same number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import models as m
from tests.factories import make_full_case, save, vocab
from tests.registry.api.conftest import token_client
from tests.registry.api.matrix import (
    OBJECT_KWARGS,
    World,
    api_routes,
    fill_kwargs,
    make_world,
    media_root_fixture,  # noqa: F401
    no_throttle_state_fixture,  # noqa: F401
    small_plan_spec,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle_state")]

NOT_LISTS = {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/", "/api/v1/me/"}
MARKERS = ("CD10", "CD34", "HLA-DR", "TdT", "CD22", "CD33", "CD13", "CD7")
LIST_CANDIDATES = [
    r
    for r in api_routes()
    if "get" in r.methods
    and r.template not in NOT_LISTS
    and r.plain
    and "record_id" not in r.kwargs
    and len(set(r.kwargs) & (OBJECT_KWARGS - {"kind"})) <= 1
]


def _grow(people, center, world: World, step: int) -> None:
    """One more full case at the center with a query, a finding, an import job, a report run and a plan; and one
    more marker, supportive care and follow-up in the world's case."""
    from analytics.runs.models import AnalysisRun, RunArtifact
    from analytics.studies.services import plan_create
    from quality.models import Finding
    from quality.services.queries import query_open
    from registry.services.imports import import_check

    case = make_full_case(people.entry_a, center)
    query_open(user=people.manager, case=case, subject=f"Query {step}", text="Please check.")
    Finding.objects.create(
        case=case,
        rule_id="DQ-TEST-002",
        severity="error",
        stage="diagnosis",
        record_model="registry.case",
        record_pk=case.pk,
        message="A test finding",
        first_seen=case.created_at,
        last_seen=case.created_at,
    )
    import_check(user=people.entry_a, center=center, file_name=f"f{step}.csv", data=b"case_number\nX\n")
    run = AnalysisRun.objects.create(
        trigger=AnalysisRun.Trigger.USER, requested_by=people.entry_a, scope_center=center, filters={"step": step}
    )
    RunArtifact.objects.create(
        run=run, kind="csv", name="dataset", file=ContentFile(b"x\n", name="d.csv"), sha256="0" * 64
    )
    plan_create(user=people.manager, spec=small_plan_spec(f"Plan {step}"))
    target = world.case
    dx = target.diagnosis.diagnosis_date
    save(
        people.entry_a,
        target,
        m.MarkerFinding(case=target, marker=vocab(m.ImmunoMarker, MARKERS[step]), result="positive"),
        m.SupportiveCare(case=target, kind="transfusion", phase="induction", start_date=dx + timedelta(days=step)),
        m.FollowUp(case=target, contact_date=dx + timedelta(days=100 + step), vital_status="alive"),
    )


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 404), f"GET {url} -> {response.status_code} {response.content[:300]!r}"
    return len(queries), response


@pytest.mark.parametrize("route", LIST_CANDIDATES, ids=[r.template for r in LIST_CANDIDATES])
def test_a_lists_query_count_does_not_grow_with_its_rows(route, people, center_a, case_a, media_root):
    world = make_world(people, center_a, case_a, people.entry_a)
    make_full_case(people.entry_a, center_a)  # two full cases
    fillings = fill_kwargs(route, world) if route.kwargs else [{}]
    urls = sorted({route.url(values) for values in fillings})
    clients = {"manager": token_client(people.manager), "entry_a": token_client(people.entry_a)}
    small, lists = {}, set()
    for who, client in clients.items():
        for url in urls:
            _count(client, url)  # caches warm (content types, vocabularies)
            n, response = _count(client, url)
            if response.status_code == 404:
                continue  # not this user's (plans, for a center's user)
            body = response.json() if response["Content-Type"].startswith("application/json") else None
            if isinstance(body, dict) and "results" in body:
                small[who, url] = (n, len(body["results"]))
                lists.add(url)
    if not lists:
        pytest.skip(f"{route.template} answers no cursor page: not a list")
    for step in range(4):  # six full cases
        _grow(people, center_a, world, step)
    grew = False
    for (who, url), (n_small, rows_small) in small.items():
        n_large, response = _count(clients[who], url)
        grew |= len(response.json()["results"]) > rows_small
        assert n_large == n_small, f"{who} GET {url}: {n_small} queries at 2 cases, {n_large} at 6"
    if not grew:
        pytest.skip(f"{route.template}: its rows do not grow with cases (reference data)")
