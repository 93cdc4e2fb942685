"""A coordinator (pseudonymized reader) cannot recover a child's date of birth from anything the cases API gives
them: the attack of tests/registry/views/test_reidentification.py (date of birth = a visible date - a visible
number of days), played over every case route, every record kind, the audit trail, and the list's pages and
cursors. Dates count from every response; integers where they are about the case (its own routes, its object in
a list)."""

# ruff: noqa: F811 (pytest fixtures imported from the pages' test are parameters here)
from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from registry import models as m
from registry.api.cases.kinds import KINDS
from tests.registry.test_presentation import TYPED_DATES
from tests.registry.views.test_reidentification import (  # noqa: F401 (the fixture)
    BIRTHS,
    cases,
    recoverable,
    visible_dates,
    visible_integers,
)

pytestmark = pytest.mark.django_db


class Seen:
    def __init__(self):
        self.dates, self.about, self.texts = set(), {}, []

    def add(self, text: str, registry_id: str | None = None):
        self.texts.append(text)
        self.dates |= visible_dates(text)
        if registry_id:
            self.about.setdefault(registry_id, []).append(text)


def _cursor_text(url: str | None) -> str:
    """What a page link's cursor carries (base64 of the position), decoded: a reader can decode it too."""
    if not url:
        return ""
    cursor = parse_qs(urlparse(url).query).get("cursor", [""])[0]
    return base64.b64decode(cursor + "===").decode(errors="replace") if cursor else ""


def look_at_everything(client, cases) -> Seen:
    seen = Seen()
    for params in ("", "?expand=records&labels=1&page_size=1", "?labels=1"):
        url = "/api/v1/cases/" + params
        while url:
            response = client.get(url)
            assert response.status_code == 200, (url, response.content)
            body = response.json()
            for row in body["results"]:
                seen.add(json.dumps(row), row["registry_id"])
            seen.add(_cursor_text(body["next"]) + _cursor_text(body["previous"]))
            url = body["next"]
    for case in cases:
        rid = case.registry_id
        base = f"/api/v1/cases/{rid}/"
        for url in (base + "?labels=1", base + "audit/"):
            response = client.get(url)
            assert response.status_code == 200, url
            seen.add(response.content.decode(), rid)
        for slug in KINDS:
            response = client.get(f"{base}records/{slug}/?labels=1")
            assert response.status_code == 200, slug
            seen.add(response.content.decode(), rid)
            for record in response.json()["results"]:
                detail = client.get(f"{base}records/{slug}/{record['id']}/?labels=1")
                seen.add(detail.content.decode() + detail.get("ETag", ""), rid)
    return seen


def test_the_attack_finds_a_birth_date_when_a_date_is_shown_beside_the_age():
    seen = Seen()
    seen.add(json.dumps({"diagnosis_date": "2020-02-10", "birth_date_day": -40}), "ILR-X")
    integers = visible_integers(" ".join(seen.about["ILR-X"]))
    assert recoverable(BIRTHS[0], seen.dates, integers) == ["2020-02-10 - 40 days"]


def test_a_coordinator_cannot_recover_any_date_of_birth_from_the_cases_api(api, cases):
    seen = look_at_everything(api.coordinator, cases)
    leaks = {}
    for case in cases:
        integers = visible_integers(" ".join(seen.about[case.registry_id]))
        assert 40 in integers  # the age in days is there: the attack has its numbers
        ways = recoverable(case.birth_date, seen.dates, integers)
        if ways:
            leaks[case.registry_id] = ways
    assert not leaks, f"date of birth recoverable: {leaks}"
    everything = " ".join(seen.texts)
    for typed in (*TYPED_DATES, "Ivanova", "H-998877"):
        assert typed not in everything
    assert cases[0].hospital_number_hash not in everything


def test_the_coordinator_gets_offsets_and_the_diagnosis_month_where_the_centers_users_get_dates(api, cases):
    case = cases[0]
    mine = api.entry_a.get(f"/api/v1/cases/{case.registry_id}/").json()
    theirs = api.coordinator.get(f"/api/v1/cases/{case.registry_id}/").json()
    assert mine["birth_date"] == case.birth_date.isoformat() and theirs["birth_date"] is None
    assert mine["birth_date_day"] == theirs["birth_date_day"] == -39  # the diagnosis date was moved a day back
    assert mine["hospital_number_hash"] and theirs["hospital_number_hash"] is None
    follow_up = theirs["records"]["follow-ups"][0]
    assert follow_up["contact_date"] is None and follow_up["contact_date_day"] == 401 and follow_up["note"] is None
    assert theirs["records"]["diagnosis"][0]["diagnosis_date"] is None
    assert theirs["diagnosis_month"] == theirs["records"]["diagnosis"][0]["diagnosis_month"] == "2020-02"
    assert len(theirs["updated_at"]) == 7 and len(mine["updated_at"]) > 7


def test_modified_since_counts_from_the_start_of_the_month_for_the_coordinator(api, cases):
    """Else bisecting modified_since would give the moment a record was saved (often the day it happened)."""
    now = timezone.now()
    early_in_month = now.replace(day=1, hour=0, minute=0, second=1, microsecond=0)
    since = now.replace(minute=0, second=0, microsecond=0)
    if since <= early_in_month:
        pytest.skip("too early in the month to tell the moment from its month")
    m.Case.objects.update(updated_at=early_in_month)
    for model in m.CASE_RECORD_MODELS:
        model.objects.update(updated_at=early_in_month)
    assert api.manager.get("/api/v1/cases/", {"modified_since": since.isoformat()}).json()["results"] == []
    found = api.coordinator.get("/api/v1/cases/", {"modified_since": since.isoformat()}).json()["results"]
    assert len(found) == len(cases)
