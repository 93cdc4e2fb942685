"""GET /api/v1/cases/archived/: an incremental pull learns which cases were archived, and only its own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.services.cases import case_archive, case_restore

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/archived/"


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["registry_id"] for row in response.json()["results"]]


def test_an_archived_case_leaves_the_list_and_shows_here_to_its_center(api, people, case_a, case_b):
    before = timezone.now() - timedelta(seconds=1)
    case_archive(user=people.entry_a, case=case_a, reason="registered twice")
    assert case_a.registry_id not in _ids(api.entry_a.get("/api/v1/cases/"))
    row = api.entry_a.get(URL).json()["results"][0]
    assert row["registry_id"] == case_a.registry_id and row["center"] == "AAA"
    assert row["archived_at"].startswith(timezone.now().strftime("%Y-%m-%d"))
    assert _ids(api.entry_a.get(URL, {"modified_since": before.isoformat()})) == [case_a.registry_id]
    assert _ids(api.entry_a.get(URL, {"modified_since": (timezone.now() + timedelta(minutes=1)).isoformat()})) == []


def test_another_centers_archived_case_is_not_listed(api, people, case_a, case_b):
    case_archive(user=people.entry_a, case=case_a, reason="registered twice")
    assert _ids(api.entry_b.get(URL)) == []
    assert _ids(api.manager.get(URL)) == [case_a.registry_id]


def test_the_coordinator_sees_when_to_the_month_only(api, people, case_a):
    case_archive(user=people.entry_a, case=case_a, reason="registered twice")
    row = api.coordinator.get(URL).json()["results"][0]
    assert row["archived_at"] == timezone.localtime(timezone.now()).strftime("%Y-%m")
    # A moment inside this month finds it (from the month's start): no bisecting the moment it was archived.
    later = (timezone.now() + timedelta(seconds=30)).isoformat()
    assert _ids(api.coordinator.get(URL, {"modified_since": later})) == [case_a.registry_id]
    assert _ids(api.entry_a.get(URL, {"modified_since": later})) == []


def test_a_restored_case_leaves_this_list_and_comes_back_to_the_pull(api, people, case_a):
    case_archive(user=people.entry_a, case=case_a, reason="by mistake")
    since = timezone.now()
    case_restore(user=people.manager, case=case_a, reason="archived by mistake")
    assert _ids(api.entry_a.get(URL)) == []
    assert case_a.registry_id in _ids(api.entry_a.get("/api/v1/cases/", {"modified_since": since.isoformat()}))
