"""GET /api/v1/quality/summary/: the dashboard's counts per center and per rule, as the dashboard shows them to
each reader. A coordinator gets counts and the rules' descriptions (no finding's message) and no follow-up
completeness where they have no exact dates; a center's user gets only their own center."""

from __future__ import annotations

import pytest

from quality.models import Finding
from quality.rules import RULES
from quality.rules.registry import today_rule_ids

pytestmark = pytest.mark.django_db

URL = "/api/v1/quality/summary/"


def _centers(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["center"]: row for row in response.json()["centers"]}


def _open(**filters) -> int:
    return Finding.objects.filter(resolved_at__isnull=True, **filters).count()


def test_the_data_manager_sees_every_center_with_its_counts(api, world):
    centers = _centers(api.manager.get(URL))
    assert set(centers) == {"AAA", "B-CTR"}
    a = centers["AAA"]
    assert a["cases"] == 1 and a["open_queries"] == 1
    assert a["open_warnings"] == _open(case__center__code="AAA", severity="warning")
    assert a["follow_up"] is not None and a["follow_up"]["living"] == 1


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_a_centers_user_sees_only_their_center(api, world, who):
    response = getattr(api, who).get(URL)
    assert set(_centers(response)) == {"AAA"}
    for rule in response.json()["rules"]:
        assert [count["center"] for count in rule["by_center"]] == ["AAA"]


def test_a_coordinator_gets_counts_without_dated_findings_or_follow_up(api, world):
    response = api.coordinator.get(URL)
    centers = _centers(response)
    assert set(centers) == {"AAA", "B-CTR"}
    assert all(row["follow_up"] is None for row in centers.values())
    hidden = today_rule_ids()
    rules = {row["rule"]: row for row in response.json()["rules"]}
    assert set(rules) == set(RULES)
    for rule_id in hidden:
        assert rules[rule_id]["findings"] == 0
    shown = [rule_id for rule_id in rules if rule_id not in hidden and _open(rule_id=rule_id)]
    assert shown and all(rules[r]["findings"] == _open(rule_id=r) for r in shown)
    assert all(rules[r]["description"] == RULES[r].description for r in rules)
    body = response.content.decode()
    assert all(finding.message not in body for finding in Finding.objects.all())


def test_anonymous_gets_401(api, world):
    assert api.anonymous.get(URL).status_code == 401
