"""The data manager's dashboard: per center, per rule, the trend from the nightly snapshots."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quality.models import QualitySnapshot
from quality.services import registry_sweep
from registry import models as m
from tests.factories import save

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_centers_rules_and_the_trend(client, people, case_a, case_b):
    registry_sweep(now=timezone.now() - timedelta(days=1))
    save(people.entry_a, case_a, m.FollowUp(case=case_a, contact_date=timezone.localdate(), vital_status="alive"))
    registry_sweep()
    assert QualitySnapshot.objects.count() == 4
    client.force_login(people.manager)
    response = client.get(reverse("quality:dashboard"))
    rows = {row.code: row for row in response.context["rows"]}
    assert rows["AAA"].follow_up_pct == 100.0 and rows["B-CTR"].follow_up_pct == 0.0
    assert [row["follow_up_pct"] for row in response.context["trend"]] == [0.0, 50.0]
    overdue = next(r for r in response.context["rules"] if r.rule.id == "DQ-FU-001")
    assert (overdue.findings, overdue.cases, overdue.by_center) == (1, 1, [0, 1])
    body = response.content.decode()
    assert str(timezone.localdate()) in body and "Follow-up (living, seen in 12 months)" in body
