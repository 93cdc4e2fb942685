"""Every kind of bad file, uploaded through the import page: each problem is listed with its message, and the
database does not change (no case data, no history; only the job that lists the problems)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from registry import models as m
from registry.import_forms import NO_FILE
from registry.models import ImportJob
from registry.transfer import files
from registry.transfer import plan as pl
from registry.transfer import problems as p
from tests.registry.transfer.rows import full_case_rows, workbook_of
from tests.registry.transfer.workbooks import CASE_HEADER, CASE_ROW, csv_bytes, xlsx, zip_of

pytestmark = pytest.mark.django_db

CASES = [*CASE_HEADER, "hospital_number"]


def _case(*extra):
    return [*CASE_ROW, "H-1", *extra]


def _bomb_xlsx() -> bytes:
    data = xlsx({"cases": [CASES, _case()]})
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    laughs = b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
                body = laughs + body.replace(b"<v>", b"<v>&b;", 1)
            target.writestr(item, body)
    return out.getvalue()


def _with_rows(**changes):
    rows = full_case_rows("2019-07")
    for sheet, update in changes.items():
        rows[sheet][0].update(update)
    return workbook_of(rows)


# name, file bytes, (sheet, column, message or its start) expected among the problems
BAD_FILES = {
    "wrong encoding": (
        "cases.csv",
        csv_bytes([CASES, _case()]).replace(b"H-1", "\u041d-1 \u0401\u043b\u043a\u0430".encode("cp1251")),
        ("cases", "", p.WRONG_ENCODING.split("(")[0]),
    ),
    "semicolons": (
        "cases.csv",
        csv_bytes([CASES, _case()], delimiter=";"),
        ("cases", "", p.WRONG_DELIMITER.split("{")[0]),
    ),
    "unknown column": (
        "cases.csv",
        csv_bytes([[*CASES, "favourite_colour"], _case("blue")]),
        ("cases", "favourite_colour", p.UNKNOWN_COLUMN.split("{")[0]),
    ),
    "missing column": (
        "cases.csv",
        csv_bytes([["case_number", "sex"], ["1", "M"]]),
        ("cases", "birth_date", p.MISSING_COLUMN.split("{")[0]),
    ),
    "ambiguous date": (
        "book.xlsx",
        _with_rows(diagnosis={"diagnosis_date": "03/04/2020"}),
        ("diagnosis", "diagnosis_date", p.AMBIGUOUS_DATE.split("{")[0]),
    ),
    "other date format": (
        "book.xlsx",
        _with_rows(diagnosis={"diagnosis_date": "14.02.2020"}),
        ("diagnosis", "diagnosis_date", p.NOT_ISO_DATE.split("{")[0]),
    ),
    "partial date": (
        "book.xlsx",
        _with_rows(follow_up={"contact_date": "2021-03"}),
        ("follow_up", "contact_date", p.PARTIAL_DATE),
    ),
    "text in a number column": (
        "book.xlsx",
        _with_rows(laboratory={"wbc": "high"}),
        ("laboratory", "wbc", p.NOT_A_NUMBER),
    ),
    "a code outside the list": (
        "book.xlsx",
        _with_rows(follow_up={"vital_status": "zombie"}),
        ("follow_up", "vital_status", p.NOT_A_CODE.split("{")[0]),
    ),
    "a vocabulary entry outside the list": (
        "book.xlsx",
        _with_rows(immunophenotype={"marker": "CD999"}),
        ("immunophenotype", "marker", pl.NOT_IN_VOCABULARY.split("{")[0][:-1]),
    ),
    "implausible value": (
        "book.xlsx",
        _with_rows(laboratory={"wbc": 99999}),
        ("laboratory", "wbc", p.OUT_OF_RANGE.split("{")[0]),
    ),
    "formula cell": (
        "book.xlsx",
        xlsx({"cases": [CASES, [*_case()[:-1], "=1+2"]]}, raw=True),
        ("cases", "hospital_number", p.FORMULA_CELL.split("{")[0]),
    ),
    "duplicate rows": (
        "book.xlsx",
        workbook_of({**full_case_rows("1"), "cases": full_case_rows("1")["cases"] * 2}),
        ("cases", "case_number", pl.CASE_ROW_TWICE.split("{")[0]),
    ),
    "a child row with no case": (
        "follow_up.csv",
        csv_bytes([["case_number", "contact_date", "vital_status"], ["X-9", "2021-01-01", "alive"]]),
        ("follow_up", "case_number", pl.CHILD_WITHOUT_CASE.split("{")[0]),
    ),
    "an entry rule across sheets": (
        "book.xlsx",
        _with_rows(follow_up={"contact_date": "2019-01-01"}),
        ("follow_up", "contact_date", "Contact date 2019-01-01 (new follow-up contact: Alive) is before"),
    ),
    "headers only": ("cases.csv", csv_bytes([CASES]), ("", "", p.EMPTY_FILE)),
    "not what its extension says": (
        "cases.xlsx",
        b"case_number,sex\n1,M\n",
        ("", "", p.NOT_WHAT_EXTENSION_SAYS.split("{")[0]),
    ),
    "zip bomb": (
        "bomb.zip",
        zip_of({"cases.csv": b"case_number\n" + b"1\n" * 2_000_000}),
        ("", "", p.ZIP_BOMB.split("(")[0]),
    ),
    "xml bomb": ("bomb.xlsx", _bomb_xlsx(), ("", "", p.XML_BOMB)),
}


def _state():
    counts = {model.__name__: model.objects.count() for model in (m.Case, *m.CASE_RECORD_MODELS)}
    counts.update({"history " + model.__name__: model.history.count() for model in (m.Case, *m.CASE_RECORD_MODELS)})
    return counts


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_lists_its_problem_and_changes_nothing(client, people, center_a, kind):
    name, data, (sheet, column, message) = BAD_FILES[kind]
    client.force_login(people.entry_a)
    before = _state()
    response = client.post(
        reverse("registry:import_list"), {"center": center_a.pk, "file": SimpleUploadedFile(name, data)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.PROBLEMS
    found = [pr for pr in job.problems if pr["sheet"] == sheet and pr["column"] == column]
    assert any(pr["message"].startswith(message) for pr in found), job.problems
    assert escape(found[0]["message"]) in client.get(response.url).content.decode()
    assert _state() == before and job.content is None
    assert client.post(reverse("registry:import_commit", kwargs={"job_pk": job.pk})).status_code == 302
    assert _state() == before


def test_an_empty_file_is_refused_by_the_form(client, people, center_a):
    client.force_login(people.entry_a)
    response = client.post(
        reverse("registry:import_list"), {"center": center_a.pk, "file": SimpleUploadedFile("cases.csv", b"")}
    )
    assert response.status_code == 200 and escape(NO_FILE) in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused_by_the_form(client, people, center_a, monkeypatch):
    monkeypatch.setattr("registry.import_forms.MAX_BYTES", 100)
    client.force_login(people.entry_a)
    response = client.post(
        reverse("registry:import_list"), {"center": center_a.pk, "file": SimpleUploadedFile("a.csv", b"x" * 101)}
    )
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_row_limit_is_refused(client, people, center_a, monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 1)
    monkeypatch.setattr(files.read_upload, "__kwdefaults__", {"max_bytes": files.MAX_BYTES, "max_rows": 1})
    client.force_login(people.entry_a)
    before = _state()
    client.post(
        reverse("registry:import_list"),
        {"center": center_a.pk, "file": SimpleUploadedFile("cases.csv", csv_bytes([CASES, _case(), _case()]))},
    )
    job = ImportJob.objects.get()
    assert any(pr["message"].startswith(p.TOO_MANY_ROWS.split("{")[0]) for pr in job.problems)
    assert _state() == before
