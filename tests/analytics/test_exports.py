"""analytics.exports: the pseudonymized dataset as CSV, XLSX, SPSS, Stata, R and zip, scoped and labelled."""

from __future__ import annotations

import ast
import csv
import io
import re
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pyreadstat
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from analytics.datafiles.rscript import SCRIPT_NAME
from analytics.exports import EXPORT_FORMATS, dataset_export
from analytics.runs.options import RunFilters
from analytics.schema import ASSESSMENT_COLUMNS, CASE_COLUMNS
from analytics.variables import dataset_variables, variables_by_table
from registry import models as m
from tests.analytics import fixtures
from tests.factories import UserFactory, make_full_case, save, vocab

people, center_a, center_b, case_a, case_b = (
    fixtures.people,
    fixtures.center_a,
    fixtures.center_b,
    fixtures.case_a,
    fixtures.case_b,
)
media_root = fixtures.media_root

pytestmark = pytest.mark.django_db

CUT = date(2021, 6, 1)
ALL = RunFilters(apply_exclusions=False)
HOSTILE_PROTOCOL = '=HYPERLINK("http://x.example","click")'
HOSTILE_GENE = "@SUM(1)"


def _export(user, fmt, filters=ALL):
    return dataset_export(user, filters=filters, fmt=fmt, data_cut=CUT)


def _read_stats(data: bytes, fmt: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x.{fmt}"
        path.write_bytes(data)
        reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
        return reader(str(path))


def _cells(fmt: str, data: bytes) -> list:
    """Every value a reader of the file sees (header, labels and dictionary included)."""
    if fmt in ("csv", "r"):
        return [data.decode("utf-8")]
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(data))
        return [c.value for ws in book for row in ws.iter_rows() for c in row]
    if fmt in ("sav", "dta"):
        frame, meta = _read_stats(data, fmt)
        labels = [v for value_labels in meta.variable_value_labels.values() for v in value_labels.values()]
        return [*frame.to_numpy().ravel().tolist(), *meta.column_labels, *labels, meta.file_label]
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return [bundle.read(name).decode("utf-8") for name in bundle.namelist()]


def _text(fmt: str, data: bytes) -> str:
    return "\n".join("" if v is None else str(v) for v in _cells(fmt, data))


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _case_dates(case: m.Case) -> list[date]:
    """Every calendar date held by the case or any of its records."""
    found = [case.birth_date]
    for model in (m.Diagnosis, m.Treatment):
        found += [getattr(r, f.name) for r in model.objects.filter(case=case) for f in model._meta.fields]
    for model in (m.LabPanel, m.CytogeneticFinding, m.ResponseAssessment, m.OutcomeEvent, m.AdverseEvent, m.FollowUp):
        found += [getattr(r, f.name) for r in model.objects.filter(case=case) for f in model._meta.fields]
    return sorted({d for d in found if isinstance(d, date) and not isinstance(d, datetime)})


def _spellings(day: date) -> list[str]:
    return [
        day.isoformat(),
        f"{day:%d.%m.%Y}",
        f"{day:%d/%m/%Y}",
        f"{day:%m/%d/%Y}",
        f"{day:%Y%m%d}",
        f"{day:%d-%m-%Y}",
        f"{day.day} {day:%B %Y}",
        f"{day:%B} {day.day}, {day.year}",
        f"{day:%d-%b-%Y}",
    ]


# -- content -------------------------------------------------------------------------------------------------------


def test_every_format_opens_with_one_row_per_case_of_each_center(people, case_a, case_b):
    make_full_case(people.entry_a, case_a.center, birth=date(2019, 5, 5))
    expected = dict(m.Case.objects.values_list("center__code").annotate(n=Count("pk")))
    csv_rows = _csv_rows(_export(people.coordinator, "csv").data)
    assert {c: sum(r["center"] == c for r in csv_rows) for c in expected} == expected
    assert list(csv_rows[0]) == list(CASE_COLUMNS)
    book = load_workbook(io.BytesIO(_export(people.coordinator, "xlsx").data))
    assert book.sheetnames == ["About", "cases", "findings", "adverse_events", "assessments", "Variables", "Codes"]
    assert book["cases"].max_row - 1 == sum(expected.values())
    assert book["findings"].max_row - 1 == m.CytogeneticFinding.objects.count()
    assert book["adverse_events"].max_row - 1 == m.AdverseEvent.objects.count()
    assert book["assessments"].max_row - 1 == m.ResponseAssessment.objects.count()
    assert [c.value for c in book["assessments"][1]] == list(ASSESSMENT_COLUMNS)
    for fmt in ("sav", "dta"):
        frame, _ = _read_stats(_export(people.coordinator, fmt).data, fmt)
        assert frame.groupby("center").size().to_dict() == expected, fmt
    with zipfile.ZipFile(io.BytesIO(_export(people.coordinator, "zip").data)) as bundle:
        names = set(bundle.namelist())
        assert {
            "cases.csv",
            "findings.csv",
            "adverse_events.csv",
            "assessments.csv",
            "variables.csv",
            "codes.csv",
            SCRIPT_NAME,
        } <= names
        assert bundle.read("cases.csv") == _export(people.coordinator, "csv").data
        assessments = _csv_rows(bundle.read("assessments.csv"))
        variables = bundle.read("variables.csv").decode("utf-8")
    assert len(assessments) == m.ResponseAssessment.objects.count()
    assert {(r["day"], r["days"], r["marrow"]) for r in assessments} == {("33", "33", "M1")}
    assert "assessments,mrd_pcr,PCR MRD" in variables


def test_values_keep_their_types_in_each_format(people, case_a):
    row = _csv_rows(_export(people.coordinator, "csv").data)[0]
    assert row["lineage"] == "ALL" and row["hsct"] == "FALSE" and row["wbc_ge_300"] == "TRUE"
    assert row["age_days"] == "40" and row["lab_wbc_baseline"] in ("350", "350.0")
    assert row["relapse_site"] == "" and row["exclusion_reason"] == ""
    ws = load_workbook(io.BytesIO(_export(people.coordinator, "xlsx").data))["cases"]
    header = [c.value for c in ws[1]]
    values = dict(zip(header, [c.value for c in ws[2]], strict=True))
    # Numbers are numbers and booleans booleans, not text.
    assert values["age_days"] == 40 and ws.cell(2, header.index("age_days") + 1).data_type == "n"
    assert values["lab_wbc_baseline"] == 350 and values["hsct"] is False and values["wbc_ge_300"] is True
    assert values["relapse_site"] is None


def test_spss_and_stata_files_carry_variable_and_value_labels(people, case_a):
    variables = variables_by_table()["cases"]
    for fmt, limit in (("sav", 256), ("dta", 80)):
        frame, meta = _read_stats(_export(people.coordinator, fmt).data, fmt)
        labels = meta.column_names_to_labels
        assert labels["age_days"] == variables["age_days"].label
        assert all(len(label) <= limit for label in labels.values())
        lineage = [code for code, _ in variables["lineage"].codes]
        assert meta.variable_value_labels["lineage"] == {
            i: label for i, (_, label) in enumerate(variables["lineage"].codes, start=1)
        }
        assert frame["lineage"].iloc[0] == lineage.index("ALL") + 1
        assert meta.variable_value_labels["hsct"] == {0: "No", 1: "Yes"} and frame["hsct"].iloc[0] == 0
        assert meta.variable_value_labels["os_event"] == {
            0: variables["os_event"].codes[0][1],
            1: "Death from any cause",
        }
        assert frame["age_days"].iloc[0] == 40
        # Missing is system-missing, not 0 or an empty code.
        assert frame["relapse_site"].isna().iloc[0] and frame["cr_assessment_day"].iloc[0] == 33
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,31}", name) for name in frame.columns)


def test_the_workbook_describes_every_column_and_lists_the_codes(people, case_a):
    book = load_workbook(io.BytesIO(_export(people.coordinator, "xlsx").data))
    described = {(r[0], r[1]): r[2] for r in book["Variables"].iter_rows(min_row=2, values_only=True)}
    assert {name for table, name in described if table == "cases"} == set(CASE_COLUMNS)
    assert described[("cases", "os_time")] == variables_by_table()["cases"]["os_time"].label
    codes = [r for r in book["Codes"].iter_rows(min_row=2, values_only=True) if r[:2] == ("cases", "cr_status")]
    assert [(n, code) for _, _, n, code, _ in codes] == [
        (i, code) for i, (code, _) in enumerate(variables_by_table()["cases"]["cr_status"].codes, start=1)
    ]


def test_every_dataset_column_is_described_by_the_dictionary(people, case_a):
    book = load_workbook(io.BytesIO(_export(people.coordinator, "xlsx").data))
    variables = {(v.table, v.name) for v in dataset_variables()}
    for table in ("cases", "findings", "adverse_events", "assessments"):
        header = [c.value for c in book[table][1]]
        assert header and [name for name in header if (table, name) not in variables] == [], table


# -- pseudonymization ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_no_format_holds_a_date_or_the_hospital_number_hash_of_a_case(people, case_a, fmt):
    case_a.refresh_from_db()
    days = _case_dates(case_a)
    assert case_a.birth_date in days and date(2020, 2, 10) in days and len(days) >= 5
    data = _export(people.coordinator, fmt).data
    text = _text(fmt, data)
    for day in days:
        for spelling in _spellings(day):
            assert spelling not in text, (fmt, spelling)
    assert case_a.hospital_number_hash and case_a.hospital_number_hash not in text
    if fmt in ("sav", "dta"):
        frame, _ = _read_stats(data, fmt)
        assert not any(isinstance(v, date) for v in frame.to_numpy().ravel())
    if fmt == "xlsx":
        assert not any(isinstance(v, date) for v in _cells(fmt, data))


def _other_partner(people, case, gene_other):
    """The case's KMT2A finding with a partner typed as text (the one way typed text reaches the dataset)."""
    finding = m.CytogeneticFinding.objects.get(case=case)
    finding.abnormality = vocab(m.Abnormality, "kmt2a_other")
    finding.gene_3p = vocab(m.Gene, "OTHER")
    finding.gene_other = gene_other
    save(people.entry_a, case, finding)


def test_a_date_typed_into_structured_text_is_replaced(people, case_a):
    _other_partner(people, case_a, "10.02.2020")
    text = _text("zip", _export(people.coordinator, "zip").data)
    assert "10.02.2020" not in text


# -- scope ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_center_users_export_never_holds_another_centers_case(people, case_a, case_b, fmt):
    for who in (people.entry_a, people.lead_a):
        text = _text(fmt, _export(who, fmt).data)
        if fmt != "r":
            assert case_a.registry_id in text
        assert case_b.registry_id not in text and "B-CTR" not in text
    # Naming the other center narrows an own-center scope to nothing; it never widens it.
    text = _text(fmt, _export(people.entry_a, fmt, RunFilters(centers=("B-CTR",))).data)
    assert case_b.registry_id not in text and case_a.registry_id not in text


def test_the_data_manager_and_the_coordinator_get_the_same_pooled_file(people, case_a, case_b):
    assert _export(people.manager, "csv").data == _export(people.coordinator, "csv").data


def test_a_user_without_a_role_may_not_export(people, case_a):
    with pytest.raises(PermissionDenied):
        _export(UserFactory(username="nobody"), "csv")


def test_filters_narrow_the_rows_and_exclusions_can_be_left_out(people, case_a, case_b):
    rows = _csv_rows(_export(people.coordinator, "csv", RunFilters(centers=("AAA",))).data)
    assert [r["case_key"] for r in rows] == [case_a.registry_id]
    case_b.excluded = True
    case_b.exclusion_reason = m.Case._meta.get_field("exclusion_reason").choices[0][0]
    case_b.save()
    kept = _csv_rows(_export(people.coordinator, "csv", RunFilters(apply_exclusions=False)).data)
    assert {r["case_key"]: r["excluded"] for r in kept} == {case_a.registry_id: "FALSE", case_b.registry_id: "TRUE"}
    left_out = _export(people.coordinator, "zip", RunFilters(apply_exclusions=True)).data
    assert case_b.registry_id not in _text("zip", left_out)


# -- formulas ------------------------------------------------------------------------------------------------------


def _hostile(people, case_a):
    m.Protocol.objects.filter(name="INTERFANT-06").update(name=HOSTILE_PROTOCOL)
    _other_partner(people, case_a, HOSTILE_GENE)


def test_text_a_spreadsheet_would_run_is_neutralised_and_numbers_stay_numbers(people, case_a):
    _hostile(people, case_a)
    row = _csv_rows(_export(people.coordinator, "csv").data)[0]
    assert row["protocol"] == "'" + HOSTILE_PROTOCOL and row["kmt2a_partner"] == "'" + HOSTILE_GENE
    assert row["age_days"] == "40"
    book = load_workbook(io.BytesIO(_export(people.coordinator, "xlsx").data))
    values = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in values)
    assert "'" + HOSTILE_PROTOCOL in [c.value for c in values]
    for fmt in ("sav", "dta"):
        frame, _ = _read_stats(_export(people.coordinator, fmt).data, fmt)
        assert frame["protocol"].iloc[0] == "'" + HOSTILE_PROTOCOL
    with zipfile.ZipFile(io.BytesIO(_export(people.coordinator, "zip").data)) as bundle:
        for name in ("cases.csv", "findings.csv"):
            for cells in csv.reader(io.StringIO(bundle.read(name).decode())):
                assert not any(c.lstrip()[:1] in "=+@" and c for c in cells), (name, cells)


# -- speed ---------------------------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(people, case_a):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            _export(people.coordinator, "xlsx")
        return len(ctx.captured_queries)

    count()  # the user's roles are read once and kept on the user
    few = count()
    for k in range(3):
        make_full_case(people.entry_a, case_a.center, birth=date(2019, 1, 1) + timedelta(days=k))
    assert count() == few


# -- the R script --------------------------------------------------------------------------------------------------

_FACTOR = re.compile(r'^(\w+)\[\["(\w+)"\]\] <- factor\(\1\[\["\2"\]\], levels = c\((.*)\), labels = c\((.*)\)\)$')
_CLASSES = re.compile(r"^  colClasses = c\((.*)\)\)$")


def _r_vector(text: str) -> list[str]:
    # The script's strings are ASCII with \\u escapes, which Python reads the same way.
    return list(ast.literal_eval(f"[{text}]"))


def test_the_r_script_makes_every_coded_column_a_factor_with_the_dictionarys_codes(people, case_a, case_b):
    script = _export(people.coordinator, "r").data.decode("ascii")
    factors = {}
    for line in script.splitlines():
        found = _FACTOR.match(line)
        if found:
            factors[(found[1], found[2])] = (_r_vector(found[3]), _r_vector(found[4]))
    coded = {
        (table, v.name): v
        for table, variables in variables_by_table().items()
        for v in variables.values()
        if v.kind in ("code", "vocabulary") and v.codes
    }
    assert set(factors) == set(coded)
    for key, (levels, labels) in factors.items():
        assert levels == [code for code, _ in coded[key].codes], key
        assert len(labels) == len(levels) and len(set(labels)) == len(labels), key
    assert script.count("read.csv(") == 4 and 'na.strings = ""' in script and "stringsAsFactors = FALSE" in script
    for line in script.splitlines():
        if _CLASSES.match(line):
            assert '"os_time" = "integer"' in line or '"case_key" = "character"' in line
    assert '"hsct" = "logical"' in script and 'attr(cases[["os_time"]], "label") <- "Overall survival time"' in script
