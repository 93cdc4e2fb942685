"""analytics.datafiles without Django: the files' own words go through the translate function they are given, the
codes and the CSV data do not; without one the files are English as before."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from openpyxl import load_workbook

from analytics.datafiles import about_rows, dataset_files, plan_table
from analytics.datafiles import words as w
from tests.analytics.test_datafiles import LINEAGE


def _tables():
    cases = pd.DataFrame({"case_key": ["R1"], "lineage": ["ALL"], "trm": [True]})
    empty = {name: pd.DataFrame({"case_key": []}) for name in ("findings", "adverse_events", "assessments")}
    variables = [LINEAGE]
    return [plan_table("cases", cases, variables), *(plan_table(n, f, variables) for n, f in empty.items())]


def _shouted(message: str) -> str:
    """A stand-in language: every word of ours in capitals, so what was translated shows."""
    return message.upper()


def _files(translate=w.english):
    about = about_rows(
        exported_by="coordinator",
        exported_at="2021-06-01 10:00",
        data_cut="2021-06-01",
        filters="All centers",
        n_cases=1,
        translate=translate,
    )
    xlsx = dataset_files(_tables(), "xlsx", stem="d", about=about, translate=translate)[2]
    bundle = zipfile.ZipFile(io.BytesIO(dataset_files(_tables(), "zip", stem="d", about=about, translate=translate)[2]))
    return load_workbook(io.BytesIO(xlsx)), bundle


def test_the_sheets_headings_and_labels_are_in_the_words_given_and_the_codes_stay():
    book, bundle = _files(_shouted)
    assert book.sheetnames == ["ABOUT", "cases", "findings", "adverse_events", "assessments", "VARIABLES", "CODES"]
    assert [r[0] for r in book["ABOUT"].iter_rows(values_only=True)][:2] == ["DATASET", "EXPORTED BY"]
    assert next(book["VARIABLES"].iter_rows(values_only=True))[:4] == ("TABLE", "VARIABLE", "LABEL", "TYPE")
    codes = list(book["CODES"].iter_rows(values_only=True))
    assert ("cases", "trm", 0, "FALSE", "NO") in codes and ("cases", "trm", 1, "TRUE", "YES") in codes
    assert ("cases", "lineage", 1, "ALL", "Lymphoblastic") in codes  # the dictionary's label, a code as it is
    assert next(book["cases"].iter_rows(values_only=True)) == ("case_key", "lineage", "trm")
    readme = bundle.read("README.txt").decode()
    assert readme.startswith("DATASET: PSEUDONYMIZED ANALYSIS DATASET\n") and "CASES: ONE ROW PER CASE" in readme
    assert bundle.read("codes.csv").decode().startswith("TABLE,VARIABLE,VALUE,CODE,LABEL\r\n")
    assert bundle.read("cases.csv").decode().startswith("case_key,lineage,trm\r\n")  # data stay in codes
    assert "# READS THE REGISTRY'S PSEUDONYMIZED" in bundle.read("read_dataset.R").decode()


def test_without_a_translation_the_files_are_english_as_before():
    book, bundle = _files()
    assert book.sheetnames == ["About", "cases", "findings", "adverse_events", "assessments", "Variables", "Codes"]
    assert ("cases", "trm", 1, "TRUE", "Yes") in list(book["Codes"].iter_rows(values_only=True))
    assert bundle.read("variables.csv").decode().startswith("table,variable,label,type,unit,codes,description\r\n")
    readme = bundle.read("README.txt").decode()
    assert "Conventions: Pseudonymized analysis dataset of the registry. cases: one row per case;" in readme
    assert "booleans 0 No / 1 Yes. Text a spreadsheet would run as a formula" in readme


def test_an_spss_label_in_russian_is_cut_to_its_bytes_without_splitting_a_letter():
    from analytics.datafiles.stats import _cut

    label = _cut("Лейкоциты при диагнозе" * 20, 120, "sav")
    assert len(label.encode("utf-8")) <= 120 and label.endswith("\u2026") and "\ufffd" not in label
    assert _cut("Лейкоциты", 120, "sav") == "Лейкоциты"
