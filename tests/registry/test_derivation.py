"""The registry feeds analytics.derive from its records: the case page shows what the records imply."""

from datetime import timedelta

import pytest

from analytics.derive import reasons as d_reasons
from registry import models as m
from registry.derivation import derive_for_case, risk_ruleset
from tests.factories import save, vocab

pytestmark = pytest.mark.django_db


def test_a_complete_case_derives_its_class_risk_groups_and_endpoints(case_a):
    derived = derive_for_case(case_a)
    assert derived.age.days == 40 and derived.age.age_class == "early_infant" and derived.age.lt_6_months
    assert (derived.kmt2a.status, derived.kmt2a.partner) == ("rearranged", "AFF1")
    assert (derived.risk.risk_class, derived.risk.rule_version) == ("unfavorable", "seed000-v1")
    assert derived.interfant.group == "high"  # KMT2A-r, < 6 months, WBC 350
    assert derived.response.status == "CR"
    assert (derived.os.time, derived.os.event) == (400, 0)


def test_a_karyotype_translocation_without_a_typed_fusion_still_names_the_partner(people, center_a):
    from tests.factories import make_case

    case = make_case(people.entry_a, center_a)
    dx = case.birth_date + timedelta(days=20)
    save(
        people.entry_a,
        case,
        m.Diagnosis(case=case, diagnosis_date=dx, lineage="ALL"),
        m.CytogeneticFinding(case=case, method="karyotype", abnormality=vocab(m.Abnormality, "t(9;11)")),
    )
    derived = derive_for_case(case)
    assert (derived.kmt2a.partner, derived.age.age_class) == ("MLLT3", "CAL")


def test_archived_records_do_not_count(people, case_a):
    from registry.services.records import RecordChange, records_save

    finding = m.CytogeneticFinding.objects.get(case=case_a)
    records_save(user=people.entry_a, case=case_a, changes=[RecordChange(finding, finding.version, archive=True)])
    assert derive_for_case(case_a).kmt2a.status == "unknown"


def test_the_rule_set_comes_from_the_database_and_a_new_version_changes_the_class(case_a):
    ruleset = m.RiskRuleSet.objects.create(version="test-v2")
    m.RiskRule.objects.create(ruleset=ruleset, abnormality=vocab(m.Abnormality, "t(4;11)"), risk_class="favorable")
    derived = derive_for_case(case_a, rules=risk_ruleset("test-v2"))
    assert (derived.risk.risk_class, derived.risk.rule_version) == ("favorable", "test-v2")


def _infant_all(people, center_a, *findings):
    from tests.factories import make_case

    case = make_case(people.entry_a, center_a)
    dx = case.birth_date + timedelta(days=20)
    records = [m.CytogeneticFinding(case=case, abnormality=vocab(m.Abnormality, code), **f) for code, f in findings]
    save(people.entry_a, case, m.Diagnosis(case=case, diagnosis_date=dx, lineage="ALL"), *records)
    return case


def test_an_etv6_runx1_found_only_by_rt_pcr_is_favorable_and_leaves_kmt2a_not_tested(people, center_a):
    genes = {"gene_5p": vocab(m.Gene, "ETV6"), "gene_3p": vocab(m.Gene, "RUNX1")}
    case = _infant_all(people, center_a, ("other", {"method": "rt_pcr", **genes}))
    derived = derive_for_case(case)
    assert (derived.risk.risk_class, derived.risk.rule_version) == ("favorable", "seed000-v1")
    assert (derived.kmt2a.status, derived.kmt2a.reason) == ("not_tested", d_reasons.KMT2A_NOT_TESTED)


def test_a_karyotype_t_12_21_without_11q23_is_favorable_and_kmt2a_germline(people, center_a):
    case = _infant_all(people, center_a, ("t(12;21)", {"method": "karyotype"}))
    derived = derive_for_case(case)
    assert (derived.risk.risk_class, derived.kmt2a.status) == ("favorable", "germline")
