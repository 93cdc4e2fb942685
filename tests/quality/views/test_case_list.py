"""The drill-down from a center or a rule to its cases, with their open findings counted."""

import pytest
from django.urls import reverse

from quality.services import case_check, query_open, registry_sweep
from tests.factories import make_case, make_full_case

pytestmark = pytest.mark.django_db


def test_cases_are_listed_with_their_open_findings_most_errors_first(client, people, center_a, case_a):
    bare = make_case(people.entry_a, center_a)  # no diagnosis: an error
    case_check(bare)
    case_check(case_a)  # follow-up overdue: a warning
    query_open(user=people.manager, case=case_a, subject="s", text="t")
    client.force_login(people.entry_a)
    page = client.get(reverse("quality:case_list")).context["page"]
    rows = [(c.registry_id, c.n_errors, c.n_warnings, c.n_queries) for c in page]
    assert rows[0][:2] == (bare.registry_id, 1)
    assert (case_a.registry_id, 0, 1, 1) in rows
    by_rule = client.get(reverse("quality:case_list") + "?rule=DQ-FU-001").context["page"]
    assert [c.registry_id for c in by_rule] == [case_a.registry_id]


def test_a_center_user_sees_only_their_cases_and_the_query_count_is_fixed(
    client, people, center_a, center_b, django_assert_max_num_queries
):
    for n in range(6):
        make_full_case(people.entry_a if n % 2 else people.entry_b, center_a if n % 2 else center_b)
    registry_sweep()
    client.force_login(people.entry_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("quality:case_list") + "?center=B-CTR")
    # B-CTR is no choice of theirs: the filter is ignored, and the list is their own center's.
    assert {case.center.code for case in response.context["page"]} == {"AAA"}
    body = client.get(reverse("quality:case_list")).content.decode()
    assert "B-CTR" not in body and ">AAA<" in body
