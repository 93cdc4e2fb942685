"""GET /api/v1/dictionary/ and /api/v1/choices/: the data dictionary as the dictionary page and /dictionary.csv
give it (same variables, same words), filterable by table and source, and the fixed code lists."""

from __future__ import annotations

import pytest

from registry import choices
from registry.api.reference.dictionary import TABLES
from registry.models import Gene
from registry.transfer.dictionary_files import dictionary_groups, dictionary_rows
from tests.factories import UserFactory
from tests.registry.api.conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/dictionary/"
CHOICES = "/api/v1/choices/"
WHO = ["entry_a", "lead_a", "entry_b", "coordinator", "manager"]


@pytest.mark.parametrize("who", WHO)
def test_everyone_with_a_role_reads_the_whole_dictionary_as_the_csv_gives_it(api, who):
    response = getattr(api, who).get(URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    csv_rows = dictionary_rows(dictionary_groups())
    assert [(r["variable"], r["label"], r["table"], r["type"]) for r in rows] == [tuple(c[:4]) for c in csv_rows]
    assert [(r["range"], r["required"], r["source"], r["description"]) for r in rows] == [
        (c[6], c[7], c[8], c[10]) for c in csv_rows
    ]


def test_anonymous_gets_401_and_a_user_without_a_role_403(api):
    assert api.anonymous.get(URL).status_code == 401
    assert api.anonymous.get(CHOICES).status_code == 401
    nobody = token_client(UserFactory(username="nobody"))
    assert nobody.get(URL).status_code == 403 and nobody.get(CHOICES).status_code == 403


def test_every_table_of_the_dictionary_can_be_asked_for(api):
    assert {group.table for group in dictionary_groups()} == set(TABLES)


def test_table_and_source_filter_the_variables(api):
    rows = api.entry_a.get(URL, {"table": "diagnosis"}).json()["results"]
    assert rows and {row["table"] for row in rows} == {"diagnosis"}
    derived = api.entry_a.get(URL, {"table": "cases", "source": "derived"}).json()["results"]
    assert derived and {(row["table"], row["source"]) for row in derived} == {("cases", "derived")}
    assert all(row["table_title"].startswith("Analysis dataset") for row in derived)
    assert api.entry_a.get(URL, {"table": "nowhere"}).status_code == 400
    assert api.entry_a.get(URL, {"source": "guessed"}).status_code == 400


def test_vocabulary_codes_come_with_their_labels_and_retired_ones_marked(api):
    Gene.objects.filter(code="AFF1").update(active=False)
    rows = api.entry_a.get(URL, {"table": "cytogenetics"}).json()["results"]
    gene = next(row for row in rows if any(code["code"] == "AFF1" for code in row["codes"]))
    codes = {code["code"]: code for code in gene["codes"]}
    assert codes["AFF1"]["retired"] is True and codes["KMT2A"]["retired"] is False
    assert codes["KMT2A"]["label"] == Gene.objects.get(code="KMT2A").label


@pytest.mark.parametrize("who", WHO)
def test_the_fixed_code_lists_give_every_code_with_its_label(api, who):
    response = getattr(api, who).get(CHOICES)
    assert response.status_code == 200
    lists = {row["name"]: row["codes"] for row in response.json()["results"]}
    assert lists["remission_status"] == [{"code": c, "label": label} for c, label in choices.RemissionStatus.choices]
    assert lists["cns_status"][0] == {"code": "CNS1", "label": "CNS1"}
    assert "sex" in lists and "lineage" in lists
