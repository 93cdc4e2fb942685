"""Migration 0008: the stored risk rule sets match a fusion as well as the abnormality that implies it."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registry import models as m
from tests.factories import vocab

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("registry.migrations.0008_risk_rules_match_fusions")


def _run_migration():
    # The migration's own historical models: no simple_history signals, as when migrate runs it.
    state = MigrationExecutor(connection).loader.project_state(("registry", "0008_risk_rules_match_fusions"))
    MIGRATION.add_fusion_rules(state.apps, None)


def _fusion_rules(version):
    rules = m.RiskRule.objects.filter(ruleset__version=version, abnormality=None, kmt2a_rearranged=None)
    return sorted(rules.values_list("fusion", "risk_class"))


def test_the_seeded_rule_set_has_a_fusion_rule_for_each_abnormality_rule():
    assert _fusion_rules("seed000-v1") == [
        ("BCR::ABL1", "unfavorable"),
        ("CBFB::MYH11", "favorable"),
        ("ETV6::RUNX1", "favorable"),
        ("RUNX1::RUNX1T1", "favorable"),
    ]


def test_it_adds_the_fusion_of_each_abnormality_rule_in_another_rule_set_once():
    ruleset = m.RiskRuleSet.objects.create(version="test-v2")
    for code in ("t(9;22)", "hyperdiploidy", "nutm1_r"):  # no fusion; NUTM1 names a gene, not one fusion
        m.RiskRule.objects.create(ruleset=ruleset, abnormality=vocab(m.Abnormality, code), risk_class="unfavorable")
    m.RiskRule.objects.create(ruleset=ruleset, kmt2a_rearranged=True, risk_class="unfavorable")
    _run_migration()
    _run_migration()
    assert _fusion_rules("test-v2") == [("BCR::ABL1", "unfavorable")]
    assert len(_fusion_rules("seed000-v1")) == 4


def test_it_uses_the_fusion_as_the_data_manager_corrected_it():
    abnormality = vocab(m.Abnormality, "t(15;17)")
    ruleset = m.RiskRuleSet.objects.create(version="test-v3")
    m.RiskRule.objects.create(ruleset=ruleset, abnormality=abnormality, risk_class="favorable")
    m.Abnormality.objects.filter(pk=abnormality.pk).update(expected_fusion=" ZBTB16::RARA ")
    _run_migration()
    assert _fusion_rules("test-v3") == [("ZBTB16::RARA", "favorable")]
