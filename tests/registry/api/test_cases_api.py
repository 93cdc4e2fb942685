"""GET/POST /api/v1/cases/, GET/PATCH /api/v1/cases/{registry_id}/, lock, unlock, archive, audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from registry import models as m
from registry.api.cases.filters import ORDERING_HIDDEN
from registry.selectors import case_derived
from registry.services.cases import NOT_A_LEAD, REGISTERED_AT_CENTER
from registry.services.records import RecordChange, records_save
from tests.factories import make_case, make_full_case, save
from tests.registry.api.conftest_cases import case_url, count_queries

pytestmark = pytest.mark.django_db

NEW_CASE = {"center": "AAA", "hospital_number": "H-777", "sex": "F", "birth_date": "2024-02-01"}


def ids(response) -> set[str]:
    return {row["registry_id"] for row in response.json()["results"]}


# --- reading ------------------------------------------------------------------------------------------------


def test_a_center_user_lists_only_their_centers_cases(api, case_a, case_b):
    response = api.entry_a.get("/api/v1/cases/")
    assert response.status_code == 200
    assert ids(response) == {case_a.registry_id}


def test_the_coordinator_and_the_data_manager_list_every_center(api, case_a, case_b):
    assert ids(api.coordinator.get("/api/v1/cases/")) == {case_a.registry_id, case_b.registry_id}
    assert ids(api.manager.get("/api/v1/cases/")) == {case_a.registry_id, case_b.registry_id}


def test_a_case_read_gives_its_records_by_kind_its_derived_endpoints_and_its_version_as_etag(api, case_a):
    response = api.entry_a.get(case_url(case_a))
    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'"{case_a.version}"'
    assert body["birth_date"] == "2020-01-01" and body["birth_date_day"] == -40
    assert body["diagnosis_month"] == "2020-02"
    assert [d["diagnosis_date"] for d in body["records"]["diagnosis"]] == ["2020-02-10"]
    assert body["records"]["treatment"][0]["protocol"] == "INTERFANT-06"
    assert body["records"]["findings"][0]["abnormality"] == "t(4;11)"
    assert len(body["records"]["follow-ups"]) == 1
    assert body["derived"]["age_days"] == 40


def test_a_case_reads_derived_endpoints_equal_to_the_case_pages_for_every_kind_of_record(api, people, center_a):
    # The API derives from the records it loaded for the response; the case page reads them again: same answer.
    case = make_full_case(people.entry_a, center_a)
    save(
        people.entry_a,
        case,
        m.OutcomeEvent(case=case, kind="relapse", event_date=date(2020, 9, 1), relapse_site="marrow"),
    )
    # An earlier relapse entered by mistake and archived: it must not date the EFS event.
    [archived] = save(
        people.entry_a, case, m.OutcomeEvent(case=case, kind="relapse", event_date=date(2020, 6, 1), relapse_site="cns")
    )
    records_save(user=people.entry_a, case=case, changes=[RecordChange(archived, archived.version, archive=True)])
    expected = case_derived(m.Case.objects.get(pk=case.pk)).as_row()
    body = api.entry_a.get(case_url(case)).json()
    assert body["derived"] == json.loads(json.dumps(expected, default=str))
    assert (
        body["derived"]["efs_event"] == 1 and body["derived"]["efs_time"] == (date(2020, 9, 1) - date(2020, 2, 10)).days
    )


def test_labels_come_with_codes_only_when_asked(api, case_a):
    plain = api.entry_a.get(case_url(case_a)).json()
    labelled = api.entry_a.get(case_url(case_a) + "?labels=1").json()
    assert "sex_label" not in plain
    assert labelled["sex"] == "M" and labelled["sex_label"] == "Male"
    finding = labelled["records"]["findings"][0]
    assert finding["abnormality_label"] == str(m.Abnormality.objects.get(code="t(4;11)"))


@pytest.mark.parametrize("who", ["entry_b"])
def test_another_centers_case_is_a_404_on_every_route_like_an_unknown_id(api, case_a, who):
    client = getattr(api, who)
    diagnosis = case_a.diagnosis
    routes = [
        ("get", case_url(case_a)),
        ("patch", case_url(case_a)),
        ("get", case_url(case_a, "audit/")),
        ("post", case_url(case_a, "lock/")),
        ("post", case_url(case_a, "unlock/")),
        ("post", case_url(case_a, "archive/")),
        ("get", case_url(case_a, "records/events/")),
        ("post", case_url(case_a, "records/events/")),
        ("get", case_url(case_a, f"records/diagnosis/{diagnosis.pk}/")),
        ("patch", case_url(case_a, f"records/diagnosis/{diagnosis.pk}/")),
        ("post", case_url(case_a, f"records/diagnosis/{diagnosis.pk}/archive/")),
    ]
    unknown = api.entry_a.get("/api/v1/cases/ILR-NOPE/").json()
    for method, url in routes:
        response = getattr(client, method)(url, {"reason": "x"}, format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 404, (method, url)
        assert response.json() == unknown
    assert m.Case.objects.get(pk=case_a.pk).version == case_a.version


# --- registering ----------------------------------------------------------------------------------------------


def test_registering_a_case_answers_201_with_its_location_and_etag(api, center_a, people):
    response = api.entry_a.post("/api/v1/cases/", NEW_CASE, format="json")
    assert response.status_code == 201, response.json()
    case = m.Case.objects.get(registry_id=response.json()["registry_id"])
    assert case.center == center_a and case.birth_date == date(2024, 2, 1) and case.created_by == people.entry_a
    assert response["Location"] == case_url(case)
    assert response["ETag"] == '"1"'


def test_a_hospital_number_registered_twice_at_a_center_is_refused_under_hospital_number(api, case_a):
    first = api.entry_a.post("/api/v1/cases/", NEW_CASE, format="json").json()
    response = api.entry_a.post("/api/v1/cases/", {**NEW_CASE, "birth_date": "2024-03-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["hospital_number"] == [
        REGISTERED_AT_CENTER.format(registry_id=first["registry_id"])
    ]
    assert m.Case.objects.count() == 2


def test_a_case_is_not_registered_at_a_center_the_user_does_not_enter_data_for(api, center_b):
    response = api.entry_a.post("/api/v1/cases/", {**NEW_CASE, "center": "B-CTR"}, format="json")
    assert response.status_code == 400
    assert "center" in response.json()["errors"]
    assert not m.Case.objects.exists()


def test_the_coordinator_registers_nothing(api, center_a):
    response = api.coordinator.post("/api/v1/cases/", NEW_CASE, format="json")
    assert response.status_code == 403
    assert not m.Case.objects.exists()


def test_a_birth_date_in_the_future_is_a_field_error(api, center_a):
    future = (date.today() + timedelta(days=30)).isoformat()
    response = api.entry_a.post("/api/v1/cases/", {**NEW_CASE, "birth_date": future}, format="json")
    assert response.status_code == 400
    assert "birth_date" in response.json()["errors"]
    assert not m.Case.objects.exists()


def test_registering_with_the_same_idempotency_key_twice_makes_one_case(api, center_a):
    first = api.entry_a.post("/api/v1/cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.entry_a.post("/api/v1/cases/", NEW_CASE, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert m.Case.objects.count() == 1


# --- changing --------------------------------------------------------------------------------------------------


def test_a_case_change_without_if_match_is_428_and_changes_nothing(api, case_a):
    response = api.entry_a.patch(case_url(case_a), {"sex": "F"}, format="json")
    assert response.status_code == 428
    assert m.Case.objects.get(pk=case_a.pk).sex == "M"


def test_a_case_change_from_a_stale_version_is_412_naming_who_changed_what(api, people, case_a):
    stale = api.entry_a.get(case_url(case_a))["ETag"]
    ok = api.lead_a.patch(case_url(case_a), {"birth_weight_g": 3100}, format="json", HTTP_IF_MATCH=stale)
    assert ok.status_code == 200
    response = api.entry_a.patch(case_url(case_a), {"sex": "F"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "lead_a" in response.json()["detail"] and "3100" in response.json()["detail"]
    assert m.Case.objects.get(pk=case_a.pk).sex == "M"


def test_a_case_change_with_the_current_version_saves_and_gives_the_new_etag(api, case_a):
    etag = api.entry_a.get(case_url(case_a))["ETag"]
    response = api.entry_a.patch(
        case_url(case_a),
        {"sex": "F", "excluded": True, "exclusion_reason": "chemo_refused"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.json()
    case = m.Case.objects.get(pk=case_a.pk)
    assert (case.sex, case.excluded, case.exclusion_reason) == ("F", True, "chemo_refused")
    assert response["ETag"] == f'"{case.version}"' != etag


def test_a_write_with_a_token_is_audited_under_its_user_naming_the_token(api, people, case_a):
    etag = api.entry_a.get(case_url(case_a))["ETag"]
    api.entry_a.patch(case_url(case_a), {"birth_weight_g": 2900}, format="json", HTTP_IF_MATCH=etag)
    row = m.Case.history.filter(id=case_a.pk).order_by("-history_id").first()
    assert row.history_user == people.entry_a
    assert "via API token “tests”" in row.history_change_reason


def test_the_coordinator_changes_no_case_it_can_read(api, case_a):
    response = api.coordinator.patch(case_url(case_a), {"sex": "F"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 403
    for action in ("lock/", "unlock/", "archive/"):
        assert api.coordinator.post(case_url(case_a, action), {"reason": "no"}, format="json").status_code == 403
    case = m.Case.objects.get(pk=case_a.pk)
    assert (case.sex, case.locked_at, case.archived_at) == ("M", None, None)


def test_the_data_manager_changes_any_centers_case(api, case_b):
    etag = api.manager.get(case_url(case_b))["ETag"]
    response = api.manager.patch(case_url(case_b), {"gestational_age_weeks": 36}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert m.Case.objects.get(pk=case_b.pk).gestational_age_weeks == 36


def test_a_wrong_type_is_a_field_error_and_nothing_is_written(api, case_a):
    etag = api.entry_a.get(case_url(case_a))["ETag"]
    response = api.entry_a.patch(
        case_url(case_a), {"birth_weight_g": "heavy", "sex": "F"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 400
    assert "birth_weight_g" in response.json()["errors"]
    assert m.Case.objects.get(pk=case_a.pk).sex == "M"


# --- lock, unlock, archive -----------------------------------------------------------------------------------------


def test_a_lead_locks_and_unlocks_and_data_entry_cannot(api, case_a):
    refused = api.entry_a.post(case_url(case_a, "lock/"), {}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == NOT_A_LEAD
    locked = api.lead_a.post(case_url(case_a, "lock/"), {}, format="json")
    assert locked.status_code == 200 and locked.json()["locked"] is True
    etag = locked["ETag"]
    edit = api.entry_a.patch(case_url(case_a), {"sex": "F"}, format="json", HTTP_IF_MATCH=etag)
    assert edit.status_code == 403
    unlocked = api.lead_a.post(case_url(case_a, "unlock/"), {"reason": "late lab"}, format="json")
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False
    assert m.Case.history.filter(id=case_a.pk).first().history_change_reason.startswith("unlocked: late lab")


def test_archiving_needs_a_reason_and_then_the_case_is_gone_from_the_api(api, case_a):
    assert api.entry_a.post(case_url(case_a, "archive/"), {}, format="json").status_code == 400
    assert m.Case.objects.get(pk=case_a.pk).archived_at is None
    response = api.entry_a.post(case_url(case_a, "archive/"), {"reason": "registered twice"}, format="json")
    assert response.status_code == 204
    assert m.Case.objects.get(pk=case_a.pk).archived_at is not None
    assert api.entry_a.get(case_url(case_a)).status_code == 404
    assert ids(api.entry_a.get("/api/v1/cases/")) == set()


# --- audit -------------------------------------------------------------------------------------------------------


def test_the_audit_trail_lists_changes_newest_first(api, case_a):
    etag = api.entry_a.get(case_url(case_a))["ETag"]
    api.entry_a.patch(case_url(case_a), {"birth_weight_g": 2500}, format="json", HTTP_IF_MATCH=etag)
    entries = api.entry_a.get(case_url(case_a, "audit/")).json()
    newest = entries[0]
    assert (newest["who"], newest["what"], newest["action"]) == ("entry_a", "case", "changed")
    assert {"field": "birth_weight_g", "label": "birth weight (g)", "old": "(empty)", "new": "2500"} in newest[
        "changes"
    ]
    assert len(api.entry_a.get(case_url(case_a, "audit/") + "?limit=2").json()) == 2


# --- filters, ordering, sync -------------------------------------------------------------------------------------


def test_modified_since_finds_a_case_whose_record_alone_changed_or_was_archived(api, people, center_a):
    _quiet, touched, archived = (make_full_case(people.entry_a, center_a) for _ in range(3))
    since = timezone.now() - timedelta(hours=1)
    m.Case.objects.update(updated_at=since - timedelta(days=1))
    for model in m.CASE_RECORD_MODELS:
        model.objects.update(updated_at=since - timedelta(days=1))
    follow_up = touched.follow_ups.get()
    follow_up.note = "seen"
    records_save(user=people.entry_a, case=touched, changes=[RecordChange(follow_up, follow_up.version)])
    event = archived.adverse_events.get()
    records_save(user=people.entry_a, case=archived, changes=[RecordChange(event, event.version, archive=True)])
    response = api.entry_a.get("/api/v1/cases/", {"modified_since": since.isoformat()})
    assert ids(response) == {touched.registry_id, archived.registry_id}


def test_filters_by_center_lineage_year_and_locked(api, people, center_a, case_a, case_b):
    aml = make_case(people.entry_a, center_a, birth=date(2023, 1, 1))
    save(people.entry_a, aml, m.Diagnosis(case=aml, diagnosis_date=date(2023, 2, 1), lineage="AML"))
    assert ids(api.manager.get("/api/v1/cases/", {"center": "B-CTR"})) == {case_b.registry_id}
    assert ids(api.manager.get("/api/v1/cases/", {"lineage": "AML"})) == {aml.registry_id}
    assert ids(api.manager.get("/api/v1/cases/", {"diagnosis_year": 2023})) == {aml.registry_id}
    api.lead_a.post(case_url(case_a, "lock/"), {}, format="json")
    assert ids(api.manager.get("/api/v1/cases/", {"locked": "true"})) == {case_a.registry_id}


def test_a_center_case_number_finds_only_cases_whose_identifiers_the_user_sees(api, case_a):
    etag = api.entry_a.get(case_url(case_a))["ETag"]
    api.entry_a.patch(case_url(case_a), {"center_case_number": "A-17"}, format="json", HTTP_IF_MATCH=etag)
    assert ids(api.entry_a.get("/api/v1/cases/", {"center_case_number": "A-17"})) == {case_a.registry_id}
    assert ids(api.coordinator.get("/api/v1/cases/", {"center_case_number": "A-17"})) == set()


def test_ordering_by_time_is_refused_to_the_coordinator_whose_cursor_would_carry_it(api, case_a):
    response = api.coordinator.get("/api/v1/cases/", {"ordering": "-updated_at"})
    assert response.status_code == 400
    assert response.json()["errors"]["ordering"] == [ORDERING_HIDDEN.format(field="updated_at")]
    assert api.entry_a.get("/api/v1/cases/", {"ordering": "-updated_at"}).status_code == 200


def test_pages_follow_the_cursor_without_gaps_or_repeats(api, people, center_a):
    made = {make_full_case(people.entry_a, center_a).registry_id for _ in range(5)}
    seen, url = [], "/api/v1/cases/?page_size=2&ordering=-created_at"
    while url:
        body = api.entry_a.get(url).json()
        seen += [row["registry_id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 5 and set(seen) == made


# --- query counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", ["", "?expand=records&labels=1"])
def test_the_case_list_takes_as_many_queries_for_eight_full_cases_as_for_two(api, people, center_a, params):
    for _ in range(2):
        make_full_case(people.entry_a, center_a)
    api.entry_a.get("/api/v1/me/")  # the token's first use of the day is written once
    few, response = count_queries(lambda: api.entry_a.get("/api/v1/cases/" + params))
    assert len(response.json()["results"]) == 2
    for _ in range(6):
        make_full_case(people.entry_a, center_a)
    many, response = count_queries(lambda: api.entry_a.get("/api/v1/cases/" + params))
    assert len(response.json()["results"]) == 8
    if params:
        assert all(len(row["records"]["events"]) == 1 for row in response.json()["results"])
    assert many == few


def test_nothing_is_ever_deleted_through_the_api(api, case_a):
    event = case_a.events.get()
    for url in (case_url(case_a), case_url(case_a, f"records/events/{event.pk}/"), "/api/v1/cases/"):
        assert api.manager.delete(url).status_code == 405
    assert m.Case.objects.filter(pk=case_a.pk, archived_at__isnull=True).exists() and case_a.events.count() == 1
