"""The pages of the pooled analyses: start a run, follow it, read the report, download its files."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_fail, run_request
from analytics.views import QUEUED_MESSAGE, REUSED_MESSAGE
from tests.canvas import run_canvas

pytestmark = pytest.mark.django_db

FORM = {
    "apply_exclusions": "on",
    "induction_failure_dating": "day0",
    "induction_window_days": "14",
    "ci_transform": "log-log",
}


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_menu_links_analyses_for_registry_roles_and_the_centers_report_for_center_users(client, web):
    for who, label, url in (
        (web.coordinator, "Analyses", reverse("analytics:run_list")),
        (web.manager, "Analyses", reverse("analytics:run_list")),
        (web.entry_a, "My center&#x27;s report", reverse("analytics:my_center")),
    ):
        client.force_login(who)
        body = client.get(reverse("registry:dashboard")).content.decode()
        assert f'<a href="{url}">{label}</a>' in body, who


def test_a_coordinator_starts_a_run_with_filters_and_is_sent_to_its_progress_page(client, web):
    client.force_login(web.coordinator)
    assert client.get(reverse("analytics:run_new")).status_code == 200
    data = {**FORM, "centers": ["AAA"], "lineages": ["ALL"], "year_from": "2019", "ci_transform": "plain"}
    response = client.post(reverse("analytics:run_new"), data, follow=True)
    run = AnalysisRun.objects.latest("pk")
    assert response.redirect_chain[-1][0] == reverse("analytics:run_detail", args=[run.pk])
    assert QUEUED_MESSAGE.format(pk=run.pk) in response.content.decode()
    assert run.filters["centers"] == ["AAA"] and run.filters["lineages"] == ["ALL"] and run.filters["year_from"] == 2019
    assert run.settings["ci_transform"] == "plain" and run.status == AnalysisRun.Status.QUEUED
    # Not finished (nothing committed in a test): the page reloads itself until it is.
    assert b'<meta http-equiv="refresh" content="3">' in response.content


def test_asking_again_for_the_same_analysis_gives_a_run_with_the_same_results_once_it_ran(client, web):
    client.force_login(web.manager)
    response = client.post(reverse("analytics:run_new"), FORM, follow=True)
    run = AnalysisRun.objects.latest("pk")
    assert run.pk != web.pooled.pk and run.status == AnalysisRun.Status.QUEUED
    assert QUEUED_MESSAGE.format(pk=run.pk) in response.content.decode()
    # Asked again while it waits for a worker: the same run, nothing new queued.
    response = client.post(reverse("analytics:run_new"), FORM, follow=True)
    assert response.redirect_chain[-1][0] == reverse("analytics:run_detail", args=[run.pk])
    assert REUSED_MESSAGE.format(pk=run.pk) in response.content.decode()
    assert AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).count() == 1
    # Once it ran, the join found the finished run on the same rows: its page says so and stops reloading.
    run_canvas(run.pk)
    body = client.get(reverse("analytics:run_detail", args=[run.pk])).content.decode()
    assert (
        f'Same results as <a href="{reverse("analytics:run_detail", args=[web.pooled.pk])}">run {web.pooled.pk}' in body
    )
    assert "http-equiv" not in body
    report = client.get(reverse("analytics:run_report", args=[run.pk]))
    assert report.status_code == 200 and web.pooled.artifacts.exists()


def test_bad_filters_are_shown_on_the_form(client, web):
    client.force_login(web.coordinator)
    response = client.post(reverse("analytics:run_new"), {**FORM, "year_from": "2022", "year_to": "2020"})
    assert response.status_code == 200 and "must not be after" in response.content.decode()


def test_a_center_user_may_request_only_their_own_centers_report(client, web):
    client.force_login(web.entry_a)
    form = client.get(reverse("analytics:run_new")).content.decode()
    assert 'value="AAA"' in form and "B-CTR" not in form
    response = client.post(reverse("analytics:run_new"), {**FORM, "centers": "B-CTR"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(reverse("analytics:run_new"), {**FORM, "centers": "AAA"}, follow=True)
    run = AnalysisRun.objects.latest("pk")
    assert response.redirect_chain[-1][0] == reverse("analytics:run_detail", args=[run.pk])
    assert run.scope_center == web.center_a and run.requested_by == web.entry_a


def test_my_centers_page_links_the_latest_report(client, web):
    client.force_login(web.lead_a)
    body = client.get(reverse("analytics:my_center")).content.decode()
    assert reverse("analytics:run_report", args=[web.run_a.pk]) in body and "B-CTR" not in body
    client.force_login(web.coordinator)
    assert client.get(reverse("analytics:my_center")).status_code == 302


def test_the_report_page_shows_every_section_with_its_tables_and_figures(client, web):
    client.force_login(web.coordinator)
    response = client.get(reverse("analytics:run_report", args=[web.pooled.pk]))
    body = response.content.decode()
    for section in web.pooled.results["sections"]:
        assert f"{section['number']}. {section['title']}" in body
        for figure in section["figures"]:
            src = reverse("analytics:figure_download", args=[web.pooled.pk, figure["name"], "png"])
            assert f'<img src="{src}"' in body
            image = client.get(src)
            assert image.status_code == 200 and image["Content-Type"] == "image/png"
            assert _body(image).startswith(b"\x89PNG")
    for artifact in web.pooled.artifacts.exclude(kind__in=["png", "svg"]):
        assert reverse("analytics:artifact_download", args=[web.pooled.pk, artifact.pk]) in body


def test_every_file_downloads_with_its_type_and_reads_back(client, web):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(web.coordinator)
    for artifact in web.pooled.artifacts.all():
        response = client.get(reverse("analytics:artifact_download", args=[web.pooled.pk, artifact.pk]))
        assert response.status_code == 200 and response["Content-Type"] == artifact.content_type
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline" if artifact.kind == "png" else "attachment"), disposition
        assert f"run{web.pooled.pk}-{artifact.filename}" in disposition
        content = _body(response)
        assert len(content) == artifact.size
        if artifact.kind == "pdf":
            assert len(PdfReader(io.BytesIO(content)).pages) > 1
        elif artifact.kind == "xlsx":
            assert load_workbook(io.BytesIO(content), read_only=True).sheetnames


def test_a_centers_files_name_no_other_center(client, web):
    """Binary files too: the XLSX cells and the PDF text of A's report carry no trace of B."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client.force_login(web.entry_a)
    for artifact in web.run_a.artifacts.filter(kind__in=["pdf", "xlsx", "csv", "svg"]):
        content = _body(client.get(reverse("analytics:artifact_download", args=[web.run_a.pk, artifact.pk])))
        if artifact.kind == "pdf":
            text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        elif artifact.kind == "xlsx":
            book = load_workbook(io.BytesIO(content), read_only=True)
            text = "\n".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
        else:
            text = content.decode()
        assert "B-CTR" not in text and "Center B" not in text and web.case_b.registry_id not in text, artifact


def test_the_data_manager_sees_failures_and_their_reasons_center_users_only_that_it_failed(client, web):
    failed = run_request(user=web.entry_a, filters=RunFilters(), settings=RunSettings(induction_window_days=3))
    run_fail(run_id=failed.pk, error="analytics.run_join: ValueError: the reason")
    client.force_login(web.manager)
    assert "the reason" in client.get(reverse("analytics:run_list")).content.decode()
    assert "the reason" in client.get(reverse("analytics:run_detail", args=[failed.pk])).content.decode()
    assert "the reason" in client.get(reverse("admin:analytics_analysisrun_change", args=[failed.pk])).content.decode()
    client.force_login(web.entry_a)
    body = client.get(reverse("analytics:run_detail", args=[failed.pk])).content.decode()
    assert "This run failed." in body and "the reason" not in body
    # A failed run has no report: its report page sends back to the run.
    response = client.get(reverse("analytics:run_report", args=[failed.pk]))
    assert response.status_code == 302


def test_per_center_parts_are_shown_to_registry_roles_only(client, web):
    client.force_login(web.coordinator)
    assert "Per-center parts" in client.get(reverse("analytics:run_detail", args=[web.run_a.pk])).content.decode()
    client.force_login(web.entry_a)
    body = client.get(reverse("analytics:run_detail", args=[web.run_a.pk])).content.decode()
    assert "Per-center parts" not in body and "B-CTR" not in body


def test_only_the_data_manager_reads_runs_in_the_admin_and_nobody_changes_them(client, web):
    url = reverse("admin:analytics_analysisrun_change", args=[web.pooled.pk])
    client.force_login(web.coordinator)
    assert client.get(url).status_code in (302, 403)
    client.force_login(web.manager)
    assert client.get(url).status_code == 200
    client.post(url, {"error": "edited"})
    web.pooled.refresh_from_db()
    assert web.pooled.error == ""
