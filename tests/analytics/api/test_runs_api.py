"""/api/v1/runs/: list, start, follow, read a plan's results and download the files of analysis runs, scoped as
the web pages are: coordinators and the data manager every run, a center's users their own center's reports."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.api.serializers import FAILED_REASON_HIDDEN
from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import RUN_NO_OWN_CASES, run_fail, run_request
from analytics.views import NO_ROLE
from audit.models import AccessEvent

pytestmark = pytest.mark.django_db

LIST = "/api/v1/runs/"


def _detail(run) -> str:
    return f"{LIST}{run.pk}/"


def _artifact(run, kind: str) -> RunArtifact:
    return run.source.artifacts.filter(kind=kind).order_by("name").first()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("coordinator", {"pooled", "planned", "run_a", "run_b"}),
        ("manager", {"pooled", "planned", "run_a", "run_b"}),
        ("entry_a", {"run_a"}),
        ("lead_a", {"run_a"}),
        ("entry_b", {"run_b"}),
    ],
)
def test_each_role_lists_and_reads_the_runs_the_web_shows_it_and_no_other(api, world, who, sees):
    client = getattr(api, who)
    runs = {name: getattr(world, name) for name in ("pooled", "planned", "run_a", "run_b")}
    assert set(_ids(client.get(LIST))) == {runs[name].pk for name in sees}
    for name, run in runs.items():
        response = client.get(_detail(run))
        assert response.status_code == (200 if name in sees else 404), (who, name)
        pdf = _artifact(run, "pdf")
        download = client.get(f"{_detail(run)}artifacts/{pdf.pk}/")
        assert download.status_code == (200 if name in sees else 404), (who, name)


def test_anonymous_gets_401_on_every_run_route(api, world):
    pdf = _artifact(world.run_a, "pdf")
    for url in (LIST, _detail(world.run_a), f"{_detail(world.run_a)}artifacts/{pdf.pk}/"):
        assert api.anonymous.get(url).status_code == 401, url
    assert api.anonymous.post(LIST, {}, format="json").status_code == 401


def test_a_run_reads_with_its_stage_times_fingerprint_settings_plans_and_files(api, world):
    body = api.coordinator.get(_detail(world.planned)).json()
    assert body["status"] == "done" and body["kind"] == "pooled" and body["center"] is None
    assert body["progress"]["stage"] == "Done" and body["progress"]["centers"] == "2 of 2 centers"
    assert body["fingerprint"] == world.planned.fingerprint and body["code_version"] == world.planned.code_version
    assert body["started_at"] and body["finished_at"] and body["failure_reason"] is None
    assert body["settings"]["ci_transform"] == "log-log" and "plans" not in body["settings"]
    assert body["filters"]["apply_exclusions"] is True
    [plan] = body["plans"]
    assert (plan["version_id"], plan["plan_id"], plan["number"], plan["registered"]) == (
        world.version.pk,
        world.plan.pk,
        1,
        False,
    )
    assert plan["results_url"].endswith(f"{_detail(world.planned)}plans/{world.version.pk}/results/")
    kinds = {a["kind"] for a in body["artifacts"]}
    assert {"pdf", "xlsx", "csv", "json"} <= kinds
    pdf = next(a for a in body["artifacts"] if a["kind"] == "pdf")
    assert pdf["content_type"] == "application/pdf" and pdf["download_url"].endswith(
        f"{_detail(world.planned)}artifacts/{pdf['id']}/"
    )


def test_a_centers_report_names_its_center_and_no_plans(api, world):
    body = api.entry_a.get(_detail(world.run_a)).json()
    assert body["kind"] == "center" and body["center"] == "AAA" and body["plans"] == []
    assert body["requested_by"] == "entry_a" and body["filters"]["centers"] == ["AAA"]


def test_a_file_downloads_as_the_web_serves_it_and_the_download_is_logged(api, world):
    pdf = _artifact(world.run_a, "pdf")
    response = api.entry_a.get(f"{_detail(world.run_a)}artifacts/{pdf.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and _body(response).startswith(b"%PDF")
    assert f'filename="run{world.run_a.pk}-report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.DOWNLOAD)
    assert (event.username, event.object_id, event.file_name) == (
        "entry_a",
        str(world.run_a.pk),
        f"run{world.run_a.pk}-report.pdf",
    )


def test_another_runs_file_through_this_run_and_another_centers_file_are_404_and_not_logged(api, world):
    b_pdf = _artifact(world.run_b, "pdf")
    assert api.entry_a.get(f"{_detail(world.run_a)}artifacts/{b_pdf.pk}/").status_code == 404
    assert api.entry_a.get(f"{_detail(world.run_b)}artifacts/{b_pdf.pk}/").status_code == 404
    assert api.coordinator.get(f"{_detail(world.run_a)}artifacts/{b_pdf.pk}/").status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD).exists()


def test_a_plans_results_read_as_the_json_document_the_run_keeps(api, world):
    url = f"{_detail(world.planned)}plans/{world.version.pk}/results/"
    response = api.manager.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    stored = world.planned.artifacts.get(kind="json")
    assert response.content == stored.file.open("rb").read()
    document = response.json()
    assert [a["key"] for a in document["analyses"]] == ["efs-risk"]
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD, object_id=str(world.planned.pk)).exists()
    for who in ("entry_a", "entry_b"):
        assert getattr(api, who).get(url).status_code == 404
    assert api.manager.get(f"{_detail(world.pooled)}plans/{world.version.pk}/results/").status_code == 404


def test_a_coordinator_starts_a_run_with_filters_and_settings_and_is_given_its_address(api, world):
    data = {"centers": ["AAA"], "lineages": ["ALL"], "year_from": 2019, "ci_transform": "plain"}
    response = api.coordinator.post(LIST, data, format="json")
    assert response.status_code == 202, response.json()
    run = AnalysisRun.objects.latest("pk")
    assert response["Location"].endswith(_detail(run)) and response.json()["id"] == run.pk
    assert run.filters["centers"] == ["AAA"] and run.filters["lineages"] == ["ALL"] and run.filters["year_from"] == 2019
    assert run.settings["ci_transform"] == "plain" and run.status == AnalysisRun.Status.QUEUED
    assert response.json()["progress"]["stage"] == "Waiting for a worker"
    # Asked again while it waits: the same run, nothing new queued.
    again = api.coordinator.post(LIST, data, format="json")
    assert again.status_code == 200 and again.json()["id"] == run.pk
    assert AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).count() == 1


def test_a_center_user_starts_their_centers_report_and_not_another_centers(api, world):
    response = api.entry_a.post(LIST, {}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["kind"] == "center" and response.json()["center"] == "AAA"
    before = AnalysisRun.objects.count()
    refused = api.entry_a.post(LIST, {"centers": ["B-CTR"]}, format="json")
    assert refused.status_code == 400 and "centers" in refused.json()["errors"]
    assert AnalysisRun.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year_from": 2022, "year_to": 2020}, "non_field_errors"),
        ({"lineages": ["XYZ"]}, "lineages"),
        ({"protocols": ["No such protocol"]}, "protocols"),
        ({"ci_transform": "cubic"}, "ci_transform"),
        ({"induction_window_days": 61}, "induction_window_days"),
        ({"rule_version": "v-none"}, "rule_version"),
    ],
)
def test_bad_filters_and_settings_are_field_errors_and_queue_nothing(api, world, data, field):
    before = AnalysisRun.objects.count()
    response = api.coordinator.post(LIST, data, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert AnalysisRun.objects.count() == before


def test_a_user_without_a_role_may_not_start_a_run(api, world):
    from tests.factories import UserFactory
    from tests.registry.api.conftest import token_client

    client = token_client(UserFactory(username="nobody"))
    before = AnalysisRun.objects.count()
    response = client.post(LIST, {}, format="json")
    assert response.status_code == 403 and response.json()["detail"] == NO_ROLE
    assert client.get(LIST).status_code == 404
    assert AnalysisRun.objects.count() == before


def test_the_same_idempotency_key_gives_the_first_run_back(api, world):
    first = api.manager.post(LIST, {"year_from": 2000}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.manager.post(LIST, {"year_from": 2000}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    other = api.manager.post(LIST, {"year_from": 2001}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422


def test_a_run_started_over_the_api_finishes_and_its_report_downloads(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.coordinator.post(LIST, {"ci_transform": "plain", "lineages": ["ALL"]}, format="json")
    assert response.status_code == 202
    body = api.coordinator.get(response["Location"]).json()
    assert body["status"] == "done", body["failure_reason"]
    assert body["reused_from"] is None and body["n_cases"] == 2 and len(body["fingerprint"]) == 64
    pdf = next(a for a in body["artifacts"] if a["kind"] == "pdf")
    download = api.coordinator.get(pdf["download_url"])
    assert download.status_code == 200 and _body(download).startswith(b"%PDF")


def test_a_failure_reason_is_shown_to_registry_roles_and_hidden_from_center_users_unless_meant_for_them(api, world):
    run = run_request(user=world.entry_a, filters=RunFilters(year_from=2001), settings=RunSettings())
    run_fail(run_id=run.pk, error="B-CTR: something about another center")
    assert api.manager.get(_detail(run)).json()["failure_reason"] == "B-CTR: something about another center"
    assert api.entry_a.get(_detail(run)).json()["failure_reason"] == FAILED_REASON_HIDDEN
    own = run_request(user=world.entry_a, filters=RunFilters(year_from=2002), settings=RunSettings())
    run_fail(run_id=own.pk, error=RUN_NO_OWN_CASES)
    assert api.entry_a.get(_detail(own)).json()["failure_reason"] == RUN_NO_OWN_CASES


def test_the_list_filters_by_status_kind_center_trigger_and_modified_since(api, world):
    queued = run_request(user=world.coordinator, filters=RunFilters(year_from=2003), settings=RunSettings())
    c = api.coordinator
    assert _ids(c.get(LIST + "?status=queued")) == [queued.pk]
    assert set(_ids(c.get(LIST + "?kind=center"))) == {world.run_a.pk, world.run_b.pk}
    assert set(_ids(c.get(LIST + "?kind=pooled"))) == {world.pooled.pk, world.planned.pk, queued.pk}
    assert _ids(c.get(LIST + "?center=B-CTR")) == [world.run_b.pk]
    assert _ids(c.get(LIST + "?trigger=schedule")) == []
    since = urlencode({"modified_since": queued.created_at.isoformat()})
    assert _ids(c.get(f"{LIST}?{since}")) == [queued.pk]
    assert c.get(LIST + "?kind=sideways").status_code == 400


def test_the_lists_query_count_does_not_grow_with_the_runs(api, world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.coordinator.get(LIST).status_code == 200
        return len(queries)

    count()  # the token's first use is recorded once
    few = count()
    for year in (2004, 2005, 2006):
        run_request(user=world.coordinator, filters=RunFilters(year_from=year), settings=RunSettings())
    assert len(_ids(api.coordinator.get(LIST))) == 7
    assert count() == few


@pytest.mark.parametrize(
    ("who", "kind", "center"),
    [
        ("coordinator", "pooled", None),
        ("manager", "pooled", None),
        ("entry_a", "center", "AAA"),
        ("lead_a", "center", "AAA"),
        ("entry_b", "center", "B-CTR"),
    ],
)
def test_each_role_starts_the_run_the_web_lets_it_start(api, world, who, kind, center):
    response = getattr(api, who).post(LIST, {"year_to": 2030}, format="json")
    assert response.status_code == 202, response.json()
    run = AnalysisRun.objects.get(pk=response.json()["id"])
    assert (response.json()["kind"], response.json()["center"]) == (kind, center)
    assert run.requested_by.username == who and (run.scope_center.code if run.scope_center else None) == center


@pytest.mark.parametrize("who", ["coordinator", "manager", "entry_a", "lead_a", "entry_b"])
def test_a_plans_results_are_read_by_registry_roles_only(api, world, who):
    url = f"{_detail(world.planned)}plans/{world.version.pk}/results/"
    expected = 200 if who in ("coordinator", "manager") else 404
    assert getattr(api, who).get(url).status_code == expected
    assert api.anonymous.get(url).status_code == 401
