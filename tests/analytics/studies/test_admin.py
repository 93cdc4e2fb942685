"""Plans in the admin: read by the operator (a superuser) only, changed and deleted by nobody."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.urls import reverse

from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.services import plan_create, plan_register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(people, spec):
    return plan_register(user=people.coordinator, version=plan_create(user=people.coordinator, spec=spec))


def _pages(version):
    plan = version.plan
    history_id = version.history.earliest("history_date").history_id
    return [
        reverse("admin:studies_analysisplan_changelist"),
        reverse("admin:studies_analysisplan_change", args=[plan.pk]),
        reverse("admin:studies_analysisplan_history", args=[plan.pk]),
        reverse("admin:studies_planversion_changelist"),
        reverse("admin:studies_planversion_change", args=[version.pk]),
        reverse("admin:studies_planversion_simple_history", args=[version.pk, history_id]),
    ]


def test_the_operator_reads_plans_and_versions(client, registered):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in _pages(registered):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:studies_analysisplan_add")).status_code == 403
    assert client.get(reverse("admin:studies_analysisplan_delete", args=[registered.plan_id])).status_code == 403


def test_the_data_manager_with_staff_status_does_not_see_plans_in_the_admin(client, people, registered):
    client.force_login(people.manager)
    for url in _pages(registered):
        assert client.get(url).status_code in (302, 403), url
    assert b"studies" not in client.get(reverse("admin:index")).content


def test_no_post_to_the_admin_changes_or_deletes_a_plan(client, people, spec, registered):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    before = (list(AnalysisPlan.objects.values()), list(PlanVersion.objects.values()), PlanVersion.history.count())
    changed = replace(spec, name="rewritten").as_dict()
    history_id = registered.history.earliest("history_date").history_id
    for url, data in [
        (reverse("admin:studies_planversion_change", args=[registered.pk]), {"spec": str(changed), "number": 1}),
        (reverse("admin:studies_planversion_delete", args=[registered.pk]), {"post": "yes"}),
        (reverse("admin:studies_analysisplan_delete", args=[registered.plan_id]), {"post": "yes"}),
        (reverse("admin:studies_planversion_simple_history", args=[registered.pk, history_id]), {"number": 1}),
        (
            reverse("admin:studies_analysisplan_changelist"),
            {"action": "delete_selected", "_selected_action": [registered.plan_id], "post": "yes"},
        ),
    ]:
        assert client.post(url, data).status_code < 500, url
    after = (list(AnalysisPlan.objects.values()), list(PlanVersion.objects.values()), PlanVersion.history.count())
    assert before == after
