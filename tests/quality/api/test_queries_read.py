"""GET /api/v1/quality/queries/ and /queries/{query_id}/: the queries of the user's centers with their threads.
Another center's query is a 404; a coordinator, who reads pooled data and not the correspondence about it, gets
an empty list and a 404 for every query, as on the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quality.models import Query
from quality.services import query_answer, query_close, query_open
from tests.factories import make_full_case

pytestmark = pytest.mark.django_db

URL = "/api/v1/quality/queries/"


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
def test_a_centers_users_list_and_read_only_their_own_centers_queries(api, world, who):
    client = getattr(api, who)
    assert _ids(client.get(URL)) == {world["query_a"].pk}
    assert client.get(f"{URL}{world['query_a'].pk}/").status_code == 200
    response = client.get(f"{URL}{world['query_b'].pk}/")
    assert response.status_code == 404
    assert world["case_b"].registry_id not in response.content.decode()


def test_center_bs_user_sees_only_center_bs_query(api, world):
    assert _ids(api.entry_b.get(URL)) == {world["query_b"].pk}
    assert api.entry_b.get(f"{URL}{world['query_a'].pk}/").status_code == 404


def test_the_data_manager_lists_and_reads_every_query(api, world):
    assert _ids(api.manager.get(URL)) == {world["query_a"].pk, world["query_b"].pk}
    assert api.manager.get(f"{URL}{world['query_b'].pk}/").status_code == 200


def test_a_coordinator_sees_no_query_and_no_thread(api, world):
    assert _ids(api.coordinator.get(URL)) == set()
    for query in (world["query_a"], world["query_b"]):
        response = api.coordinator.get(f"{URL}{query.pk}/")
        assert response.status_code == 404 and query.subject not in response.content.decode()


def test_anonymous_gets_401(api, world):
    assert api.anonymous.get(URL).status_code == 401
    assert api.anonymous.get(f"{URL}{world['query_a'].pk}/").status_code == 401


def test_a_query_reads_with_its_thread_history_and_what_the_reader_may_do(api, people, world):
    query = world["query_a"]
    query_answer(user=people.entry_a, query=query, text="Checked: the WBC is right.")
    body = api.entry_a.get(f"{URL}{query.pk}/", {"labels": "1"}).json()
    assert body["case"] == world["case_a"].registry_id and body["center"] == "AAA"
    assert body["status"] == "answered" and body["status_label"] == "Answered" and body["messages"] == 2
    assert [(m["kind"], m["author"], m["text"]) for m in body["thread"]] == [
        ("opened", "manager", "?"),
        ("answer", "entry_a", "Checked: the WBC is right."),
    ]
    assert [(h["status"], h["user"]) for h in body["history"]] == [("open", "manager"), ("answered", "entry_a")]
    assert body["actions"] == {"can_answer": True, "can_close": False, "can_reopen": False}
    assert api.manager.get(f"{URL}{query.pk}/").json()["actions"] == {
        "can_answer": False,
        "can_close": True,
        "can_reopen": False,
    }


def test_the_filters_narrow_the_list(api, people, world):
    query_close(user=people.manager, query=world["query_b"], text="")
    assert _ids(api.manager.get(URL, {"status": "closed"})) == {world["query_b"].pk}
    assert _ids(api.manager.get(URL, {"status": ["open", "closed"]})) == {world["query_a"].pk, world["query_b"].pk}
    assert _ids(api.manager.get(URL, {"center": "AAA"})) == {world["query_a"].pk}
    assert _ids(api.manager.get(URL, {"case": world["case_b"].registry_id})) == {world["query_b"].pk}
    assert _ids(api.entry_a.get(URL, {"case": world["case_b"].registry_id})) == set()
    assert api.manager.get(URL, {"status": "lost"}).status_code == 400


def test_modified_since_gives_the_queries_changed_since(api, people, world):
    Query.objects.update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert _ids(api.manager.get(URL, {"modified_since": since})) == set()
    query_answer(user=people.entry_b, query=world["query_b"], text="Done.")
    assert _ids(api.manager.get(URL, {"modified_since": since})) == {world["query_b"].pk}


def test_labels_come_with_labels_1(api, world):
    [row] = api.entry_a.get(URL, {"labels": "1"}).json()["results"]
    assert row["status_label"] == "Open"
    [row] = api.entry_a.get(URL).json()["results"]
    assert "status_label" not in row


def _count_queries(client, url) -> int:
    client.get(url)  # the token's first use of the day is recorded once: not part of the count
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"labels": "1"}).status_code == 200
    return len(captured)


def _more_queries(people, center_a, n):
    for i in range(n):
        case = make_full_case(people.entry_a, center_a)
        query = query_open(user=people.manager, case=case, subject=f"q{i}", text="?")
        query_answer(user=people.entry_a, query=query, text="!")


def test_the_list_and_a_query_take_as_many_queries_for_more_rows(api, people, center_a):
    _more_queries(people, center_a, 2)
    first = Query.objects.order_by("pk").first()
    few = {who: _count_queries(getattr(api, who), URL) for who in ("entry_a", "manager")}
    detail = _count_queries(api.manager, f"{URL}{first.pk}/")
    _more_queries(people, center_a, 5)
    query_answer(user=people.entry_a, query=first, text="And again.")
    assert {who: _count_queries(getattr(api, who), URL) for who in few} == few
    assert _count_queries(api.manager, f"{URL}{first.pk}/") == detail
