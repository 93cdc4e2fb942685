"""Seed 000's claims, run the way a coordinator runs them: its cohort entered through the services, the shipped
plan started from the plan's page, executed by the (eager) workers, and read back from the run's report, the
plan's JSON document and the plan page.

The headline: toxicity vs relapse or death gives OR 7.20 (Woolf 0.70-73.53) and uncorrected chi-square
p = 0.0649 from the cohort's own records; the claims whose published figure the paper's counts cannot give say
so beside the registry's result.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from analytics.runs.models import AnalysisRun, RunArtifact, RunPlan
from analytics.runs.options import RunSettings
from analytics.runs.reporting import plan_file_name
from analytics.studies.builtin import install_builtin_plans
from analytics.studies.models import AnalysisPlan
from registry.choices import Role
from tests.analytics.fixtures import media_root  # noqa: F401  (autouse: run files in a temporary folder)
from tests.analytics.plans.seed000 import build_seed000_cohort
from tests.factories import CenterFactory, member

pytestmark = pytest.mark.django_db

SLUG = "seed-000-almaty"


@pytest.fixture
def seed000_run(client):
    install_builtin_plans()  # a no-op when post_migrate installed them already
    center = CenterFactory(code="ALA", name="Almaty", city="Almaty", country="Kazakhstan")
    entry = member("ala_entry", Role.DATA_ENTRY, center)
    build_seed000_cohort(center, entry)
    coordinator = member("coord", Role.COORDINATOR)
    plan = AnalysisPlan.objects.get(slug=SLUG)
    client.force_login(coordinator)
    response = client.post(reverse("studies:plan_run", args=[plan.pk]))
    assert response.status_code == 302
    run = AnalysisRun.objects.order_by("-pk").first()
    assert response["Location"] == reverse("analytics:run_detail", args=[run.pk])
    return run, plan, client


def _analysis(results: dict, key: str) -> dict:
    return next(a for a in results["analyses"] if a["key"] == key)


def _effect(analysis: dict, kind: str) -> dict:
    return next(e for e in analysis["effects"] if e["kind"] == kind)


def test_the_toxicity_plan_gives_the_papers_odds_ratio_and_chi_square_p_exactly(seed000_run):
    run, plan, _ = seed000_run
    assert run.status == AnalysisRun.Status.DONE, run.error
    row = RunPlan.objects.get(run=run)
    assert row.version == plan.latest_version() and row.version.is_registered
    analysis = _analysis(row.results, "toxicity-relapse-death")
    assert analysis["message"] is None
    odds = _effect(analysis, "odds_ratio")
    assert round(odds["estimate"], 2) == 7.20
    assert (round(odds["lower"], 2), round(odds["upper"], 2)) == (0.70, 73.53)
    chosen = next(t for t in analysis["tests"] if t["chosen"])
    assert "chi" in chosen["name"].lower() and round(chosen["p"], 4) == 0.0649
    groups = {g["label"]: (g["events"], g["n"]) for g in analysis["groups"]}
    assert sorted(groups.values()) == [(1, 19), (4, 14)]
    assert analysis["verdict"]["word"] in ("consistent", "too few cases to tell")
    assert analysis["claim"]["values"]["estimate"] == pytest.approx(7.2)


def test_the_claims_the_papers_counts_cannot_give_say_so_beside_the_result(seed000_run):
    run, _, client = seed000_run
    row = RunPlan.objects.get(run=run)
    cr = _analysis(row.results, "cr-by-risk")
    # What the cohort's records give, not what the paper printed: 7/8 favorable and 4/7 unfavorable in CR.
    assert {g["label"]: (g["events"], g["n"]) for g in cr["groups"]}.values() >= {(7, 8), (4, 7)}
    assert "8 and 7" in cr["claim"]["not_recomputable"] or "11/12" in cr["claim"]["not_recomputable"]
    assert cr["verdict"]["word"] in ("consistent", "contradicted", "too few cases to tell")
    page = client.get(reverse("analytics:run_report", args=[run.pk])).content.decode()
    assert "11/12" in page  # the arithmetic of the not-recomputable figure is on the report page
    assert "7.20" in page and "0.0649" in page.replace("0.065", "0.0649") or "7.20" in page


def test_the_plans_json_document_and_the_plan_page_show_the_run(seed000_run):
    run, plan, client = seed000_run
    version = plan.latest_version()
    name = plan_file_name({"plan_id": plan.pk, "number": version.number, "version_id": version.pk})
    artifact = RunArtifact.objects.get(run=run, kind=RunArtifact.Kind.JSON, name=name)
    response = client.get(reverse("analytics:artifact_download", args=[run.pk, artifact.pk]))
    document = json.loads(b"".join(response.streaming_content))
    assert document["plan"]["version"] == version.number
    assert round(_effect(_analysis(document, "toxicity-relapse-death"), "odds_ratio")["estimate"], 2) == 7.20
    page = client.get(reverse("studies:plan_detail", args=[plan.pk])).content.decode()
    assert f'href="{reverse("analytics:run_detail", args=[run.pk])}"' in page
    assert "JSON" in page


def test_the_run_records_the_version_and_spec_it_executed(seed000_run):
    run, plan, _ = seed000_run
    carried = RunSettings.from_dict(run.settings).plans
    version = plan.latest_version()
    assert [p["version_id"] for p in carried] == [version.pk]
    assert carried[0]["spec"] == version.spec == RunPlan.objects.get(run=run).spec
