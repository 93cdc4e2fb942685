"""The fingerprint of a run's input, the code version, and the run options: plain Python, no database."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from analytics.runs import fingerprint as fp
from analytics.runs.options import BAD_YEARS, RunFilters, RunSettings
from analytics.schema import ADVERSE_EVENT_COLUMNS, ASSESSMENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS, Dataset


def _dataset(case_keys=("A", "B", "C"), *, wbc=1.0, mrd=0.5) -> Dataset:
    cases = pd.DataFrame([{c: None for c in CASE_COLUMNS} | {"case_key": k, "center": "X"} for k in case_keys])
    cases["lab_wbc_baseline"] = wbc
    findings = pd.DataFrame(
        [{"case_key": k, "center": "X", "method": "fish", "abnormality": "t(4;11)"} for k in case_keys],
        columns=list(FINDING_COLUMNS),
    )
    assessments = pd.DataFrame(
        [{"case_key": k, "center": "X", "days": 34, "day": 33, "marrow": "M1", "mrd_flow_pct": mrd} for k in case_keys],
        columns=list(ASSESSMENT_COLUMNS),
    )
    return Dataset(
        cases, findings, pd.DataFrame(columns=list(ADVERSE_EVENT_COLUMNS)), "2026-01-01", assessments=assessments
    )


def test_the_fingerprint_does_not_depend_on_row_order_or_the_data_cut():
    first = fp.fingerprint(_dataset(("A", "B", "C")), settings={"x": 1})
    shuffled = fp.fingerprint(_dataset(("C", "A", "B")), settings={"x": 1})
    later = _dataset(("A", "B", "C"))
    later = Dataset(later.cases, later.findings, later.adverse_events, "2027-01-01", assessments=later.assessments)
    assert first == shuffled == fp.fingerprint(later, settings={"x": 1})


def test_the_fingerprint_changes_with_any_value_the_settings_or_the_scope():
    base = fp.fingerprint(_dataset(), settings={"x": 1})
    assert fp.fingerprint(_dataset(wbc=2.0), settings={"x": 1}) != base
    assert fp.fingerprint(_dataset(mrd=0.05), settings={"x": 1}) != base
    assert fp.fingerprint(_dataset(("A", "B")), settings={"x": 1}) != base
    assert fp.fingerprint(_dataset(), settings={"x": 2}) != base
    assert fp.fingerprint(_dataset(), settings={"x": 1}, scope="X") != base


def test_the_canonical_bytes_have_every_table_with_the_schemas_columns_first():
    text = fp.canonical_bytes(_dataset()).decode("latin-1")
    assert text.startswith('# cases\n[["' + '", "'.join(CASE_COLUMNS[:3]))
    assert "# findings\n" in text and "# adverse_events\n" in text
    assert '# assessments\n[["' + '", "'.join(ASSESSMENT_COLUMNS) + '"], ' in text


def _findings(rows) -> Dataset:
    base = _dataset(())
    findings = pd.DataFrame(
        [dict(zip(("case_key", "abnormality", "fusion", "score"), row, strict=True)) | {"center": "X"} for row in rows],
        columns=[*FINDING_COLUMNS, "score"],  # an extra column of numbers and NaN
    )
    return Dataset(base.cases, findings, base.adverse_events, base.data_cut, assessments=base.assessments)


HOSTILE = [
    ("A", "t(4;11)", "KMT2A::AFF1", 1.5),
    ("A", "t(4;11)", "KMT2A::AFF1", 1.5),  # the same finding entered twice
    ("B", 'a,"b"\nB,c', None, None),
    ("B", "a", '"b"\nB,c', 2.0),
    ("C", "", None, 0.0),
    ("C", None, "", None),
]


def test_no_row_order_changes_the_fingerprint_even_with_duplicate_rows_and_hostile_text():
    first = fp.fingerprint(_findings(HOSTILE), settings={})
    for shift in range(1, len(HOSTILE)):
        rows = HOSTILE[shift:] + HOSTILE[:shift]
        assert fp.fingerprint(_findings(rows[::-1] if shift % 2 else rows), settings={}) == first


def test_rows_whose_hashes_collide_are_still_put_in_one_order(monkeypatch):
    # The row hash's key is public, so a collision can be crafted: the rows' text must then decide the order.
    monkeypatch.setattr(pd.util, "hash_pandas_object", lambda frame, index: pd.Series([7] * len(frame), dtype="u8"))
    first = fp.fingerprint(_findings(HOSTILE), settings={})
    assert fp.fingerprint(_findings(HOSTILE[::-1]), settings={}) == first
    assert fp.fingerprint(_findings(HOSTILE[2:] + HOSTILE[:2]), settings={}) == first


def test_text_cannot_pass_for_another_value_row_or_column():
    base = fp.fingerprint(_findings(HOSTILE), settings={})
    variants = [
        HOSTILE[:1] + HOSTILE[2:],  # one of the duplicates gone
        [*HOSTILE[:2], ("B", 'a,"b"', None, None), ("B", "c", None, None), *HOSTILE[3:]],  # cut at the line break
        [*HOSTILE[:3], ("B", "a,", '"b"\nB,c', 2.0), *HOSTILE[4:]],  # a comma moved from one column to the next
        [*HOSTILE[:4], ("C", None, None, 0.0), HOSTILE[5]],  # an empty text became missing
        [*HOSTILE[:4], ("C", "", "", 0.0), HOSTILE[5]],
        [*HOSTILE[:5], ("C", None, "", 0.0)],  # a missing number became 0
    ]
    fingerprints = {fp.fingerprint(_findings(rows), settings={}) for rows in variants}
    assert len(fingerprints) == len(variants) and base not in fingerprints


def test_a_number_changed_in_its_last_bit_or_to_missing_changes_the_fingerprint():
    base = fp.fingerprint(_dataset(wbc=0.1), settings={})
    assert fp.fingerprint(_dataset(wbc=0.1 + 2**-56), settings={}) != base
    assert fp.fingerprint(_dataset(wbc=float("nan")), settings={}) != base
    assert fp.fingerprint(_dataset(wbc=-0.0), settings={}) != fp.fingerprint(_dataset(wbc=0.0), settings={})


def test_the_code_version_comes_from_the_environment_or_the_sources(monkeypatch):
    fp.code_version.cache_clear()
    monkeypatch.setenv("CODE_VERSION", "v1.2.3-4-gabcdef")
    assert fp.code_version() == "v1.2.3-4-gabcdef"
    fp.code_version.cache_clear()
    monkeypatch.delenv("CODE_VERSION")
    version = fp.code_version()
    assert version.startswith("0.1.0+src.") and len(version.split(".")[-1]) == 12
    fp.code_version.cache_clear()


def test_options_round_trip_and_refuse_bad_values():
    filters = RunFilters(centers=["B", "A"], lineages=("ALL",), year_from=2015, cal_only=True)
    assert filters.centers == ("A", "B")
    assert RunFilters.from_dict(filters.as_dict()) == filters
    settings = RunSettings(ci_transform="plain", rule_version="seed000-v1")
    assert RunSettings.from_dict(settings.as_dict()) == settings
    with pytest.raises(ValueError, match=BAD_YEARS):
        RunFilters(year_from=2020, year_to=2019)
    with pytest.raises(ValueError):
        RunFilters(lineages=("CLL",))
    with pytest.raises(ValueError):
        RunSettings(ci_transform="arcsine")
    with pytest.raises(ValueError):
        RunSettings.from_dict({"unknown": 1})
    with pytest.raises(ValueError):
        RunSettings(induction_failure_dating="never")


def test_options_and_fingerprint_import_no_django():
    code = "import sys, analytics.runs.options, analytics.runs.fingerprint; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
