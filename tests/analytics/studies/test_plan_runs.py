"""Plans meet runs: the nightly run executes the latest registered version of every plan not archived (never a
draft), "Run now" queues a pooled run carrying the version's spec, a center's report cannot carry plans, and the
check page names the data's problems before anything runs."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from analytics.plans.spec import Group
from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request, run_request_scheduled
from analytics.studies import services
from analytics.studies.models import AnalysisPlan
from analytics.studies.selectors import plan_ref, registered_plan_refs
from tests.analytics.studies.conftest import make_spec
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db


def _shipped() -> set[int]:
    return {p.pk for p in AnalysisPlan.objects.filter(slug__isnull=False)}


def test_the_nightly_run_carries_the_latest_registered_version_of_each_plan_and_no_draft(people):
    coordinator = people.coordinator
    first = services.plan_create(user=coordinator, spec=make_spec("Registered"))
    first = services.plan_register(user=coordinator, version=first)
    services.plan_update(
        user=coordinator, plan=first.plan, spec=make_spec("Registered, edited"), expected_version=first.plan.revision
    )  # version 2, a draft: the nightly run keeps executing version 1
    services.plan_create(user=coordinator, spec=make_spec("Never registered"))
    archived = services.plan_register(
        user=coordinator, version=services.plan_create(user=coordinator, spec=make_spec("Old"))
    )
    services.plan_archive(user=coordinator, plan=archived.plan)

    refs = [r for r in registered_plan_refs() if r["plan_id"] not in _shipped()]
    assert [(r["plan_id"], r["number"], r["spec"]["name"]) for r in refs] == [(first.plan_id, 1, "Registered")]

    run = run_request_scheduled()
    carried = RunSettings.from_dict(run.settings).plans
    assert [p["version_id"] for p in carried if p["plan_id"] not in _shipped()] == [first.pk]
    assert all(p["registered"] for p in carried)


def test_run_now_queues_a_pooled_run_carrying_the_versions_spec(client, people, django_capture_on_commit_callbacks):
    version = services.plan_create(user=people.coordinator, spec=make_spec())
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(
        execute=False
    ):  # queued, not executed: the workers' part is tested elsewhere
        response = client.post(reverse("studies:plan_run", args=[version.plan_id]))
    run = AnalysisRun.objects.get()
    assert response["Location"] == reverse("analytics:run_detail", args=[run.pk])
    assert run.scope_center_id is None and run.requested_by == people.coordinator
    assert RunSettings.from_dict(run.settings).plans == (plan_ref(version),)


def test_a_centers_report_cannot_carry_a_plan(people):
    version = services.plan_create(user=people.coordinator, spec=make_spec())
    with pytest.raises(ValidationError) as exc:
        run_request(user=people.entry_a, filters=RunFilters(), settings=RunSettings(plans=(plan_ref(version),)))
    assert "pooled data" in " ".join(exc.value.messages)
    assert not AnalysisRun.objects.exists()


def test_the_check_page_names_a_level_no_case_has_and_the_rule_of_ten(client, people, center_a):
    make_full_case(people.entry_a, center_a)
    spec = make_spec(conditions=())
    analysis = replace(
        spec.analyses[0], groups=(Group("favorable", ("favorable",)), Group("nonsense", ("no-such-level",)))
    )
    version = services.plan_create(user=people.coordinator, spec=replace(spec, analyses=(analysis,)))
    client.force_login(people.manager)
    page = client.get(reverse("studies:version_check", args=[version.plan_id, 1])).content.decode()
    assert "no-such-level" in page and "no case" in page
    assert "you may read today" in page


def test_the_check_page_is_a_404_for_a_center_user(client, people):
    version = services.plan_create(user=people.coordinator, spec=make_spec())
    client.force_login(people.entry_a)
    assert client.get(reverse("studies:version_check", args=[version.plan_id, 1])).status_code == 404


def test_a_plan_with_hostile_text_runs_and_its_section_is_escaped(client, people, center_a, settings, tmp_path):
    from tests.canvas import run_canvas

    settings.MEDIA_ROOT = tmp_path
    make_full_case(people.entry_a, center_a)
    hostile = '<script>alert(1)</script> & <b>bold</b> "quoted" =HYPERLINK("x")'
    version = services.plan_create(user=people.coordinator, spec=make_spec(hostile, question=hostile, conditions=()))
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings(plans=(plan_ref(version),)))
    run_canvas(run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error  # the PDF and XLSX took the text as text
    client.force_login(people.coordinator)
    page = client.get(reverse("analytics:run_report", args=[run.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert {a.kind for a in run.artifacts.all()} >= {"pdf", "xlsx", "json"}


def test_the_run_page_names_the_plan_versions_it_executes_not_their_specs(
    client, people, django_capture_on_commit_callbacks
):
    version = services.plan_create(user=people.coordinator, spec=make_spec("Named plan"))
    client.force_login(people.coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("studies:plan_run", args=[version.plan_id]))
    run = AnalysisRun.objects.get()
    page = client.get(reverse("analytics:run_detail", args=[run.pk])).content.decode()
    assert reverse("studies:version_detail", args=[version.plan_id, 1]) in page
    assert "Named plan, version 1</a> (a draft when the run was asked for)" in page
    assert "analyses&#x27;: [" not in page and "'analyses': [" not in page  # no spec dumped as a Python literal
