"""/api/v1/imports/: upload and check a file over the API, read the job and its problems, import or discard it,
under the web's rules (center users for their centers and the data manager; coordinators not at all)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessEvent
from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.views.imports import CENTER_USERS_ONLY
from tests.registry.transfer.rows import full_case_rows, workbook_of

pytestmark = pytest.mark.django_db

LIST = "/api/v1/imports/"


def _upload(client, center_code: str, data: bytes, name: str = "cases.xlsx", **headers):
    return client.post(
        LIST, {"center": center_code, "file": SimpleUploadedFile(name, data)}, format="multipart", **headers
    )


def _job_urls(job_id: int) -> dict[str, str]:
    base = f"{LIST}{job_id}/"
    return {"detail": base, "commit": base + "commit/", "abandon": base + "abandon/"}


@pytest.fixture
def job_a(people, center_a):
    data = workbook_of(full_case_rows("2019-07"))
    return svc.import_check(user=people.entry_a, center=center_a, file_name="a.xlsx", data=data)


def test_a_center_user_uploads_checks_and_commits_a_workbook_and_the_history_names_the_token(api, center_a):
    response = _upload(api.entry_a, "AAA", workbook_of(full_case_rows("2019-07")))
    assert response.status_code == 201, response.json()
    body = response.json()
    job = ImportJob.objects.get()
    assert response["Location"].endswith(_job_urls(job.pk)["detail"])
    assert body["status"] == "checked" and body["problems"] == [] and body["center"] == "AAA"
    assert body["counts"]["cases"]["new"] == 1 and body["uploaded_by"] == "entry_a"
    assert not m.Case.objects.exists()  # a dry run

    committed = api.entry_a.post(_job_urls(job.pk)["commit"])
    assert committed.status_code == 200, committed.json()
    assert committed.json()["status"] == "committed" and committed.json()["committed_by"] == "entry_a"
    case = m.Case.objects.get()
    assert case.center_case_number == "2019-07"
    reason = case.history.get().history_change_reason
    assert reason.startswith("import of cases.xlsx") and reason.endswith("(via API token “tests”)")
    assert list(AccessEvent.objects.filter(kind=AccessEvent.Kind.IMPORT).values_list("object_id", flat=True)) == [
        str(job.pk),
        str(job.pk),
    ]


def test_every_problem_is_listed_with_its_place_and_nothing_is_written(api, center_a):
    rows = full_case_rows("2019-07")
    rows["follow_up"][0]["vital_status"] = "zombie"
    rows["diagnosis"][0]["diagnosis_date"] = "03/04/2019"
    response = _upload(api.entry_a, "AAA", workbook_of(rows))
    body = response.json()
    assert response.status_code == 201 and body["status"] == "problems"
    assert body["n_problems"] == len(body["problems"]) >= 2
    found = {(p["sheet"], p["column"], p["value"]) for p in body["problems"]}
    assert {("follow_up", "vital_status", "zombie"), ("diagnosis", "diagnosis_date", "03/04/2019")} <= found
    assert all(isinstance(p["row"], int) and p["message"] for p in body["problems"] if p["sheet"])

    refused = api.entry_a.post(_job_urls(body["id"])["commit"])
    assert refused.status_code == 409
    assert refused.json()["detail"] == svc.NOT_READY.format(status="checked: problems to correct")
    assert not m.Case.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.PROBLEMS


def test_a_committed_job_cannot_be_committed_or_discarded_again(api, job_a):
    urls = _job_urls(job_a.pk)
    assert api.entry_a.post(urls["commit"]).status_code == 200
    for action in ("commit", "abandon"):
        response = api.entry_a.post(urls[action])
        assert response.status_code == 409, action
        assert response.json()["detail"] == svc.NOT_READY.format(status="imported")
    assert m.Case.objects.count() == 1


def test_discarding_keeps_the_job_and_drops_the_file(api, job_a):
    response = api.entry_a.post(_job_urls(job_a.pk)["abandon"])
    assert response.status_code == 200 and response.json()["status"] == "abandoned"
    job_a.refresh_from_db()
    assert job_a.content is None
    assert api.entry_a.post(_job_urls(job_a.pk)["commit"]).status_code == 409
    assert not m.Case.objects.exists()


def test_a_file_that_is_not_a_workbook_is_a_problem_not_an_error(api, center_a):
    response = _upload(api.entry_a, "AAA", b"\x00\x01 not a workbook")
    assert response.status_code == 201 and response.json()["status"] == "problems"
    assert response.json()["problems"][0]["message"]


@pytest.mark.parametrize(
    ("center", "data", "field"),
    [("B-CTR", b"x", "center"), ("NOPE", b"x", "center"), ("AAA", b"", "file")],
)
def test_another_centers_code_an_unknown_code_and_an_empty_file_are_field_errors(api, center_b, center, data, field):
    response = _upload(api.entry_a, center, data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_the_same_idempotency_key_gives_the_first_job_back(api, center_a):
    data = workbook_of(full_case_rows("2019-07"))
    first = _upload(api.entry_a, "AAA", data, HTTP_IDEMPOTENCY_KEY="upload-1")
    again = _upload(api.entry_a, "AAA", data, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "manager"])
def test_center_users_and_the_data_manager_read_the_job(api, job_a, who):
    listed = getattr(api, who).get(LIST)
    assert listed.status_code == 200
    assert [j["id"] for j in listed.json()["results"]] == [job_a.pk]
    assert "problems" not in listed.json()["results"][0]
    detail = getattr(api, who).get(_job_urls(job_a.pk)["detail"])
    assert detail.status_code == 200 and detail.json()["file_name"] == "a.xlsx"


def test_another_centers_user_gets_404_for_every_job_route_and_an_empty_list(api, job_a):
    urls = _job_urls(job_a.pk)
    assert api.entry_b.get(urls["detail"]).status_code == 404
    for action in ("commit", "abandon"):
        assert api.entry_b.post(urls[action]).status_code == 404, action
    assert api.entry_b.get(LIST).json()["results"] == []
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.CHECKED


def test_the_coordinator_is_refused_everywhere_with_the_webs_reason(api, job_a, center_a):
    urls = _job_urls(job_a.pk)
    for method, url in (("get", LIST), ("get", urls["detail"]), ("post", urls["commit"]), ("post", urls["abandon"])):
        response = getattr(api.coordinator, method)(url)
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"] == CENTER_USERS_ONLY
    assert _upload(api.coordinator, "AAA", workbook_of(full_case_rows())).status_code == 403
    assert ImportJob.objects.count() == 1 and not m.Case.objects.exists()


def test_anonymous_gets_401_everywhere(api, job_a):
    urls = _job_urls(job_a.pk)
    for method, url in (("get", LIST), ("post", LIST), ("get", urls["detail"]), ("post", urls["commit"])):
        assert getattr(api.anonymous, method)(url).status_code == 401, (method, url)


def test_a_colleague_sees_the_job_but_only_the_uploader_commits_or_discards_it(api, job_a):
    urls = _job_urls(job_a.pk)
    for action in ("commit", "abandon"):
        response = api.lead_a.post(urls[action])
        assert response.status_code == 403 and response.json()["detail"] == svc.NOT_YOUR_JOB
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.CHECKED and not m.Case.objects.exists()


def test_the_list_filters_by_status_center_and_modified_since(api, people, job_a, center_b):
    job_b = svc.import_check(user=people.entry_b, center=center_b, file_name="b.xlsx", data=b"junk")
    manager = api.manager

    def ids(query: str) -> list[int]:
        response = manager.get(LIST + query)
        assert response.status_code == 200, response.json()
        return [j["id"] for j in response.json()["results"]]

    assert ids("") == [job_b.pk, job_a.pk]
    assert ids("?status=problems") == [job_b.pk]
    assert ids("?center=AAA") == [job_a.pk]
    assert ids("?" + urlencode({"modified_since": job_b.uploaded_at.isoformat()})) == [job_b.pk]
    assert manager.get(LIST + "?status=nonsense").status_code == 400


def test_the_lists_query_count_does_not_grow_with_the_jobs(api, people, center_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.entry_a.get(LIST).status_code == 200
        return len(queries)

    svc.import_check(user=people.entry_a, center=center_a, file_name="1.xlsx", data=b"junk")
    count()  # the token's first use of the day is recorded once
    few = count()
    for n in range(6):
        svc.import_check(user=people.lead_a, center=center_a, file_name=f"{n}.xlsx", data=b"junk")
    assert count() == few


@pytest.mark.parametrize(
    ("who", "center", "expected"),
    [
        ("entry_a", "AAA", 201),
        ("lead_a", "AAA", 201),
        ("entry_b", "B-CTR", 201),
        ("entry_b", "AAA", 400),
        ("manager", "B-CTR", 201),
        ("coordinator", "AAA", 403),
    ],
)
def test_who_may_upload_into_which_center(api, people, center_a, center_b, who, center, expected):
    response = _upload(getattr(api, who), center, workbook_of(full_case_rows("2019-07")))
    assert response.status_code == expected, response.json()
    jobs = ImportJob.objects.all()
    if expected == 201:
        assert [(j.center.code, j.uploaded_by.username) for j in jobs] == [(center, who)]
    else:
        assert not jobs.exists()
