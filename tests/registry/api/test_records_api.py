"""GET/POST /api/v1/cases/{registry_id}/records/{kind}/, GET/PATCH .../{record_id}/, POST .../{record_id}/archive/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from registry import models as m
from registry.api.cases.records import ONE_PER_CASE
from registry.api.idempotency import KEY_REUSED
from registry.services.records import NOT_ARCHIVABLE
from tests.factories import make_full_case
from tests.registry.api.conftest_cases import count_queries, record_url

pytestmark = pytest.mark.django_db


def _event(case, **extra) -> dict:
    day = case.diagnosis.diagnosis_date + timedelta(days=200)
    return {"kind": "relapse", "event_date": day.isoformat(), "relapse_site": "marrow", **extra}


def _etag(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    return response["ETag"]


# --- adding ---------------------------------------------------------------------------------------------------


def test_adding_an_event_answers_201_with_location_etag_and_the_record(api, people, case_a):
    response = api.entry_a.post(record_url(case_a, "events"), _event(case_a), format="json")
    assert response.status_code == 201, response.json()
    event = m.OutcomeEvent.objects.get(pk=response.json()["id"])
    assert (event.case, event.kind, event.relapse_site) == (case_a, "relapse", "marrow")
    assert response["Location"] == record_url(case_a, "events", event)
    assert response["ETag"] == '"1"'
    assert response.json()["event_date_day"] == 200
    row = event.history.get()
    assert row.history_user == people.entry_a and "via API token “tests”" in row.history_change_reason


def test_the_same_create_sent_twice_with_one_idempotency_key_makes_one_record(api, case_a):
    url = record_url(case_a, "events")
    first = api.entry_a.post(url, _event(case_a), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.entry_a.post(url, _event(case_a), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert m.OutcomeEvent.objects.filter(case=case_a, kind="relapse").count() == 1


def test_an_idempotency_key_reused_with_another_body_is_422_and_adds_nothing(api, case_a):
    url = record_url(case_a, "events")
    api.entry_a.post(url, _event(case_a), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    response = api.entry_a.post(url, _event(case_a, relapse_site="cns"), format="json", HTTP_IDEMPOTENCY_KEY="retry-2")
    assert response.status_code == 422 and response.json()["detail"] == KEY_REUSED
    assert m.OutcomeEvent.objects.filter(case=case_a, kind="relapse").count() == 1


def test_a_vocabulary_is_given_by_its_code(api, case_a):
    onset = (case_a.diagnosis.diagnosis_date + timedelta(days=5)).isoformat()
    body = {"event_type": "sepsis", "grade": 4, "onset_date": onset, "phase": "induction"}
    response = api.entry_a.post(record_url(case_a, "adverse-events") + "?labels=1", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["event_type"] == "sepsis"
    assert response.json()["event_type_label"] == str(m.AdverseEventType.objects.get(code="sepsis"))


# --- refusals: 400 with field errors, nothing written ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_date": "2020-02-31"}, "event_date"),
        ({"event_date": "soon"}, "event_date"),
        ({"kind": "resurrection"}, "kind"),
        ({"event_date": 20200301}, "event_date"),
    ],
)
def test_a_bad_date_or_choice_is_a_field_error_and_nothing_is_written(api, case_a, change, field):
    before = m.OutcomeEvent.objects.count()
    response = api.entry_a.post(record_url(case_a, "events"), _event(case_a, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert m.OutcomeEvent.objects.count() == before


def test_a_death_before_the_diagnosis_is_refused_by_the_entry_rules_under_its_date(api, case_a):
    before = case_a.diagnosis.diagnosis_date - timedelta(days=3)
    body = {"kind": "death", "event_date": before.isoformat(), "death_cause": "infection"}
    response = api.entry_a.post(record_url(case_a, "events"), body, format="json")
    assert response.status_code == 400
    dx = case_a.diagnosis.diagnosis_date
    expected = f"Event date {before} (new outcome event: Death) is before the diagnosis date {dx}."
    assert expected in response.json()["errors"]["event_date"]
    assert not m.OutcomeEvent.objects.filter(kind="death").exists()


def test_an_unknown_vocabulary_code_and_a_wrong_type_are_field_errors(api, case_a):
    onset = (case_a.diagnosis.diagnosis_date + timedelta(days=5)).isoformat()
    body = {"event_type": "no-such-toxicity", "grade": "three", "onset_date": onset, "phase": "induction"}
    response = api.entry_a.post(record_url(case_a, "adverse-events"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"event_type", "grade"}
    assert m.AdverseEvent.objects.filter(case=case_a).count() == 1


def test_a_grade_outside_ctcae_is_a_field_error(api, case_a):
    onset = (case_a.diagnosis.diagnosis_date + timedelta(days=5)).isoformat()
    body = {"event_type": "sepsis", "grade": 7, "onset_date": onset, "phase": "induction"}
    response = api.entry_a.post(record_url(case_a, "adverse-events"), body, format="json")
    assert response.status_code == 400 and "grade" in response.json()["errors"]


def test_a_second_diagnosis_or_baseline_panel_is_refused_in_words(api, case_a):
    body = {"diagnosis_date": "2020-02-10", "lineage": "ALL"}
    response = api.entry_a.post(record_url(case_a, "diagnosis"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"][0].startswith(ONE_PER_CASE.split("{")[0])
    panel = api.entry_a.post(record_url(case_a, "lab-panels"), {"timepoint": "baseline", "wbc": 12}, format="json")
    assert panel.status_code == 400
    assert panel.json()["errors"]["timepoint"] == [
        "This case already has a laboratory panel with this time point. Change that one instead of adding a second one."
    ]
    assert m.Diagnosis.objects.filter(case=case_a).count() == 1 and m.LabPanel.objects.filter(case=case_a).count() == 1


def test_an_unknown_kind_is_a_404(api, case_a):
    assert api.entry_a.get(record_url(case_a, "horoscopes")).status_code == 404


# --- who may write --------------------------------------------------------------------------------------------


def test_the_coordinator_adds_and_changes_no_record(api, case_a):
    assert api.coordinator.get(record_url(case_a, "events")).status_code == 200
    assert api.coordinator.post(record_url(case_a, "events"), _event(case_a), format="json").status_code == 403
    event = case_a.events.get()
    url = record_url(case_a, "events", event)
    assert api.coordinator.patch(url, {"kind": "death"}, format="json", HTTP_IF_MATCH='"1"').status_code == 403
    assert api.coordinator.post(url + "archive/", {}, format="json", HTTP_IF_MATCH='"1"').status_code == 403
    event.refresh_from_db()
    assert (event.kind, event.archived_at, case_a.events.count()) == ("cr", None, 1)


def test_a_locked_case_takes_no_new_record(api, case_a):
    api.lead_a.post(f"/api/v1/cases/{case_a.registry_id}/lock/", {}, format="json")
    response = api.entry_a.post(record_url(case_a, "events"), _event(case_a), format="json")
    assert response.status_code == 403
    # Refused for the lock before the input is looked at: nothing the client corrects could be saved.
    assert api.entry_a.post(record_url(case_a, "events"), {"kind": "?"}, format="json").status_code == 403
    assert case_a.events.count() == 1


def test_a_record_of_another_case_is_not_found_through_this_case(api, people, center_a, case_a):
    other = make_full_case(people.entry_a, center_a)
    event = other.events.get()
    assert api.entry_a.get(record_url(case_a, "events", event)).status_code == 404
    response = api.entry_a.patch(record_url(case_a, "events", event), {"note": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404
    assert m.OutcomeEvent.objects.get(pk=event.pk).note == ""


# --- changing: If-Match ---------------------------------------------------------------------------------------------


def test_a_record_change_without_if_match_is_428_and_changes_nothing(api, case_a):
    url = record_url(case_a, "follow-ups", case_a.follow_ups.get())
    response = api.entry_a.patch(url, {"note": "phone call"}, format="json")
    assert response.status_code == 428
    assert case_a.follow_ups.get().note == ""


def test_a_record_change_from_a_stale_version_is_412_and_changes_nothing(api, case_a):
    url = record_url(case_a, "follow-ups", case_a.follow_ups.get())
    stale = _etag(api.entry_a, url)
    assert api.lead_a.patch(url, {"note": "first"}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    response = api.entry_a.patch(url, {"note": "second"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "lead_a" in response.json()["detail"]
    assert case_a.follow_ups.get().note == "first"


def test_a_record_change_with_the_current_version_saves_and_gives_the_new_etag(api, case_a):
    url = record_url(case_a, "follow-ups", case_a.follow_ups.get())
    etag = _etag(api.entry_a, url)
    response = api.entry_a.patch(url, {"vital_status": "dead"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400  # dead needs a death event: an entry rule, on its field
    assert "vital_status" in response.json()["errors"]
    response = api.entry_a.patch(url, {"note": "phone call"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    follow_up = case_a.follow_ups.get()
    assert follow_up.note == "phone call" and response["ETag"] == f'"{follow_up.version}"' != etag


def test_a_lab_panels_time_point_is_not_changed_by_a_patch(api, case_a):
    panel = case_a.lab_panels.get()
    url = record_url(case_a, "lab-panels", panel)
    etag = _etag(api.entry_a, url)
    response = api.entry_a.patch(url, {"timepoint": "post_induction", "wbc": 300}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    panel.refresh_from_db()
    assert (panel.timepoint, panel.wbc) == ("baseline", 300)


# --- archiving ------------------------------------------------------------------------------------------------------


def test_archiving_a_record_needs_its_version_and_keeps_it_out_of_the_live_records(api, case_a):
    event = case_a.adverse_events.get()
    url = record_url(case_a, "adverse-events", event)
    etag = _etag(api.entry_a, url)
    assert api.entry_a.post(url + "archive/", {}, format="json").status_code == 428
    response = api.entry_a.post(url + "archive/", {"reason": "entered twice"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.archived_at is not None
    assert api.entry_a.get(url).status_code == 404
    assert api.entry_a.get(record_url(case_a, "adverse-events")).json()["results"] == []
    assert event.history.order_by("-history_id").first().history_change_reason.startswith("archived: entered twice")


def test_a_diagnosis_is_corrected_not_archived(api, case_a):
    url = record_url(case_a, "diagnosis", case_a.diagnosis)
    response = api.entry_a.post(url + "archive/", {}, format="json", HTTP_IF_MATCH=_etag(api.entry_a, url))
    assert response.status_code == 400
    assert NOT_ARCHIVABLE.format(what="diagnosis") in response.json()["errors"]["non_field_errors"]
    assert m.Diagnosis.objects.get(case=case_a).archived_at is None


# --- lists ------------------------------------------------------------------------------------------------------------


def test_a_record_list_takes_as_many_queries_for_eight_records_as_for_two(api, people, case_a):
    url = record_url(case_a, "adverse-events") + "?labels=1"
    api.entry_a.post(record_url(case_a, "adverse-events"), _adverse(case_a, 1), format="json")
    few, response = count_queries(lambda: api.entry_a.get(url))
    assert len(response.json()["results"]) == 2
    for day in range(2, 8):
        api.entry_a.post(record_url(case_a, "adverse-events"), _adverse(case_a, day), format="json")
    many, response = count_queries(lambda: api.entry_a.get(url))
    assert len(response.json()["results"]) == 8
    assert many == few


def _adverse(case, day: int) -> dict:
    onset = (case.diagnosis.diagnosis_date + timedelta(days=day)).isoformat()
    return {"event_type": "sepsis", "grade": 3, "onset_date": onset, "phase": "induction"}


def test_ids_beyond_what_the_database_holds_are_simply_not_found(api, case_a):
    assert api.entry_a.get(record_url(case_a, "events") + f"{2**63}/").status_code == 404
    assert api.entry_a.get("/api/v1/cases/ILR-%00/records/events/").status_code == 404
    assert api.entry_a.get("/api/v1/cases/", {"diagnosis_year": 10**12}).status_code == 400
