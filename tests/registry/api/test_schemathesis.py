"""The OpenAPI schema, run against the app: schemathesis generates requests for every operation (valid ones and
ones the schema forbids) and sends them to the WSGI app in-process, on the test database, as a center user and
as the data manager, each with a token.

It fails on a 5xx, a response that breaks the schema (body, status code, content type, headers), and a request
the schema forbids that the app accepts. Path parameters are real objects (cases, records, queries, findings,
imports, runs, plans of center A), so that the operations reach their objects and not only their 404s.
Deterministic (derandomized) and bounded: a few examples per operation.
"""

from __future__ import annotations

import functools
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.api.labels import labels_requested
from registry.api.pagination import ApiCursorPagination
from registry.models import Center
from registry.services.tokens import token_create
from tests.factories import CenterFactory, make_full_case
from tests.registry.api.conftest import token_client
from tests.registry.api.matrix import (
    World,
    make_world,
    media_root_fixture,  # noqa: F401
    no_throttle_state_fixture,  # noqa: F401
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("no_throttle_state", "in_process_requests", "no_throttling"),
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 10
BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@functools.cache
def _document_text() -> bytes:
    return OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))


def openapi_document() -> dict:
    """The schema /api/v1/schema/ serves, as JSON (a fresh copy)."""
    return json.loads(_document_text())


@pytest.fixture
def in_process_requests():
    """The WSGI app runs in the test's thread and transaction: Django's request signals must not close the
    test's connection between requests (as its own test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def no_throttling(monkeypatch):
    """Hundreds of requests a minute per token are the point here; the throttles have tests of their own."""
    from registry.api.throttling import TokenReadThrottle, TokenWriteThrottle

    for throttle in (TokenReadThrottle, TokenWriteThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)


@pytest.fixture
def seeded(people, center_a, case_a, media_root) -> World:
    """Three full cases at A (one with every record kind, a query, a finding, an import job, A's report run with a
    file and a plan the run executed) and one at B."""
    make_full_case(people.entry_a, center_a)
    make_full_case(people.entry_a, center_a)
    return make_world(people, center_a, case_a, people.entry_a)


def _real_record(case, world: World) -> None:
    """A record id of the kind drawn (the fixed one would be another kind's record, hence only 404s)."""
    params = case.path_parameters or {}
    if "record_id" in params and params.get("kind") in world.records:
        params["record_id"] = str(world.records[params["kind"]].pk)


def _describe(exc: BaseException) -> str:
    """Each failure in one line or two (code, title, message), and the request that shows it (curl)."""
    failures = getattr(exc, "exceptions", None) or [exc]
    lines = []
    for failure in failures:
        if isinstance(failure, Failure):
            lines.append(f"  {failure.code} {failure.title}: {' '.join(failure.message.split())[:400]}")
        else:
            lines.append(f"  {type(failure).__name__}: {' '.join(str(failure).split())[:400]}")
    texts = [*getattr(exc, "__notes__", ()), str(exc)]
    curls = [line.strip() for text in texts for line in text.splitlines() if "curl " in line]
    if curls:
        lines.append(f"  request: {curls[0][:600]}")
    return "\n".join(lines)


def _exercise(user, world: World, document: dict | None = None, modes=tuple(GenerationMode)) -> list[str]:
    """Every operation, with valid and with forbidden data; the failures, one entry per operation and mode."""
    from config.wsgi import application

    _token, raw = token_create(user=user, name="schemathesis", lifetime_days=30)
    auth = {"Authorization": f"Bearer {raw}"}
    schema = schemathesis.openapi.from_dict(document or openapi_document())
    schema.app = application
    # A malformed or stale If-Match is refused with 412 (registry.api.versions): a rejection like any 4xx.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "412"]
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        ids = world.ids()
        if "plan_version_id" in names:  # a plan's results are in the pooled run that executed it
            ids["run_id"] = world.pooled_run.pk
        fixed = {name: str(value) for name, value in ids.items() if name in names}
        for mode in modes:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None, headers=auth)

            @BOUNDED
            @given(case=strategy)
            def check(case):
                _real_record(case, world)
                # Each request in a savepoint rolled back afterwards: every request meets the seeded objects (an
                # archive or lock drawn early does not turn every later operation into a 404), and a database
                # error in one (a 500 reported here) does not abort the test's transaction for the next.
                savepoint = transaction.savepoint()
                try:
                    case.call_and_validate(headers=auth, checks=CHECKS)
                finally:
                    transaction.savepoint_rollback(savepoint)

            try:
                check()
            except Unsatisfiable:
                # Nothing in this operation can be made invalid (no parameters, no body): no negative case.
                if mode is not GenerationMode.NEGATIVE:
                    raise
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failure is reported, not only the first
                failures.append(f"{operation.label} [{mode.value}]\n{_describe(exc)}")
    return failures


def test_the_schema_lists_every_api_route_as_operations(people):
    from tests.registry.api.matrix import api_routes

    paths = openapi_document()["paths"]
    served = {r.template for r in api_routes()} - {"/api/v1/schema/", "/api/v1/docs/", "/api/v1/redoc/"}
    assert served <= set(paths), f"routes missing from the schema: {sorted(served - set(paths))}"
    assert "/api/v1/me/" in paths


def test_a_center_user_meets_the_schema_on_every_operation(people, seeded):
    failures = _exercise(people.entry_a, seeded)
    assert not failures, "\n\n".join(failures)


def test_the_data_manager_meets_the_schema_on_every_operation(people, seeded):
    # Forbidden data is refused whoever sends it: the center user's run covers it; here valid data only.
    failures = _exercise(people.manager, seeded, modes=(GenerationMode.POSITIVE,))
    assert not failures, "\n\n".join(failures)


def test_it_would_notice_a_response_that_breaks_the_schema(people, seeded):
    document = openapi_document()
    me = document["paths"]["/api/v1/me/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = me["$ref"].rsplit("/", 1)[1]
    document["components"]["schemas"][name]["properties"]["username"] = {"type": "integer"}
    document["paths"] = {"/api/v1/me/": document["paths"]["/api/v1/me/"]}
    failures = _exercise(people.entry_a, seeded, document)
    assert len(failures) == 1 and failures[0].startswith("GET /api/v1/me/ [positive]")
    assert "schema" in failures[0].lower()


# What schemathesis found in the foundation on the way (each would fail the runs above on any list or coded field).


@pytest.mark.parametrize("query", ["cursor=garbage", "page_size=x", "page_size=0", "page_size=501"])
def test_a_bad_cursor_or_page_size_is_a_400_naming_the_parameter(query):
    request = Request(APIRequestFactory().get(f"/api/v1/x/?{query}"))
    with pytest.raises(ValidationError) as exc:
        ApiCursorPagination().paginate_queryset(Center.objects.all(), request)
    assert set(exc.value.detail) == {query.split("=")[0]}


def test_a_good_page_size_is_kept():
    CenterFactory.create_batch(3)
    request = Request(APIRequestFactory().get("/api/v1/x/?page_size=2"))
    assert len(ApiCursorPagination().paginate_queryset(Center.objects.all(), request)) == 2


@pytest.mark.parametrize(
    ("query", "wanted"),
    [("labels=1", True), ("labels=true", True), ("labels=0", False), ("labels=false", False), ("", False)],
)
def test_labels_is_a_boolean(query, wanted):
    assert labels_requested(Request(APIRequestFactory().get(f"/api/v1/x/?{query}"))) is wanted
    for bad in ("maybe", "", "null"):
        with pytest.raises(ValidationError):
            labels_requested(Request(APIRequestFactory().get(f"/api/v1/x/?labels={bad}")))


def test_an_address_under_the_api_that_names_no_route_is_a_json_404(client, people):
    response = token_client(people.entry_a).get("/api/v1/no-such-thing/%C3%A9/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}
    client.force_login(people.entry_a)
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_every_list_documents_its_400_for_bad_parameters():
    from registry.api.pagination import document_bad_list_parameters

    listed = {"parameters": [{"name": "cursor", "in": "query"}], "responses": {"200": {}}}
    labelled = {"parameters": [{"name": "labels", "in": "query"}], "responses": {"200": {}}}
    other = {"parameters": [], "responses": {"200": {}}}
    paths = {"/l/": {"get": listed}, "/o/": {"get": other}, "/d/": {"get": labelled}}
    result = document_bad_list_parameters({"paths": paths}, None, None, True)
    assert "400" in result["paths"]["/d/"]["get"]["responses"]
    assert result["paths"]["/l/"]["get"]["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApiError"
    }
    assert "400" not in result["paths"]["/o/"]["get"]["responses"]
    assert "detail" in result["components"]["schemas"]["ApiError"]["properties"]


@pytest.mark.parametrize(
    ("moment", "valid"),
    [("2026-01-01T12:00:00Z", True), ("0056-11-12T11:40:01.4-20:41", True), ("0001-01-01T00:30:00+01:00", False)],
)
def test_modified_since_is_compared_in_utc_and_an_impossible_moment_is_a_400(moment, valid, case_a):
    from registry.api.filters import MODIFIED_SINCE_INVALID, ModifiedSinceFilterSet
    from registry.models import Case

    class Cases(ModifiedSinceFilterSet):
        class Meta:
            model = Case
            fields: list = []

    filterset = Cases(data={"modified_since": moment}, queryset=Case.objects.all())
    if valid:
        assert list(filterset.qs) == [case_a]  # PostgreSQL takes the offset once it is UTC
    else:
        assert not filterset.is_valid()
        assert filterset.errors["modified_since"] == [MODIFIED_SINCE_INVALID]
