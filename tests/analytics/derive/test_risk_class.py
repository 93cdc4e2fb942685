import pytest

from analytics.derive import (
    SEED000_RULES_V1,
    DerivationInputError,
    RiskRule,
    RiskRuleSet,
    classify_risk,
    reasons,
)

from .builders import finding, t411


def classify(*findings):
    return classify_risk(findings, SEED000_RULES_V1).risk_class


def test_seed_000_favorable_abnormalities():
    assert classify(finding("t(12;21)")) == "favorable"
    assert classify(finding("t(8;21)")) == "favorable"
    assert classify(finding("inv(16)")) == "favorable"


def test_seed_000_favorable_fusions_without_an_abnormality_code():
    for fusion in ("ETV6::RUNX1", "RUNX1::RUNX1T1", "CBFB::MYH11"):
        assert classify(finding(method="rt_pcr", fusion=fusion)) == "favorable", fusion


def test_an_etv6_runx1_typed_on_an_other_finding_is_favorable():
    assert classify(finding("other", method="rt_pcr", fusion="ETV6::RUNX1")) == "favorable"


def test_seed_000_unfavorable_abnormalities_and_fusions():
    assert classify(t411()) == "unfavorable"
    assert classify(finding("t(9;22)")) == "unfavorable"
    assert classify(finding(method="rt_pcr", fusion="BCR::ABL1")) == "unfavorable"


def test_any_kmt2a_rearrangement_is_unfavorable_under_seed_000():
    assert classify(finding("t(9;11)", fusion="KMT2A::MLLT3", kmt2a=True)) == "unfavorable"
    assert classify(finding("t(?;11q23)", kmt2a=True)) == "unfavorable"
    assert classify(finding(method="rna_seq", fusion="KMT2A::MLLT10")) == "unfavorable"


def test_unfavorable_wins_over_favorable_when_two_findings_disagree():
    assert classify(finding("t(12;21)"), t411()) == "unfavorable"
    assert classify(t411(), finding("t(12;21)")) == "unfavorable"


def test_favorable_wins_over_an_unclassified_second_finding():
    assert classify(finding("normal_karyotype"), finding("t(8;21)", method="fish")) == "favorable"


def test_findings_that_match_no_rule_are_intermediate():
    assert classify(finding("normal_karyotype")) == "intermediate"
    assert classify(finding("hyperdiploidy"), finding("nutm1_r", method="rna_seq", fusion="BRD9::NUTM1")) == (
        "intermediate"
    )


def test_no_findings_is_unknown_and_still_reports_the_rule_version():
    result = classify_risk([], SEED000_RULES_V1)
    assert (result.risk_class, result.rule_version) == ("unknown", SEED000_RULES_V1.version)
    assert result.reason == reasons.RISK_NO_FINDINGS


def test_the_rule_version_used_is_reported():
    result = classify_risk([t411()], SEED000_RULES_V1)
    assert result.rule_version == SEED000_RULES_V1.version
    assert RiskRule(kmt2a_rearranged=True, risk_class="unfavorable") in result.matched_rules


def test_another_rule_set_gives_its_own_class_and_version():
    rules = RiskRuleSet(version="test-2", rules=(RiskRule(abnormality="hyperdiploidy", risk_class="favorable"),))
    result = classify_risk([finding("hyperdiploidy"), t411()], rules)
    assert (result.risk_class, result.rule_version) == ("favorable", "test-2")


def test_a_rule_needing_two_criteria_matches_only_a_finding_with_both():
    rules = RiskRuleSet(
        version="test-3", rules=(RiskRule(abnormality="t(4;11)", fusion="KMT2A::AFF1", risk_class="unfavorable"),)
    )
    assert classify_risk([finding("t(4;11)")], rules).risk_class == "intermediate"
    assert classify_risk([t411()], rules).risk_class == "unfavorable"


def test_a_rule_without_any_criterion_is_refused():
    with pytest.raises(DerivationInputError):
        RiskRule(risk_class="unfavorable")


def test_a_rule_with_an_unknown_class_is_refused():
    with pytest.raises(DerivationInputError):
        RiskRule(abnormality="t(4;11)", risk_class="very bad")


def test_rule_sets_asked_in_turn_each_give_their_own_matches():
    # The rules a kind of finding matches are remembered per rule set: never another set's, nor another kind's.
    favorable = RiskRuleSet(version="a", rules=(RiskRule(abnormality="hyperdiploidy", risk_class="favorable"),))
    unfavorable = RiskRuleSet(version="b", rules=(RiskRule(abnormality="hyperdiploidy", risk_class="unfavorable"),))
    flagged = RiskRuleSet(version="c", rules=(RiskRule(kmt2a_rearranged=False, risk_class="favorable"),))
    for _ in range(2):
        assert classify_risk([finding("hyperdiploidy")], favorable).risk_class == "favorable"
        assert classify_risk([finding("hyperdiploidy")], unfavorable).risk_class == "unfavorable"
        assert classify_risk([finding("hyperdiploidy")], SEED000_RULES_V1).risk_class == "intermediate"
        assert classify_risk([finding("no_kmt2a_r", kmt2a=False)], flagged).risk_class == "favorable"
        assert classify_risk([finding("no_kmt2a_r", kmt2a=None)], flagged).risk_class == "intermediate"
        assert classify_risk([finding("no_kmt2a_r", kmt2a=True)], flagged).risk_class == "intermediate"
    for version in range(20):  # more rule sets than are remembered at once
        rules = RiskRuleSet(
            version=str(version), rules=(RiskRule(fusion=f"G{version}::KMT2A", risk_class="favorable"),)
        )
        assert classify_risk([finding(method="rna_seq", fusion=f"g{version}::kmt2a")], rules).risk_class == "favorable"
        other = classify_risk([finding(method="rna_seq", fusion="G0::KMT2A")], rules).risk_class
        assert other == ("favorable" if version == 0 else "intermediate")
