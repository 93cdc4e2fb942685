from datetime import date

from analytics.derive import derive_interfant06_risk, reasons

from .builders import case, finding, protocol

BIRTH = date(2024, 1, 15)
UNDER_6_MONTHS = date(2024, 7, 14)  # one day before the 6-month birthday
AT_6_MONTHS = date(2024, 7, 15)


def group(**fields):
    fields.setdefault("birth_date", BIRTH)
    return derive_interfant06_risk(case(**fields)).group


def test_kmt2a_germline_is_low_risk():
    germline = (finding("no_kmt2a_r", method="fish", kmt2a=False),)
    assert group(findings=germline, diagnosis_date=UNDER_6_MONTHS, wbc_baseline=500.0) == "low"


def test_kmt2a_r_under_6_months_with_wbc_exactly_300_is_high():
    assert group(diagnosis_date=UNDER_6_MONTHS, wbc_baseline=300.0, steroid_response="good") == "high"


def test_kmt2a_r_under_6_months_with_wbc_299_9_and_good_prednisone_response_is_medium():
    assert group(diagnosis_date=UNDER_6_MONTHS, wbc_baseline=299.9, steroid_response="good") == "medium"


def test_kmt2a_r_under_6_months_with_poor_prednisone_response_is_high_whatever_the_wbc():
    assert group(diagnosis_date=UNDER_6_MONTHS, wbc_baseline=10.0, steroid_response="poor") == "high"


def test_kmt2a_r_at_exactly_6_months_is_medium_even_with_high_wbc_and_poor_response():
    assert group(diagnosis_date=AT_6_MONTHS, wbc_baseline=350.0, steroid_response="poor") == "medium"


def test_missing_prednisone_response_does_not_matter_when_wbc_already_decides_high():
    assert group(diagnosis_date=UNDER_6_MONTHS, wbc_baseline=350.0, steroid_response=None) == "high"


def test_missing_wbc_does_not_matter_when_prednisone_response_already_decides_high():
    assert group(diagnosis_date=UNDER_6_MONTHS, wbc_baseline=None, steroid_response="poor") == "high"


def test_missing_wbc_and_nothing_else_deciding_is_unknown_and_names_wbc():
    result = derive_interfant06_risk(
        case(birth_date=BIRTH, diagnosis_date=UNDER_6_MONTHS, wbc_baseline=None, steroid_response="good")
    )
    assert result.group == "unknown"
    assert result.reason == reasons.INTERFANT_INPUTS_UNKNOWN + "WBC"


def test_missing_prednisone_response_with_low_wbc_is_unknown():
    result = derive_interfant06_risk(
        case(birth_date=BIRTH, diagnosis_date=UNDER_6_MONTHS, wbc_baseline=100.0, steroid_response=None)
    )
    assert (result.group, result.reason) == ("unknown", reasons.INTERFANT_INPUTS_UNKNOWN + "prednisone response")


def test_kmt2a_r_at_6_months_or_older_is_medium_whatever_wbc():
    assert group(diagnosis_date=AT_6_MONTHS, wbc_baseline=None, steroid_response=None) == "medium"


def test_unknown_age_is_unknown_only_when_wbc_or_prednisone_would_make_it_high():
    assert group(birth_date=None, wbc_baseline=100.0, steroid_response="good") == "medium"
    result = derive_interfant06_risk(case(birth_date=None, wbc_baseline=350.0))
    assert (result.group, result.reason) == ("unknown", reasons.INTERFANT_INPUTS_UNKNOWN + "age")


def test_diagnosis_before_birth_leaves_age_unknown():
    assert group(diagnosis_date=date(2024, 1, 1), wbc_baseline=350.0) == "unknown"


def test_kmt2a_not_tested_is_unknown():
    etv6_runx1_by_rt_pcr = finding("other", method="rt_pcr", fusion="ETV6::RUNX1")
    result = derive_interfant06_risk(case(findings=(etv6_runx1_by_rt_pcr,)))
    assert (result.group, result.reason) == ("unknown", reasons.KMT2A_NOT_TESTED)


def test_no_findings_is_unknown():
    assert derive_interfant06_risk(case(findings=())).group == "unknown"


def test_not_applicable_to_aml_even_on_interfant_06():
    result = derive_interfant06_risk(case(lineage="AML"))
    assert (result.group, result.reason) == ("not_applicable", reasons.LINEAGE_NOT_ALL)


def test_not_applicable_to_mixed_phenotype_leukemia():
    assert derive_interfant06_risk(case(lineage="MPAL")).group == "not_applicable"


def test_not_applicable_to_all_on_another_protocol():
    for name in ("MLL-Baby", "CCCG-ALL-2015", "other"):
        result = derive_interfant06_risk(case(protocol=protocol(name)))
        assert (result.group, result.reason) == ("not_applicable", reasons.NOT_INTERFANT06), name


def test_missing_protocol_or_lineage_is_unknown_not_a_guess():
    assert derive_interfant06_risk(case(protocol=None)).reason == reasons.PROTOCOL_MISSING
    assert derive_interfant06_risk(case(lineage=None)).reason == reasons.LINEAGE_MISSING
