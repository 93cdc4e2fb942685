"""The query workflow through the API: the data manager opens a query (on a case, a record and field, or from a
finding; an Idempotency-Key makes a retry safe), the center answers, the data manager closes and reopens. Every
refusal leaves the query, its thread and its history as they were."""

from __future__ import annotations

import pytest

from quality.forms import TEXT_ERRORS
from quality.models import Finding, Query, QueryMessage
from quality.rules import RULES
from quality.services.queries import (
    CENTER_ONLY,
    DATA_MANAGER_ONLY,
    FINDING_CLOSED,
    FINDING_HAS_QUERY,
    MESSAGE_LIMIT,
    MESSAGE_TOO_LONG,
    SUBJECT_LIMIT,
    SUBJECT_REQUIRED,
    TEXT_REQUIRED,
)
from registry.models import LabPanel

pytestmark = pytest.mark.django_db

URL = "/api/v1/quality/queries/"
TOO_LONG = "x" * (MESSAGE_LIMIT + 1)


def _snapshot():
    """What a refused write must leave unchanged."""
    return (
        list(Query.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        QueryMessage.objects.count(),
        Query.history.count(),
    )


def _action(query, action: str) -> str:
    return f"{URL}{query.pk}/{action}/"


def test_the_data_manager_opens_a_query_on_a_case(api, people, world):
    case = world["case_a"]
    response = api.manager.post(
        URL, {"case": case.registry_id, "subject": "WBC", "text": "Please check."}, format="json"
    )
    assert response.status_code == 201, response.content
    query = Query.objects.get(pk=response.json()["id"])
    assert response["Location"] == f"{URL}{query.pk}/"
    assert (query.case, query.subject, query.status, query.opened_by) == (case, "WBC", "open", people.manager)
    assert [m["text"] for m in response.json()["thread"]] == ["Please check."]
    [row] = query.history.all()
    assert row.history_change_reason == "opened (via API token “tests”)"


def test_a_query_on_a_record_and_field_says_what_it_is_about(api, world):
    panel = LabPanel.objects.get(case=world["case_a"], timepoint="baseline")
    data = {
        "case": world["case_a"].registry_id,
        "record_model": "registry.labpanel",
        "record_id": panel.pk,
        "field": "wbc",
        "subject": "WBC",
        "text": "350?",
    }
    body = api.manager.post(URL, data, format="json").json()
    assert (body["record_model"], body["record_id"], body["field"]) == ("registry.labpanel", panel.pk, "wbc")
    assert "field" in body["about"] and body["about"] != "the whole case"


def test_a_record_of_another_case_is_a_field_error_and_nothing_is_written(api, world):
    theirs = LabPanel.objects.get(case=world["case_b"], timepoint="baseline")
    before = _snapshot()
    data = {"case": world["case_a"].registry_id, "record_model": "registry.labpanel", "record_id": theirs.pk}
    response = api.manager.post(URL, {**data, "subject": "WBC", "text": "?"}, format="json")
    assert response.status_code == 400 and "record_id" in response.json()["errors"]
    assert _snapshot() == before


def test_the_data_manager_opens_a_query_from_a_finding_once(api, world):
    finding = Finding.objects.filter(case=world["case_b"], resolved_at__isnull=True).first()
    response = api.manager.post(URL, {"finding": finding.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["finding"] == finding.pk and body["case"] == world["case_b"].registry_id
    # The subject states the problem found (not the rule's id, not what the rule checks).
    rule = RULES[finding.rule_id]
    assert body["subject"].startswith(str(rule.problem)) and finding.rule_id not in body["subject"]
    assert str(rule.description) not in body["subject"] and body["thread"][0]["text"] == finding.message
    before = _snapshot()
    again = api.manager.post(URL, {"finding": finding.pk}, format="json")
    assert again.status_code == 400 and again.json()["errors"] == {"non_field_errors": [FINDING_HAS_QUERY]}
    assert _snapshot() == before


def test_a_resolved_finding_is_refused_with_the_services_reason(api, world):
    finding = Finding.objects.filter(case=world["case_a"], resolved_at__isnull=True).first()
    Finding.objects.filter(pk=finding.pk).update(resolved_at=finding.last_seen)
    before = _snapshot()
    response = api.manager.post(URL, {"finding": finding.pk}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"non_field_errors": [FINDING_CLOSED]}
    assert _snapshot() == before


def test_an_idempotency_key_replays_the_first_query_instead_of_opening_a_second(api, world):
    data = {"case": world["case_a"].registry_id, "subject": "WBC", "text": "Please check."}
    first = api.manager.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="open-wbc-1")
    second = api.manager.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY="open-wbc-1")
    assert first.status_code == second.status_code == 201
    assert second.json()["id"] == first.json()["id"] and second["Idempotent-Replayed"] == "true"
    assert Query.objects.filter(subject="WBC").count() == 1


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "coordinator"])
def test_nobody_but_the_data_manager_opens_a_query(api, world, who):
    before = _snapshot()
    response = getattr(api, who).post(URL, {"case": world["case_a"].registry_id, "subject": "s", "text": "t"})
    assert response.status_code == 403 and response.json()["detail"] == DATA_MANAGER_ONLY
    finding = Finding.objects.filter(case=world["case_a"], rule_id="DQ-DUP-002").first()
    assert getattr(api, who).post(URL, {"finding": finding.pk}).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_another_centers_case_or_finding_is_a_404_when_opening(api, world, who):
    before = _snapshot()
    response = getattr(api, who).post(URL, {"case": world["case_b"].registry_id, "subject": "s", "text": "t"})
    assert response.status_code == 404
    finding = Finding.objects.filter(case=world["case_b"]).first()
    assert getattr(api, who).post(URL, {"finding": finding.pk}).status_code == 404
    assert _snapshot() == before


def test_anonymous_gets_401_on_every_write(api, world):
    before = _snapshot()
    assert (
        api.anonymous.post(URL, {"case": world["case_a"].registry_id, "subject": "s", "text": "t"}).status_code == 401
    )
    for action in ("answer", "close", "reopen"):
        assert api.anonymous.post(_action(world["query_a"], action), {"text": "t"}).status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"subject": "", "text": "t"}, {"subject": [SUBJECT_REQUIRED]}),
        ({"subject": "s", "text": "   "}, {"text": [TEXT_REQUIRED]}),
        (
            {"subject": "s", "text": TOO_LONG},
            {"text": [MESSAGE_TOO_LONG.format(limit=MESSAGE_LIMIT, length=len(TOO_LONG))]},
        ),
        (
            {"subject": "s" * (SUBJECT_LIMIT + 1), "text": "t"},
            {"subject": [MESSAGE_TOO_LONG.format(limit=SUBJECT_LIMIT, length=SUBJECT_LIMIT + 1)]},
        ),
        ({"subject": "s", "text": "a\x00b"}, {"text": [TEXT_ERRORS["null_characters_not_allowed"]]}),
        ({"subject": "s", "text": "t", "finding": 1}, {"non_field_errors": ["Give either a case or a finding."]}),
    ],
)
def test_opening_with_bad_text_lists_the_field_errors_and_writes_nothing(api, world, data, errors):
    before = _snapshot()
    response = api.manager.post(URL, {"case": world["case_a"].registry_id, **data}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == errors
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_the_center_answers_and_the_thread_status_and_history_show_it(api, people, world, who):
    query = world["query_a"]
    response = getattr(api, who).post(_action(query, "answer"), {"text": "Corrected: 35, not 350."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "answered" and body["awaits_center"] is False
    assert body["thread"][-1] == {
        **body["thread"][-1],
        "kind": "answer",
        "author": who,
        "text": "Corrected: 35, not 350.",
    }
    assert body["history"][-1]["status"] == "answered" and body["history"][-1]["user"] == who
    assert body["history"][-1]["reason"] == "answered (via API token “tests”)"
    query.refresh_from_db()
    assert query.status == "answered" and query.messages.last().author == getattr(people, who)
    assert api.manager.get(f"{URL}{query.pk}/").json()["thread"] == body["thread"]


@pytest.mark.parametrize(("text", "error"), [("", TEXT_REQUIRED), (" \n ", TEXT_REQUIRED), (TOO_LONG, None)])
def test_an_empty_or_too_long_answer_is_a_field_error_and_nothing_is_written(api, world, text, error):
    before = _snapshot()
    response = api.entry_a.post(_action(world["query_a"], "answer"), {"text": text}, format="json")
    error = error or MESSAGE_TOO_LONG.format(limit=MESSAGE_LIMIT, length=len(text))
    assert response.status_code == 400 and response.json()["errors"] == {"text": [error]}
    assert _snapshot() == before


def test_the_data_manager_and_a_coordinator_do_not_answer(api, world):
    before = _snapshot()
    response = api.manager.post(_action(world["query_a"], "answer"), {"text": "I answer myself."})
    assert response.status_code == 403 and response.json()["detail"] == CENTER_ONLY
    assert api.coordinator.post(_action(world["query_a"], "answer"), {"text": "x"}).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("action", ["answer", "close", "reopen"])
@pytest.mark.parametrize("who", ["entry_a", "lead_a", "coordinator"])
def test_another_centers_query_is_a_404_for_every_action(api, world, who, action):
    before = _snapshot()
    response = getattr(api, who).post(_action(world["query_b"], action), {"text": "x"})
    assert response.status_code == 404 and world["query_b"].subject not in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_a_center_neither_closes_nor_reopens(api, people, world, who):
    before = _snapshot()
    for action in ("close", "reopen"):
        response = getattr(api, who).post(_action(world["query_a"], action), {"text": "x"})
        assert response.status_code == 403 and response.json()["detail"] == DATA_MANAGER_ONLY
    assert _snapshot() == before


def test_the_data_manager_closes_and_reopens(api, world):
    query = world["query_a"]
    closed = api.manager.post(_action(query, "close"), {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert closed.json()["actions"] == {"can_answer": False, "can_close": False, "can_reopen": True}
    before = _snapshot()
    refused = api.manager.post(_action(query, "reopen"), {"text": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"] == {"text": [TEXT_REQUIRED]}
    assert api.entry_a.post(_action(query, "answer"), {"text": "Late."}).status_code == 400
    assert _snapshot() == before
    reopened = api.manager.post(_action(query, "reopen"), {"text": "The day-33 value too."}, format="json")
    body = reopened.json()
    assert reopened.status_code == 200 and body["status"] == "reopened" and body["closed_at"] is None
    assert [h["status"] for h in body["history"]] == ["open", "closed", "reopened"]
    assert [m["kind"] for m in body["thread"]] == ["opened", "closed", "reopened"]
