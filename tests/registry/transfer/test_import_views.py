"""The import pages for every role: upload and check, the problems listed, commit and discard, and refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from audit.models import AccessEvent
from registry import models as m
from registry.models import ImportJob
from registry.services import imports as svc
from registry.views.imports import CENTER_USERS_ONLY
from tests.registry.transfer.rows import full_case_rows, workbook_of

pytestmark = pytest.mark.django_db


def _upload(client, center, data: bytes, name="cases.xlsx"):
    return client.post(reverse("registry:import_list"), {"center": center.pk, "file": SimpleUploadedFile(name, data)})


def _job_urls(job):
    return {
        "detail": reverse("registry:import_detail", kwargs={"job_pk": job.pk}),
        "commit": reverse("registry:import_commit", kwargs={"job_pk": job.pk}),
        "discard": reverse("registry:import_abandon", kwargs={"job_pk": job.pk}),
    }


@pytest.fixture
def job_a(people, center_a):
    data = workbook_of(full_case_rows("2019-07"))
    return svc.import_check(user=people.entry_a, center=center_a, file_name="a.xlsx", data=data)


def test_a_center_user_uploads_checks_and_imports_a_workbook(client, people, center_a):
    client.force_login(people.entry_a)
    response = _upload(client, center_a, workbook_of(full_case_rows("2019-07")))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == _job_urls(job)["detail"]
    assert job.status == ImportJob.Status.CHECKED and not m.Case.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Import these rows" in page and job.sha256 in page
    client.post(_job_urls(job)["commit"])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert m.Case.objects.get().center_case_number == "2019-07"
    assert list(
        AccessEvent.objects.filter(kind=AccessEvent.Kind.IMPORT)
        .order_by("occurred_at")
        .values_list("object_id", flat=True)
    ) == [str(job.pk), str(job.pk)]
    assert "cases.xlsx" in client.get(reverse("registry:import_list")).content.decode()


def test_every_problem_is_listed_and_nothing_is_written(client, people, center_a):
    rows = full_case_rows("2019-07")
    rows["follow_up"][0]["vital_status"] = "zombie"
    rows["diagnosis"][0]["diagnosis_date"] = "03/04/2019"
    client.force_login(people.entry_a)
    response = _upload(client, center_a, workbook_of(rows))
    job = ImportJob.objects.get()
    page = client.get(response.url).content.decode()
    assert job.status == ImportJob.Status.PROBLEMS and job.content is None
    assert {(p["sheet"], p["column"]) for p in job.problems} >= {
        ("follow_up", "vital_status"),
        ("diagnosis", "diagnosis_date"),
    }
    assert "zombie" in page and "03/04/2019" in page and "Import these rows" not in page
    assert client.post(_job_urls(job)["commit"]).status_code == 302
    assert not m.Case.objects.exists()


def test_a_file_that_is_not_a_workbook_is_a_problem_not_an_error(client, people, center_a):
    client.force_login(people.entry_a)
    response = _upload(client, center_a, b"\x00\x01 not a workbook", name="cases.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PROBLEMS and job.problems


def test_an_empty_upload_is_a_form_error(client, people, center_a):
    client.force_login(people.entry_a)
    response = _upload(client, center_a, b"", name="cases.csv")
    assert response.status_code == 200 and not ImportJob.objects.exists()


def test_a_center_user_cannot_upload_into_another_center(client, people, center_b):
    client.force_login(people.entry_a)
    response = _upload(client, center_b, workbook_of(full_case_rows()))
    assert response.status_code == 200 and not ImportJob.objects.exists()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", None])
def test_the_coordinator_and_anonymous_reach_no_import_page(client, people, job_a, who):
    if who:
        client.force_login(getattr(people, who))
    urls = [reverse("registry:import_list"), *_job_urls(job_a).values()]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            expected = (403, 405) if who else (302, 405)
            assert response.status_code in expected, (who, method, url, response.status_code)
    if who:
        assert escape(CENTER_USERS_ONLY) in client.get(urls[0]).content.decode()
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.CHECKED and not m.Case.objects.exists()


def test_another_centers_user_gets_404_for_every_job_route(client, people, job_a):
    client.force_login(people.entry_b)
    for name, url in _job_urls(job_a).items():
        response = client.post(url) if name != "detail" else client.get(url)
        assert response.status_code == 404, (name, response.status_code)
        assert job_a.file_name not in response.content.decode()
    assert job_a.file_name not in client.get(reverse("registry:import_list")).content.decode()
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.CHECKED


def test_a_colleague_sees_the_job_but_only_the_uploader_imports_it(client, people, job_a):
    client.force_login(people.lead_a)
    urls = _job_urls(job_a)
    page = client.get(urls["detail"]).content.decode()
    assert "a.xlsx" in page and "Import these rows" not in page
    assert client.post(urls["commit"]).status_code == 403
    assert client.post(urls["discard"]).status_code == 403
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.CHECKED and not m.Case.objects.exists()


def test_the_data_manager_sees_every_centers_jobs(client, people, job_a):
    client.force_login(people.manager)
    assert "a.xlsx" in client.get(reverse("registry:import_list")).content.decode()
    assert client.get(_job_urls(job_a)["detail"]).status_code == 200


def test_discarding_keeps_the_job_and_drops_the_file(client, people, job_a):
    client.force_login(people.entry_a)
    client.post(_job_urls(job_a)["discard"])
    job_a.refresh_from_db()
    assert job_a.status == ImportJob.Status.ABANDONED and job_a.content is None
    assert client.post(_job_urls(job_a)["commit"]).status_code == 302
    assert not m.Case.objects.exists()


def test_the_menu_offers_import_to_those_who_may(client, people):
    link = reverse("registry:import_list")
    client.force_login(people.entry_a)
    assert f'href="{link}"' in client.get(reverse("registry:dashboard")).content.decode()
    client.force_login(people.coordinator)
    assert f'href="{link}"' not in client.get(reverse("registry:dashboard")).content.decode()
