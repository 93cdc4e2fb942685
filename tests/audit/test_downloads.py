"""Every file of a run that leaves the server (PDF, XLSX, CSV, figures) is logged with who, the run and the file;
a report page is logged once, with the figures it shows inline."""

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from analytics.reports.model import Figure, Report, Section
from analytics.runs.models import AnalysisRun, RunArtifact
from audit.models import AccessEvent
from audit.selectors import REPORT_FIGURES_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pooled_run(people):
    """A finished pooled run with a PDF report and one figure as PNG and SVG, whose report shows that figure (made
    directly: the analyses are not the point)."""
    run = AnalysisRun.objects.create(
        trigger=AnalysisRun.Trigger.USER, requested_by=people.coordinator, status=AnalysisRun.Status.RUNNING
    )
    for kind, name, content in (
        (RunArtifact.Kind.PDF, "report", b"%PDF-1.4"),
        (RunArtifact.Kind.PNG, "km_os", b"png"),
        (RunArtifact.Kind.SVG, "km_os", b"<svg/>"),
    ):
        digest = hashlib.sha256(content).hexdigest()
        artifact = RunArtifact(run=run, kind=kind, name=name, size=len(content), sha256=digest)
        artifact.file.save(artifact.filename, ContentFile(content), save=False)
        artifact.save()
    figure = Figure(name="km_os", title="Overall survival", kind="km", data={})
    report = Report(title="Report", settings={}, metadata={}, sections=[Section(1, "os", "Survival", figures=[figure])])
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.DONE, results=report.to_dict())
    return run


def test_a_report_download_by_the_coordinator_is_logged_with_the_run_and_file(client, people, pooled_run):
    pdf = pooled_run.artifacts.get(kind=RunArtifact.Kind.PDF)
    client.force_login(people.coordinator)
    url = reverse("analytics:artifact_download", args=[pooled_run.pk, pdf.pk])
    response = client.get(url, REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"

    event = AccessEvent.objects.get(kind=AccessEvent.Kind.DOWNLOAD)
    assert (event.kind, event.user, event.path, event.status) == (
        AccessEvent.Kind.DOWNLOAD,
        people.coordinator,
        url,
        200,
    )
    assert (event.route, event.object_id, event.file_name, event.client_address) == (
        "analytics:artifact_download",
        str(pooled_run.pk),
        f"run{pooled_run.pk}-report.pdf",
        "192.0.2.20",
    )


def test_a_figure_download_is_logged(client, people, pooled_run):
    client.force_login(people.coordinator)
    assert client.get(reverse("analytics:figure_download", args=[pooled_run.pk, "km_os", "png"])).status_code == 200
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.DOWNLOAD)
    assert (event.kind, event.object_id, event.file_name) == (
        AccessEvent.Kind.DOWNLOAD,
        str(pooled_run.pk),
        f"run{pooled_run.pk}-km_os.png",
    )


def test_a_center_users_refused_download_of_the_pooled_run_is_logged_as_refused(client, people, pooled_run):
    pdf = pooled_run.artifacts.get(kind=RunArtifact.Kind.PDF)
    client.force_login(people.entry_a)
    assert client.get(reverse("analytics:artifact_download", args=[pooled_run.pk, pdf.pk])).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD).exists()
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.REFUSED)
    assert (event.kind, event.user, event.status) == (AccessEvent.Kind.REFUSED, people.entry_a, 404)
    assert event.file_name == ""


def test_a_file_whose_download_cannot_be_logged_is_not_served(client, people, pooled_run):
    pdf = pooled_run.artifacts.get(kind=RunArtifact.Kind.PDF)
    client.force_login(people.coordinator)
    client.raise_request_exception = False
    with mock.patch("audit.services.AccessEvent.save", side_effect=DatabaseError("disk full")):
        response = client.get(reverse("analytics:artifact_download", args=[pooled_run.pk, pdf.pk]))
    assert response.status_code == 500
    assert b"%PDF" not in response.content


def _figure(run, fmt: str) -> str:
    return reverse("analytics:figure_download", args=[run.pk, "km_os", fmt])


def test_a_report_page_is_logged_once_and_its_inline_figures_are_not_downloads(client, people, pooled_run):
    client.force_login(people.coordinator)
    page = client.get(reverse("analytics:run_report", args=[pooled_run.pk]))
    assert page.status_code == 200
    png = _figure(pooled_run, "png")
    assert f'<img src="{png}"' in page.content.decode()
    assert client.get(png).status_code == 200  # what the browser asks for to show the page

    viewed = AccessEvent.objects.get(kind=AccessEvent.Kind.REPORT_VIEWED)
    assert (viewed.user, viewed.route, viewed.object_id) == (
        people.coordinator,
        "analytics:run_report",
        str(pooled_run.pk),
    )
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD).exists()


def test_an_svg_from_the_report_page_is_a_download(client, people, pooled_run):
    client.force_login(people.coordinator)
    client.get(reverse("analytics:run_report", args=[pooled_run.pk]))
    assert client.get(_figure(pooled_run, "svg")).status_code == 200
    assert list(AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD).values_list("file_name", flat=True)) == [
        f"run{pooled_run.pk}-km_os.svg"
    ]


def test_a_figure_fetched_long_after_the_report_page_is_a_download(client, people, pooled_run):
    client.force_login(people.coordinator)
    client.get(reverse("analytics:run_report", args=[pooled_run.pk]))
    later = timezone.now() + REPORT_FIGURES_WINDOW + timedelta(seconds=1)
    with mock.patch("audit.selectors.timezone.now", return_value=later):
        assert client.get(_figure(pooled_run, "png")).status_code == 200
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.DOWNLOAD).count() == 1


def test_another_users_report_view_does_not_cover_a_figure_fetched_alone(client, people, pooled_run):
    client.force_login(people.manager)
    client.get(reverse("analytics:run_report", args=[pooled_run.pk]))
    client.force_login(people.coordinator)
    assert client.get(_figure(pooled_run, "png")).status_code == 200
    download = AccessEvent.objects.get(kind=AccessEvent.Kind.DOWNLOAD)
    assert download.user == people.coordinator
