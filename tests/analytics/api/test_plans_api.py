"""/api/v1/plans/: analysis plans for coordinators and the data manager (a 404 for everyone else, as on the web):
the list, a plan with its spec, versions and runs with their verdicts, one version, and "Run now"."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunSettings
from analytics.studies import services
from analytics.studies.models import AnalysisPlan
from analytics.studies.selectors import plan_ref
from tests.analytics.studies.conftest import make_spec

pytestmark = pytest.mark.django_db

LIST = "/api/v1/plans/"


def _urls(plan) -> dict[str, str]:
    base = f"{LIST}{plan.pk}/"
    return {"detail": base, "version": f"{base}versions/1/", "run": f"{base}run/"}


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["results"]]


@pytest.mark.parametrize("who", ["coordinator", "manager"])
def test_coordinators_and_the_data_manager_read_the_plans(api, world, who):
    client = getattr(api, who)
    assert _ids(client.get(LIST)) == [world.plan.pk]
    urls = _urls(world.plan)
    assert client.get(urls["detail"]).status_code == 200
    assert client.get(urls["version"]).status_code == 200


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "entry_b"])
def test_every_plan_route_is_a_404_for_center_users_and_runs_nothing(api, world, who):
    client = getattr(api, who)
    before = AnalysisRun.objects.count()
    urls = _urls(world.plan)
    for url in (LIST, urls["detail"], urls["version"]):
        assert client.get(url).status_code == 404, url
    assert client.post(urls["run"]).status_code == 404
    assert AnalysisRun.objects.count() == before


def test_anonymous_gets_401_on_every_plan_route(api, world):
    urls = _urls(world.plan)
    for url in (LIST, urls["detail"], urls["version"]):
        assert api.anonymous.get(url).status_code == 401, url
    assert api.anonymous.post(urls["run"]).status_code == 401


def test_a_plan_reads_with_its_latest_spec_versions_and_runs_with_their_verdicts(api, world):
    response = api.coordinator.get(_urls(world.plan)["detail"])
    body = response.json()
    assert response["ETag"] == f'"{world.plan.revision}"'
    assert body["name"] == "KMT2A-r infants" and body["archived"] is False and body["created_by"] == "coordinator"
    assert body["spec"] == world.version.spec
    assert body["latest_version"]["number"] == 1 and body["latest_version"]["registered"] is False
    assert [(v["number"], v["registered"]) for v in body["versions"]] == [(1, False)]
    [run] = body["runs"]
    assert run["run_id"] == world.planned.pk and run["version_number"] == 1 and run["status"] == "done"
    assert run["results_url"].endswith(f"/api/v1/runs/{world.planned.pk}/plans/{world.version.pk}/results/")
    assert isinstance(run["verdicts"], list)


def test_a_version_reads_with_its_frozen_spec_and_who_registered_it(api, world):
    version = services.plan_register(user=world.manager, version=world.version)
    body = api.coordinator.get(_urls(world.plan)["version"]).json()
    assert body["number"] == 1 and body["plan"] == world.plan.pk and body["spec"] == version.spec
    assert body["registered"] is True and body["registered_by"] == "manager"
    assert api.coordinator.get(f"{LIST}{world.plan.pk}/versions/2/").status_code == 404
    assert api.coordinator.get(f"{LIST}999999/").status_code == 404


def test_run_now_queues_a_pooled_run_of_the_latest_version(api, world):
    response = api.coordinator.post(_urls(world.plan)["run"])
    assert response.status_code == 202, response.json()
    run = AnalysisRun.objects.latest("pk")
    assert response["Location"].endswith(f"/api/v1/runs/{run.pk}/")
    assert run.scope_center_id is None and run.requested_by == world.coordinator
    assert RunSettings.from_dict(run.settings).plans == (plan_ref(world.version),)
    assert response.json()["plans"][0]["version_id"] == world.version.pk
    # Asked again while it waits for a worker (by anyone: the same pooled analysis): that run, nothing new.
    again = api.manager.post(_urls(world.plan)["run"])
    assert again.status_code == 200 and again.json()["id"] == run.pk
    assert AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).count() == 1


def test_an_archived_plan_does_not_run_and_is_listed_only_as_asked(api, world):
    old = services.plan_create(user=world.coordinator, spec=make_spec("Old plan")).plan
    services.plan_archive(user=world.coordinator, plan=old)
    before = AnalysisRun.objects.count()
    assert api.coordinator.post(_urls(old)["run"]).status_code == 404
    assert AnalysisRun.objects.count() == before
    assert set(_ids(api.coordinator.get(LIST))) == {world.plan.pk, old.pk}
    assert _ids(api.coordinator.get(LIST + "?archived=true")) == [old.pk]
    assert _ids(api.coordinator.get(LIST + "?archived=false")) == [world.plan.pk]


def test_the_list_filters_by_registered_and_modified_since(api, world):
    services.plan_register(user=world.coordinator, version=world.version)
    draft = services.plan_create(user=world.coordinator, spec=make_spec("A draft")).plan
    assert _ids(api.manager.get(LIST + "?registered=true")) == [world.plan.pk]
    assert _ids(api.manager.get(LIST + "?registered=false")) == [draft.pk]
    changed = AnalysisPlan.history.filter(id=draft.pk).latest("history_date").history_date
    assert _ids(api.manager.get(LIST + "?" + urlencode({"modified_since": changed.isoformat()}))) == [draft.pk]


def test_the_lists_query_count_does_not_grow_with_the_plans(api, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.coordinator.get(LIST).status_code == 200
        return len(queries)

    count()  # the token's first use is recorded once
    few = count()
    for n in range(4):
        version = services.plan_create(user=world.coordinator, spec=make_spec(f"Plan {n}"))
        services.plan_register(user=world.coordinator, version=version)
    assert len(_ids(api.coordinator.get(LIST))) == 5
    assert count() == few


def _spec_data(name: str, **changes) -> dict:
    return make_spec(name, **changes).as_dict()


def test_a_coordinator_creates_a_plan_as_a_draft_and_its_history_names_the_token(api, world):
    response = api.coordinator.post(LIST, {"spec": _spec_data("From R"), "note": "first draft"}, format="json")
    assert response.status_code == 201, response.json()
    plan = AnalysisPlan.objects.get(name="From R")
    assert response["Location"].endswith(f"{LIST}{plan.pk}/") and response["ETag"] == f'"{plan.revision}"'
    body = response.json()
    assert body["spec"] == _spec_data("From R") and body["latest_version"]["registered"] is False
    assert [v["number"] for v in body["versions"]] == [1]
    assert plan.history.get().history_change_reason == "via API token “tests”"
    assert plan.latest_version().note == "first draft" and plan.created_by == world.coordinator


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (_spec_data("Nothing to do", analyses=()), "analyses"),
        ("not a plan", "spec"),
        ({"name": "x", "colour": "blue"}, "PlanSpec"),
    ],
)
def test_a_plan_that_cannot_run_is_refused_by_where_and_nothing_is_saved(api, world, spec, field):
    before = AnalysisPlan.objects.count()
    response = api.manager.post(LIST, {"spec": spec}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert AnalysisPlan.objects.count() == before


def test_a_center_user_cannot_create_edit_or_register_a_plan(api, world):
    urls = _urls(world.plan)
    headers = {"HTTP_IF_MATCH": f'"{world.plan.revision}"'}
    assert api.entry_a.post(LIST, {"spec": _spec_data("Mine")}, format="json").status_code == 404
    assert api.entry_a.patch(urls["detail"], {"note": "x"}, format="json", **headers).status_code == 404
    assert api.entry_a.post(urls["version"] + "register/", **headers).status_code == 404
    assert not AnalysisPlan.objects.filter(name="Mine").exists()
    world.version.refresh_from_db()
    assert not world.version.is_registered and world.version.note == ""


def test_an_edit_needs_the_revision_it_was_made_from_and_a_stale_one_changes_nothing(api, world):
    url = _urls(world.plan)["detail"]
    edited = _spec_data("KMT2A-r infants, edited", conditions=())
    assert api.coordinator.patch(url, {"spec": edited}, format="json").status_code == 428
    stale = api.coordinator.patch(url, {"spec": edited}, format="json", HTTP_IF_MATCH=f'"{world.plan.revision - 1}"')
    assert stale.status_code == 412
    world.version.refresh_from_db()
    assert world.version.spec["name"] == "KMT2A-r infants"

    etag = api.coordinator.get(url)["ETag"]
    response = api.coordinator.patch(url, {"spec": edited}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["spec"] == edited and response.json()["name"] == "KMT2A-r infants, edited"
    assert response["ETag"] != etag and [v["number"] for v in response.json()["versions"]] == [1]  # a draft: in place


def test_registering_freezes_the_version_and_the_next_edit_makes_version_2(api, world):
    urls = _urls(world.plan)
    etag = api.manager.get(urls["detail"])["ETag"]
    assert api.manager.post(urls["version"] + "register/").status_code == 428
    response = api.manager.post(urls["version"] + "register/", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response.json()["registered"] is True
    again = api.manager.post(urls["version"] + "register/", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 409 and again.json()["detail"] == services.ALREADY_REGISTERED.format(number=1)

    edited = api.manager.patch(
        urls["detail"], {"spec": _spec_data("Second thoughts")}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert edited.status_code == 200
    assert [(v["number"], v["registered"]) for v in edited.json()["versions"]] == [(2, False), (1, True)]
    world.version.refresh_from_db()
    assert world.version.spec["name"] == "KMT2A-r infants"  # the registered version never changes


def test_an_archived_plan_is_not_edited(api, world):
    old = services.plan_create(user=world.coordinator, spec=make_spec("Old plan")).plan
    services.plan_archive(user=world.coordinator, plan=old)
    old.refresh_from_db()
    response = api.coordinator.patch(
        _urls(old)["detail"], {"note": "late"}, format="json", HTTP_IF_MATCH=f'"{old.revision}"'
    )
    assert response.status_code == 409 and response.json()["detail"] == services.ARCHIVED
    assert old.latest_version().note == ""


def test_anonymous_writes_no_plan(api, world):
    urls = _urls(world.plan)
    assert api.anonymous.post(LIST, {"spec": _spec_data("Anon")}, format="json").status_code == 401
    assert api.anonymous.patch(urls["detail"], {"note": "x"}, format="json").status_code == 401
    assert api.anonymous.post(urls["version"] + "register/").status_code == 401
    assert not AnalysisPlan.objects.filter(name="Anon").exists()
