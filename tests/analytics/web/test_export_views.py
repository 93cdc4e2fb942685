"""The export page and the dataset files: who reaches them, what they hold, and the access log."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.exports import EXPORT_FORMATS
from audit.models import AccessEvent
from registry import models as m
from registry.derivation import NO_DEFAULT_RULESET
from tests.factories import UserFactory, make_full_case

pytestmark = pytest.mark.django_db

PAGE = "analytics:export_page"
FILE = "analytics:export_file"
READERS = ("entry_a", "lead_a", "entry_b", "coordinator", "manager")


def _urls() -> list[str]:
    return [reverse(PAGE), *(reverse(FILE, args=[fmt]) for fmt in EXPORT_FORMATS)]


def _rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def _page(response) -> str:
    """The page without its per-response CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _exports():
    return AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT)


@pytest.mark.parametrize("who", READERS)
def test_every_role_that_reads_cases_reaches_every_export_route(client, people, case_a, case_b, who):
    client.force_login(getattr(people, who))
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        assert client.post(url).status_code == 405, (who, url)


def test_anonymous_visitors_are_sent_to_the_login_page_and_users_without_a_role_are_refused(client, people, case_a):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(UserFactory(username="nobody"))
    for url in _urls():
        assert client.get(url).status_code == 403, url
    assert not _exports().exists()


def test_the_menu_links_export_data_for_every_role_that_may(client, people):
    link = f'<a href="{reverse(PAGE)}">Export data</a>'
    for who in READERS:
        client.force_login(getattr(people, who))
        assert link in client.get(reverse("registry:dashboard")).content.decode(), who
    client.force_login(UserFactory(username="nobody"))
    assert link not in client.get(reverse("registry:dashboard")).content.decode()


@pytest.mark.parametrize("who", ["entry_a", "lead_a"])
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_center_users_files_hold_their_centers_cases_only(client, people, case_a, case_b, who, fmt):
    client.force_login(getattr(people, who))
    content = client.get(reverse(FILE, args=[fmt])).content
    assert case_b.registry_id.encode() not in content and b"B-CTR" not in content
    if fmt == "csv":
        assert [r["case_key"] for r in _rows(client.get(reverse(FILE, args=[fmt])))] == [case_a.registry_id]


def test_the_page_offers_a_center_user_their_own_centers_only(client, people, case_a, case_b):
    client.force_login(people.entry_a)
    body = client.get(reverse(PAGE)).content.decode()
    assert 'value="AAA"' in body and "B-CTR" not in body and "Center B" not in body


def test_naming_another_centers_code_is_answered_as_an_unknown_code(client, people, case_a, case_b):
    client.force_login(people.entry_a)
    other = client.get(reverse(FILE, args=["csv"]), {"centers": "B-CTR"})
    unknown = client.get(reverse(FILE, args=["csv"]), {"centers": "ZZZZZ"})
    assert other.status_code == unknown.status_code == 200
    assert "Select a valid choice" in other.content.decode()
    assert _page(other).replace("B-CTR", "ZZZZZ") == _page(unknown)
    assert case_b.registry_id not in other.content.decode()
    assert not _exports().exists()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"year_from": "abc"}, "Enter a whole number."),
        ({"year_from": "2022", "year_to": "2020"}, "must not be after"),
        ({"lineages": "XYZ"}, "Select a valid choice"),
        ({"year_to": "99999999999999999999"}, "Ensure this value is less than or equal to 2100."),
    ],
)
def test_bad_filters_show_the_form_with_its_errors_and_nothing_is_served_or_logged(
    client, people, case_a, query, message
):
    client.force_login(people.coordinator)
    for url in (reverse(FILE, args=["xlsx"]), reverse(PAGE)):
        response = client.get(url, query)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert message in response.content.decode(), url
    assert not _exports().exists()


def test_without_a_default_risk_rule_set_the_page_says_so(client, people, case_a):
    m.RiskRuleSet.objects.update(is_default=False)
    client.force_login(people.coordinator)
    response = client.get(reverse(FILE, args=["csv"]))
    assert response.status_code == 200 and NO_DEFAULT_RULESET in response.content.decode()
    assert not _exports().exists()


def test_an_unknown_format_is_a_404(client, people):
    client.force_login(people.coordinator)
    assert client.get(reverse(FILE, args=["pdf"])).status_code == 404


def test_the_page_links_every_format_with_the_filters_chosen(client, people, case_a):
    client.force_login(people.coordinator)
    body = client.get(reverse(PAGE), {"centers": "AAA", "year_from": "2019"}).content.decode()
    for fmt in EXPORT_FORMATS:
        assert f'href="{reverse(FILE, args=[fmt])}?centers=AAA&amp;year_from=2019' in body, fmt


def test_each_export_is_logged_with_the_file_and_the_filters_before_it_is_served(client, people, case_a, case_b):
    client.force_login(people.coordinator)
    response = client.get(reverse(FILE, args=["sav"]), {"centers": "AAA", "lineages": "ALL", "cal_only": "on"})
    assert response.status_code == 200 and response["Content-Type"] == "application/x-spss-sav"
    event = _exports().get()
    assert event.user == people.coordinator and event.status == 200
    assert event.route == FILE and response["Content-Disposition"].endswith(f'filename="{event.file_name}"')
    assert event.file_name.endswith(".sav")
    assert event.detail.startswith("analysis dataset (sav)")
    assert "centers AAA" in event.detail and "lineage ALL" in event.detail and "CAL only" in event.detail


def test_a_center_users_export_is_logged_with_their_centers(client, people, case_a, case_b):
    client.force_login(people.lead_a)
    client.get(reverse(FILE, args=["csv"]))
    assert _exports().get().detail.startswith("analysis dataset (csv): centers AAA;")


def test_the_filters_narrow_the_file(client, people, case_a, case_b):
    client.force_login(people.manager)
    assert len(_rows(client.get(reverse(FILE, args=["csv"])))) == 2
    only_b = _rows(client.get(reverse(FILE, args=["csv"]), {"centers": "B-CTR"}))
    assert [r["case_key"] for r in only_b] == [case_b.registry_id]


def test_the_number_of_queries_of_an_export_does_not_grow_with_the_number_of_cases(client, people, case_a):
    client.force_login(people.coordinator)
    url = reverse(FILE, args=["zip"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(3):
        make_full_case(people.entry_a, case_a.center)
    assert count() == few
