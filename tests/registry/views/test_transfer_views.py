"""The data dictionary, import template and records export routes, for every role (and no role, and no one)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERYONE = ("entry_a", "lead_a", "entry_b", "coordinator", "manager")
CENTER_USERS = ("entry_a", "lead_a", "entry_b")

ROUTES = [
    ("registry:dictionary", [], EVERYONE),
    ("registry:dictionary_download", ["csv"], EVERYONE),
    ("registry:dictionary_download", ["xlsx"], EVERYONE),
    ("registry:import_template", ["xlsx"], EVERYONE),
    ("registry:import_template", ["zip"], EVERYONE),
    ("registry:records_export", ["xlsx"], CENTER_USERS),
    ("registry:records_export", ["zip"], CENTER_USERS),
]


@pytest.mark.parametrize(("name", "args", "allowed"), ROUTES)
def test_every_route_for_every_role(client, people, case_a, case_b, name, args, allowed):
    url = reverse(name, args=args)
    for who in EVERYONE:
        client.force_login(getattr(people, who))
        response = client.get(url)
        assert response.status_code == (200 if who in allowed else 403), f"{who} GET {url}"
        assert client.post(url).status_code == 405, f"{who} POST {url}"
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(("name", "args", "allowed"), ROUTES)
def test_a_user_without_a_role_is_refused(client, db, name, args, allowed):
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_unknown_formats_are_not_routes(client, people):
    client.force_login(people.entry_a)
    for path in ("/dictionary.pdf", "/import/template.csv", "/export/records.sav"):
        assert client.get(path).status_code == 404, path


def test_each_center_user_exports_their_own_center(client, people, case_a, case_b):
    client.force_login(people.entry_b)
    data = client.get(reverse("registry:records_export", args=["xlsx"])).content
    workbook = load_workbook(io.BytesIO(data))
    cells = {v for name in workbook.sheetnames for row in workbook[name].iter_rows(values_only=True) for v in row}
    assert case_b.registry_id in cells and case_a.registry_id not in cells


def test_the_menu_has_the_dictionary_for_every_role_and_the_records_export_for_center_users(client, people):
    export = reverse("registry:records_export", args=["xlsx"])
    for who in EVERYONE:
        client.force_login(getattr(people, who))
        body = client.get(reverse("registry:dashboard")).content.decode()
        assert f'<a href="{reverse("registry:dictionary")}">Data dictionary</a>' in body, who
        # A center's own records are offered on the export page, to its users only.
        page = client.get(reverse("analytics:export_page")).content.decode()
        assert (export in page) == (who in CENTER_USERS), who


def test_a_center_user_may_narrow_the_export_to_one_of_their_centers_but_not_name_another(client, people, case_a):
    client.force_login(people.entry_a)
    url = reverse("registry:records_export", args=["zip"])
    assert client.get(url + "?center=AAA").status_code == 200
    assert client.get(url + "?center=B-CTR").status_code == 403
    assert client.get(url + "?center=AAA&center=B-CTR").status_code == 403
