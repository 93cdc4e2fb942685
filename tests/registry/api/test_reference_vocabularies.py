"""GET /api/v1/vocabularies/ and /vocabularies/{vocabulary}/: every signed-in user with a role reads the
controlled vocabularies (as the dictionary page shows their codes), retired entries marked; an unknown vocabulary
is a 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.api.reference.common import NO_ROLE
from registry.models import Abnormality, Gene, Protocol, RiskRuleSet
from tests.factories import UserFactory
from tests.registry.api.conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/vocabularies/"
WHO = ["entry_a", "lead_a", "entry_b", "coordinator", "manager"]


@pytest.mark.parametrize("who", WHO)
def test_everyone_with_a_role_lists_the_vocabularies_with_their_counts(api, who):
    response = getattr(api, who).get(URL)
    assert response.status_code == 200
    rows = {row["vocabulary"]: row for row in response.json()["results"]}
    assert set(rows) == {"genes", "abnormalities", "markers", "adverse-event-types", "protocols", "risk-rule-sets"}
    assert rows["genes"]["entries"] == Gene.objects.count() > 0
    assert rows["genes"]["url"].endswith(f"{URL}genes/")
    assert response.json()["next"] is None


@pytest.mark.parametrize("who", WHO)
def test_everyone_with_a_role_reads_a_vocabularys_entries(api, who):
    response = getattr(api, who).get(f"{URL}genes/")
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()["results"]]
    assert codes == list(Gene.objects.values_list("code", flat=True)) and "KMT2A" in codes


def test_anonymous_gets_401_and_a_user_without_a_role_403(api):
    assert api.anonymous.get(URL).status_code == 401
    assert api.anonymous.get(f"{URL}genes/").status_code == 401
    nobody = token_client(UserFactory(username="nobody"))
    for url in (URL, f"{URL}genes/"):
        response = nobody.get(url)
        assert response.status_code == 403 and response.json()["detail"] == NO_ROLE


def test_an_unknown_vocabulary_is_a_404(api):
    assert api.entry_a.get(f"{URL}colours/").status_code == 404


def test_a_retired_entry_is_marked_and_active_filters(api):
    Gene.objects.filter(code="AFF1").update(active=False)
    counts = {row["vocabulary"]: row for row in api.entry_a.get(URL).json()["results"]}["genes"]
    assert counts["active"] == counts["entries"] - 1
    rows = {row["code"]: row for row in api.entry_a.get(f"{URL}genes/").json()["results"]}
    assert (rows["AFF1"]["active"], rows["AFF1"]["retired"]) == (False, True)
    assert rows["KMT2A"]["retired"] is False
    retired = api.entry_a.get(f"{URL}genes/", {"active": "false"}).json()["results"]
    assert [row["code"] for row in retired] == ["AFF1"]
    offered = api.entry_a.get(f"{URL}genes/", {"active": "true"}).json()["results"]
    assert "AFF1" not in {row["code"] for row in offered} and len(offered) == Gene.objects.count() - 1
    assert api.entry_a.get(f"{URL}genes/", {"active": "maybe"}).status_code == 400


def test_abnormalities_carry_their_kmt2a_status_and_expected_fusion(api):
    rows = {row["code"]: row for row in api.entry_a.get(f"{URL}abnormalities/").json()["results"]}
    t411 = Abnormality.objects.get(code="t(4;11)")
    row = rows["t(4;11)"]
    assert (row["vocabulary"], row["label"], row["kmt2a_rearranged"], row["expected_fusion"]) == (
        "abnormalities",
        t411.label,
        True,
        "KMT2A::AFF1",
    )
    assert row["sort_order"] == t411.sort_order


def test_lineage_labels_come_with_labels_1(api):
    Abnormality.objects.filter(code="t(4;11)").update(lineage_only="ALL")
    rows = {row["code"]: row for row in api.entry_a.get(f"{URL}abnormalities/", {"labels": "1"}).json()["results"]}
    assert rows["t(4;11)"]["lineage_only_label"] == "Acute lymphoblastic leukemia"
    plain = api.entry_a.get(f"{URL}abnormalities/").json()["results"][0]
    assert "lineage_only_label" not in plain


def test_protocols_are_named_as_the_files_name_them(api):
    rows = api.entry_a.get(f"{URL}protocols/", {"labels": "1"}).json()["results"]
    interfant = next(row for row in rows if row["name"] == "INTERFANT-06")
    protocol = Protocol.objects.get(name="INTERFANT-06")
    assert interfant["code"] == str(protocol) and interfant["induction_day"] == protocol.induction_day
    assert interfant["lineage_label"] == protocol.get_lineage_display()


def test_risk_rule_sets_list_their_rules_by_abnormality_code(api):
    ruleset = RiskRuleSet.objects.get(is_default=True)
    [row] = api.entry_a.get(f"{URL}risk-rule-sets/", {"labels": "1"}).json()["results"]
    assert row["code"] == ruleset.version and row["is_default"] is True
    assert len(row["rules"]) == ruleset.rules.count()
    etv6 = next(rule for rule in row["rules"] if rule["abnormality"] == "t(12;21)")
    assert etv6["risk_class"] == "favorable" and etv6["risk_class_label"] == "Favorable"
    assert etv6["abnormality_label"] == Abnormality.objects.get(code="t(12;21)").label
    kmt2a = next(rule for rule in row["rules"] if rule["kmt2a_rearranged"])
    assert kmt2a["abnormality"] is None and kmt2a["risk_class"] == "unfavorable"


def _count(client, url) -> int:
    client.get(url)  # the token's first use is recorded once: not part of the count
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"labels": "1"}).status_code == 200
    return len(captured)


@pytest.mark.parametrize("vocabulary", ["genes", "abnormalities", "protocols", "risk-rule-sets"])
def test_entries_take_as_many_queries_for_more_entries(api, vocabulary):
    url = f"{URL}{vocabulary}/"
    few = _count(api.entry_a, url)
    for n in range(5):
        if vocabulary == "genes":
            Gene.objects.create(code=f"G{n}", label=f"Gene {n}")
        elif vocabulary == "abnormalities":
            Abnormality.objects.create(code=f"A{n}", label=f"Abnormality {n}", lineage_only="AML")
        elif vocabulary == "protocols":
            Protocol.objects.create(name=f"P{n}", lineage="ALL", induction_day=33)
        else:
            ruleset = RiskRuleSet.objects.create(version=f"v{n}")
            ruleset.rules.create(abnormality=Abnormality.objects.first(), risk_class="favorable")
    assert _count(api.entry_a, url) == few
