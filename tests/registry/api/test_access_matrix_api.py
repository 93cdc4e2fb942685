"""Every API route, for every role, with another center's objects (the API side of
tests/registry/views/test_access_matrix.py).

The routes come from walking the URL resolver under /api/v1/, so a route added later is covered without editing
this file. A route with a kwarg that tests/registry/api/matrix.py cannot fill fails here with its name: give it
a fixture there.
"""

from __future__ import annotations

import pytest
from django.urls import include, path
from rest_framework.views import APIView

from tests.registry.api.conftest import token_client
from tests.registry.api.matrix import (
    KINDS,
    KNOWN_KWARGS,
    Unfillable,
    api_routes,
    attempts,
    db_state,
    fill_kwargs,
    media_root_fixture,  # noqa: F401
    no_throttle_state_fixture,  # noqa: F401
    world_fixture,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle_state")]

ROUTES = api_routes()
OBJECT_ROUTES = [r for r in ROUTES if not r.is_open]
OPEN_ROUTES = [r for r in ROUTES if r.is_open]
# Case and record writes a coordinator must be refused (403, or 404 where the view hides the object).
CASE_WRITE_ROUTES = [
    r for r in ROUTES if r.template.startswith("/api/v1/cases/") and set(r.methods) - {"get"} and r.plain
]
ON_MAIN = {"/api/v1/me/", "/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"}
# Nothing under /api/v1/ is served without a sign-in, the schema and its pages included (SERVE_PERMISSIONS).
PUBLIC: frozenset[str] = frozenset()


def _ids(routes):
    return [r.template for r in routes]


def _clients(people):
    return {"entry_a": token_client(people.entry_a), "lead_a": token_client(people.lead_a)}


def _call(client, method, url, options):
    return getattr(client, method)(url, **options)


def _fillings(route, world):
    try:
        return fill_kwargs(route, world)
    except Unfillable as exc:
        pytest.fail(f"route {route.name} cannot be filled: {exc}. Add its kwarg to tests/registry/api/matrix.py.")


# ------------------------------------------------------------------------------------------------------------------
# The walk itself
# ------------------------------------------------------------------------------------------------------------------


def test_the_walk_finds_every_route_on_main_with_its_methods():
    by_template = {r.template: r for r in ROUTES}
    assert set(by_template) >= ON_MAIN
    assert by_template["/api/v1/me/"].methods == ("get",)
    assert by_template["/api/v1/me/"].is_open
    assert all(r.template.startswith("/api/v1/") for r in ROUTES)


def test_every_route_names_its_objects_with_a_known_kwarg():
    unknown = {r.name: sorted(set(r.kwargs) - KNOWN_KWARGS) for r in ROUTES if set(r.kwargs) - KNOWN_KWARGS}
    assert not unknown, f"routes with kwargs no fixture fills (use the API's kwarg names): {unknown}"
    regex = [r.name for r in ROUTES if not r.plain]
    assert not regex, f"routes declared with re_path (use path()): {regex}"


def test_every_route_with_an_object_can_be_filled_with_center_b_objects(world):
    unfilled = []
    for route in OBJECT_ROUTES:
        try:
            assert fill_kwargs(route, world)
        except Unfillable as exc:
            unfilled.append(str(exc))
    assert not unfilled, unfilled


class _Widget(APIView):
    def get(self, request, widget_id):
        raise AssertionError("never called")


def test_the_walk_would_catch_a_route_with_an_unknown_kwarg(world):
    patterns = [
        path("api/v1/", include([path("cases/<str:registry_id>/widgets/<int:widget_id>/", _Widget.as_view())])),
        path("elsewhere/<int:pk>/", _Widget.as_view()),
    ]
    routes = api_routes(patterns)
    assert [(r.template, r.kwargs, r.methods) for r in routes] == [
        ("/api/v1/cases/{registry_id}/widgets/{widget_id}/", ("registry_id", "widget_id"), ("get",))
    ]
    assert not routes[0].is_open
    assert not set(routes[0].kwargs) <= KNOWN_KWARGS
    with pytest.raises(Unfillable, match="widget_id"):
        fill_kwargs(routes[0], world)


def test_a_record_route_is_filled_with_one_record_of_every_kind(world):
    from tests.registry.api.matrix import Route

    route = Route(
        "/api/v1/cases/{registry_id}/records/{kind}/{record_id}/",
        ("registry_id", "kind", "record_id"),
        "x",
        ("get",),
        None,
    )
    fillings = fill_kwargs(route, world)
    assert {f["kind"] for f in fillings} == set(KINDS)
    for filling in fillings:
        record = world.records[filling["kind"]]
        assert record is not None and record.case_id == world.case.pk and record.pk == filling["record_id"]
        assert filling["registry_id"] == world.case.registry_id
        assert route.url(filling).endswith(f"/{filling['kind']}/{record.pk}/")


def test_the_database_state_notices_a_change(world, people):
    from registry.services.cases import case_lock

    before = db_state()
    assert before["registry.Case rows"] >= 2 and before["registry.HistoricalCase rows"] >= 2
    case_lock(user=people.manager, case=world.case)
    after = db_state()
    assert after != before
    assert after["registry.HistoricalCase rows"] == before["registry.HistoricalCase rows"] + 1


# ------------------------------------------------------------------------------------------------------------------
# Center B's objects, by center A's users: 404 by every method, nothing said, nothing changed
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=_ids(OBJECT_ROUTES))
def test_center_a_users_get_404_for_center_b_objects_by_every_method(route, world, people):
    fillings = _fillings(route, world)
    manager = token_client(people.manager)
    clients = _clients(people)
    before = db_state()
    for values in fillings:
        url = route.url(values)
        if "get" in route.methods:
            # The URL is real: the data manager reaches the object (else a 404 below would prove nothing).
            reached = manager.get(url)
            assert reached.status_code == 200, f"manager GET {url} -> {reached.status_code}: the fixture is wrong"
        for who, client in clients.items():
            for method, options in attempts(route, values, world):
                response = _call(client, method, url, options)
                what = f"{who} {method.upper()} {url}{' (tempting)' if options else ''}"
                assert response.status_code == 404, f"{what} -> {response.status_code} {response.content[:300]!r}"
                assert world.case.registry_id.encode() not in response.content, what
                assert set(response.json()) == {"detail"}, what
                assert db_state() == before, f"{what} changed the database"


# ------------------------------------------------------------------------------------------------------------------
# Anonymous callers: 401 everywhere
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=_ids(ROUTES))
def test_anonymous_callers_get_401_on_every_method(route, world):
    from rest_framework.test import APIClient

    fillings = [{}] if route.is_open and not route.kwargs else _fillings(route, world)[:3]
    before = db_state()
    for values in fillings:
        url = route.url(values)
        for method, options in attempts(route, values, world):
            response = _call(APIClient(), method, url, options)
            what = f"anonymous {method.upper()} {url}"
            if route.template in PUBLIC and method == "get":
                assert response.status_code == 200, f"{what} -> {response.status_code}"
            else:
                assert response.status_code == 401, f"{what} -> {response.status_code}"
                assert response["WWW-Authenticate"].startswith("Bearer"), what
            assert world.case.registry_id.encode() not in response.content, what
            assert db_state() == before, f"{what} changed the database"


# ------------------------------------------------------------------------------------------------------------------
# Open routes (me, schema, reference data, lists): center B's data never shows
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", OPEN_ROUTES, ids=_ids(OPEN_ROUTES))
def test_open_routes_show_center_a_users_nothing_of_center_b(route, world, people):
    if "get" not in route.methods:
        pytest.skip("no GET on this route")
    fillings = _fillings(route, world) if route.kwargs else [{}]
    clients = _clients(people)
    for values in fillings:
        url = route.url(values)
        for who, client in clients.items():
            for query in ("", "?page_size=500", f"?search={world.case.registry_id}", "?labels=1"):
                response = client.get(url + query)
                what = f"{who} GET {url}{query}"
                assert response.status_code < 500, f"{what} -> {response.status_code}"
                assert response.status_code != 403, what
                assert world.case.registry_id.encode() not in response.content, what
                assert world.case.center.name.encode() not in response.content, what


# ------------------------------------------------------------------------------------------------------------------
# The coordinator reads every case and writes none
# ------------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", CASE_WRITE_ROUTES, ids=_ids(CASE_WRITE_ROUTES))
def test_the_coordinator_writes_no_case_data(route, world, people, case_a):
    coordinator = token_client(people.coordinator)
    fillings = _fillings(route, world) if route.kwargs else [{}]
    if "registry_id" in route.kwargs:
        fillings += [dict(f, registry_id=case_a.registry_id) for f in fillings if "record_id" not in f]
    before = db_state()
    for values in fillings:
        url = route.url(values)
        for method, options in attempts(route, values, world):
            if method == "get":
                continue
            response = _call(coordinator, method, url, options)
            what = f"coordinator {method.upper()} {url}{' (tempting)' if options else ''}"
            assert response.status_code in (403, 404), f"{what} -> {response.status_code} {response.content[:300]!r}"
            assert db_state() == before, f"{what} changed the database"
