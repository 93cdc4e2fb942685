from analytics.derive import derive_kmt2a, reasons

from .builders import finding, t411


def test_a_flagged_11q23_finding_is_rearranged_with_its_fusion_partner():
    result = derive_kmt2a([t411()])
    assert (result.status, result.partner) == ("rearranged", "AFF1")


def test_a_kmt2a_fusion_without_the_flag_is_rearranged():
    result = derive_kmt2a([finding(method="rna_seq", fusion="KMT2A::MLLT3")])
    assert (result.status, result.partner) == ("rearranged", "MLLT3")


def test_a_fusion_ending_in_kmt2a_is_rearranged_and_the_partner_is_the_other_gene():
    result = derive_kmt2a([finding(method="rt_pcr", fusion="MLLT1::KMT2A")])
    assert (result.status, result.partner) == ("rearranged", "MLLT1")


def test_an_unknown_partner_translocation_gives_unknown_partner():
    result = derive_kmt2a([finding("t(?;11q23)", kmt2a=True)])
    assert (result.status, result.partner) == ("rearranged", "unknown_partner")


def test_a_fusion_found_later_names_the_partner_of_a_t_unknown_11q23():
    result = derive_kmt2a([finding("t(?;11q23)", kmt2a=True), finding(method="rna_seq", fusion="KMT2A::EPS15")])
    assert result.partner == "EPS15"


def test_a_rearrangement_without_a_recorded_fusion_has_an_unknown_partner_and_says_why():
    result = derive_kmt2a([finding("kmt2a_other", method="fish", kmt2a=True)])
    assert (result.status, result.partner) == ("rearranged", "unknown")
    assert result.partner_reason == reasons.KMT2A_PARTNER_NOT_RECORDED


def test_two_different_partners_are_a_contradiction():
    result = derive_kmt2a([t411(), finding(method="rna_seq", fusion="KMT2A::MLLT3")])
    assert (result.status, result.partner) == ("rearranged", "unknown")
    assert result.partner_reason == reasons.CONTRADICTION_PARTNERS


def test_a_negative_kmt2a_test_is_germline():
    result = derive_kmt2a([finding("no_kmt2a_r", method="fish", kmt2a=False)])
    assert (result.status, result.partner) == ("germline", "not_applicable")


def test_any_result_of_a_test_that_examines_kmt2a_is_germline():
    for method in ("karyotype", "multiplex_rt_pcr", "rna_seq"):
        for abnormality in ("normal_karyotype", "other"):
            assert derive_kmt2a([finding(abnormality, method=method)]).status == "germline", (method, abnormality)


def test_a_karyotype_t_12_21_without_11q23_is_germline():
    result = derive_kmt2a([finding("t(12;21)", fusion="ETV6::RUNX1")])
    assert (result.status, result.partner_reason) == ("germline", reasons.KMT2A_NOT_REARRANGED)


def test_an_etv6_runx1_by_single_target_rt_pcr_says_nothing_about_kmt2a():
    result = derive_kmt2a([finding("other", method="rt_pcr", fusion="ETV6::RUNX1")])
    assert (result.status, result.reason) == ("not_tested", reasons.KMT2A_NOT_TESTED)


def test_a_normal_result_of_rt_pcr_or_fish_for_another_gene_does_not_exclude_kmt2a():
    for method in ("rt_pcr", "fish"):
        for abnormality in ("normal_karyotype", "other"):
            assert derive_kmt2a([finding(abnormality, method=method)]).status == "not_tested", (method, abnormality)


def test_a_kmt2a_pcr_recorded_as_not_rearranged_is_germline():
    assert derive_kmt2a([finding("no_kmt2a_r", method="rt_pcr", kmt2a=False)]).status == "germline"


def test_sequencing_that_does_not_see_translocations_does_not_exclude_kmt2a():
    assert derive_kmt2a([finding("other", method="wes"), finding("other", method="sanger")]).status == "not_tested"


def test_a_rearrangement_wins_over_a_negative_test_with_a_note():
    result = derive_kmt2a([finding("no_kmt2a_r", method="fish", kmt2a=False), t411()])
    assert result.status == "rearranged"
    assert result.reason == reasons.KMT2A_CONFLICT_NOTE


def test_no_findings_is_unknown():
    result = derive_kmt2a([])
    assert (result.status, result.partner, result.reason) == ("unknown", "unknown", reasons.KMT2A_NO_FINDINGS)


def test_a_finding_with_no_result_recorded_is_not_a_finding():
    assert derive_kmt2a([finding(None, method="fish")]).status == "unknown"
