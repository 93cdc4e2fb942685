"""GET /api/v1/quality/findings/ and /findings/{finding_id}/: each reader sees what the findings page shows them.
A center's users read their own centers' findings with the messages; a coordinator reads every center's with the
rule's description instead of the message and timestamps to the month; another center's finding is a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quality.models import Finding
from quality.rules import RULES
from quality.rules.registry import today_rule_ids
from quality.services import registry_sweep
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

URL = "/api/v1/quality/findings/"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _of(center_code: str) -> set[int]:
    return set(
        Finding.objects.filter(case__center__code=center_code, resolved_at__isnull=True).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_a_centers_users_list_their_own_centers_findings_with_the_messages(api, world, who):
    response = getattr(api, who).get(URL)
    assert _ids(response) == _of("AAA") and _of("AAA")
    for row in response.json()["results"]:
        finding = Finding.objects.get(pk=row["id"])
        assert row["text"] == finding.message and row["case"] == world["case_a"].registry_id
        assert row["last_seen"] == finding.last_seen.isoformat().replace("+00:00", "Z")


def test_another_centers_user_sees_none_of_center_as_findings(api, world):
    assert _ids(api.entry_b.get(URL)) == _of("B-CTR")
    assert _ids(api.entry_b.get(URL, {"center": "AAA"})) == set()
    assert _ids(api.entry_b.get(URL, {"case": world["case_a"].registry_id})) == set()


def test_the_data_manager_lists_every_centers_findings_with_the_messages(api, world):
    response = api.manager.get(URL)
    assert _ids(response) == _of("AAA") | _of("B-CTR")
    assert all(row["text"] == Finding.objects.get(pk=row["id"]).message for row in response.json()["results"])


def test_a_coordinator_reads_rule_descriptions_and_months_never_messages(api, world):
    response = api.coordinator.get(URL)
    hidden = set(Finding.objects.filter(rule_id__in=today_rule_ids()).values_list("pk", flat=True))
    assert hidden, "the fixture cases should have a finding of a rule that reads today's date"
    assert _ids(response) == (_of("AAA") | _of("B-CTR")) - hidden
    body = response.content.decode()
    for finding in Finding.objects.all():
        assert finding.message not in body
    for row in response.json()["results"]:
        assert row["text"] == RULES[row["rule"]].description
        assert row["first_seen"] == row["last_seen"] == f"{timezone.localtime():%Y-%m}"


def test_a_duplicate_names_another_centers_registration_only_to_readers_who_may_see_it(api, world):
    duplicate = Finding.objects.get(case=world["case_a"], rule_id="DQ-DUP-002", resolved_at__isnull=True)
    url = f"{URL}{duplicate.pk}/"
    assert api.entry_a.get(url).json()["peers"] == []
    assert world["case_b"].registry_id not in api.entry_a.get(URL).content.decode()
    peer = {"registry_id": world["case_b"].registry_id, "center": "B-CTR"}
    assert api.manager.get(url).json()["peers"] == [peer]
    assert api.coordinator.get(url).json()["peers"] == [peer]


def test_anonymous_gets_401(api, world):
    assert api.anonymous.get(URL).status_code == 401
    assert api.anonymous.get(f"{URL}{Finding.objects.first().pk}/").status_code == 401


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_another_centers_finding_is_a_404(api, world, who):
    theirs = Finding.objects.filter(case=world["case_b"]).first()
    response = getattr(api, who).get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert world["case_b"].registry_id not in response.content.decode()


def test_a_finding_reads_alike_in_the_list_and_on_its_own(api, world):
    ours = Finding.objects.filter(case=world["case_a"]).first()
    for who in ("entry_a", "manager", "coordinator"):
        client = getattr(api, who)
        listed = [row for row in client.get(URL).json()["results"] if row["id"] == ours.pk]
        alone = client.get(f"{URL}{ours.pk}/")
        if not listed:  # a rule that reads today's date: the coordinator sees neither
            assert who == "coordinator" and alone.status_code == 404
            continue
        assert alone.status_code == 200 and alone.json() == listed[0]


def test_a_coordinator_gets_404_for_a_finding_of_a_rule_that_reads_today(api, world):
    dated = Finding.objects.filter(rule_id__in=today_rule_ids()).first()
    assert api.coordinator.get(f"{URL}{dated.pk}/").status_code == 404
    assert api.manager.get(f"{URL}{dated.pk}/").status_code == 200


def test_the_filters_narrow_the_list(api, world):
    finding = Finding.objects.filter(case=world["case_a"]).first()
    same_rule = set(
        Finding.objects.filter(rule_id=finding.rule_id, resolved_at__isnull=True).values_list("pk", flat=True)
    )
    assert _ids(api.manager.get(URL, {"rule": finding.rule_id})) == same_rule
    assert _ids(api.manager.get(URL, {"center": "B-CTR"})) == _of("B-CTR")
    assert _ids(api.manager.get(URL, {"case": world["case_a"].registry_id})) == _of("AAA")
    by_severity = set(Finding.objects.filter(severity=finding.severity).values_list("pk", flat=True))
    assert _ids(api.manager.get(URL, {"severity": finding.severity})) == by_severity
    assert _ids(api.manager.get(URL, {"stage": finding.stage})) == set(
        Finding.objects.filter(stage=finding.stage).values_list("pk", flat=True)
    )
    assert api.manager.get(URL, {"severity": "fatal"}).status_code == 400


def test_resolved_findings_come_only_when_asked(api, world):
    finding = Finding.objects.filter(case=world["case_a"]).first()
    Finding.objects.filter(pk=finding.pk).update(resolved_at=timezone.now())
    assert finding.pk not in _ids(api.entry_a.get(URL))
    assert _ids(api.entry_a.get(URL, {"status": "resolved"})) == {finding.pk}
    assert finding.pk in _ids(api.entry_a.get(URL, {"status": "all"}))
    row = api.entry_a.get(f"{URL}{finding.pk}/").json()
    assert row["is_open"] is False and row["resolved_at"] is not None


def test_modified_since_gives_findings_seen_or_resolved_since(api, world):
    now = timezone.now()
    old = Finding.objects.filter(case=world["case_a"]).first()
    Finding.objects.filter(case=world["case_a"]).update(last_seen=now - timedelta(days=400))
    Finding.objects.filter(pk=old.pk).update(resolved_at=now)
    since = (now - timedelta(minutes=1)).isoformat()
    assert _ids(api.entry_a.get(URL, {"modified_since": since, "status": "all"})) == {old.pk}
    assert _ids(api.manager.get(URL, {"modified_since": since, "center": "B-CTR"})) == _of("B-CTR")


def test_a_coordinators_modified_since_compares_by_month(api, world):
    """Narrowing modified_since minute by minute must not date a row more exactly than the month."""
    later = timezone.now() + timedelta(minutes=2)
    if later.month != timezone.now().month:
        pytest.skip("the month turns within two minutes")
    assert _ids(api.manager.get(URL, {"modified_since": later.isoformat()})) == set()
    assert _ids(api.coordinator.get(URL, {"modified_since": later.isoformat()})) == _ids(api.coordinator.get(URL))


def test_labels_come_with_labels_1(api, world):
    [row, *_] = api.entry_a.get(URL, {"labels": "1"}).json()["results"]
    finding = Finding.objects.get(pk=row["id"])
    assert row["severity_label"] == finding.get_severity_display()
    assert row["stage_label"] == finding.get_stage_display()
    assert "severity_label" not in api.entry_a.get(URL).json()["results"][0]


def _count_queries(client) -> int:
    client.get(URL)  # the token's first use of the day is recorded once: not part of the count
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"labels": "1"}).status_code == 200
    return len(captured)


def test_the_list_takes_as_many_queries_for_more_findings(api, people, center_a, center_b):
    make_full_case(people.entry_a, center_a)
    make_full_case(people.entry_b, center_b)
    registry_sweep()
    few = {who: _count_queries(getattr(api, who)) for who in ("entry_a", "coordinator", "manager")}
    for n in range(4):
        make_full_case(people.entry_a, center_a, birth=timezone.localdate().replace(year=2019) - timedelta(days=n))
        make_full_case(people.entry_b, center_b, birth=timezone.localdate().replace(year=2018) - timedelta(days=n))
    registry_sweep()
    assert Finding.objects.count() > 10
    assert {who: _count_queries(getattr(api, who)) for who in few} == few
