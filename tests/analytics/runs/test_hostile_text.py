"""One center's text never breaks the pooled analysis, and nothing it typed runs anywhere: a pooled run on the
demo data with hostile text in the records' free text and the vocabularies' labels, through the real services."""

from __future__ import annotations

import csv
import io
import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics.runs.models import AnalysisRun
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.services import run_request
from registry import models as m
from tests.analytics.reports.hostile import runs_in_a_spreadsheet

pytestmark = pytest.mark.django_db

PARTNER = "$^^$"  # the fusion partner typed at one center that made every pooled run fail
PROTOCOL = "<b>P&amp;1</b>$^^$"
ABNORMALITY = "-7 <font color=red>x</font>"
ADVERSE_EVENT = "@SUM(1) <script>alert(1)</script>"
NOTE = "|cmd '/C calc' \x1b\r=1+2 <para>&"


@pytest.fixture
def hostile_records(db):
    call_command("seed_demo", cases=40, quiet=True, stdout=io.StringIO())
    other = m.Gene.objects.get(code="OTHER")
    kmt2a_r = m.CytogeneticFinding.objects.filter(gene_5p__code="KMT2A")
    assert kmt2a_r.exists()
    kmt2a_r.update(gene_3p=other, gene_other=PARTNER, iscn=NOTE)
    m.CytogeneticFinding.objects.exclude(pk__in=kmt2a_r).update(iscn="<para>46,XY &amp; $x_{")
    used = m.Treatment.objects.values_list("protocol", flat=True).first()
    m.Protocol.objects.filter(pk=used).update(name=PROTOCOL, description=NOTE)
    m.Abnormality.objects.filter(pk__in=m.CytogeneticFinding.objects.values("abnormality")).update(label=ABNORMALITY)
    m.AdverseEventType.objects.update(label=ADVERSE_EVENT)
    m.OutcomeEvent.objects.update(note=NOTE)
    m.FollowUp.objects.update(note=NOTE)
    m.Case.objects.update(exclusion_note=NOTE)
    m.Diagnosis.objects.update(other_extramedullary=NOTE)
    m.Treatment.objects.update(arm='=HYPERLINK("http://x")')


def _pooled_run(user, capture) -> AnalysisRun:
    with capture(execute=True):
        run = run_request(user=user, filters=RunFilters(), settings=RunSettings())
    run.refresh_from_db()
    return run


def _file(run, kind, name=None) -> bytes:
    artifacts = run.artifacts.filter(kind=kind)
    if name:
        artifacts = artifacts.filter(name=name)
    return artifacts.get().file.open("rb").read()


def test_hostile_text_in_the_records_leaves_the_pooled_run_whole_and_inert(
    hostile_records, people, django_capture_on_commit_callbacks, client
):
    run = _pooled_run(people.coordinator, django_capture_on_commit_callbacks)
    assert run.status == AnalysisRun.Status.DONE, run.error

    # CSV: the typed text is there, but no cell can run as a formula.
    findings = _file(run, "csv", "findings").decode()
    assert "'" + ABNORMALITY in findings and f"KMT2A::{PARTNER}" in findings
    for name in ("dataset", "findings", "adverse_events", "assessments"):
        for row in csv.reader(io.StringIO(_file(run, "csv", name).decode(), newline="")):
            assert not any(runs_in_a_spreadsheet(cell) for cell in row), (name, row)

    # XLSX: no formula anywhere, text cells neutralised.
    workbook = load_workbook(io.BytesIO(_file(run, "xlsx")))
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not (
                    isinstance(cell.value, str) and runs_in_a_spreadsheet(cell.value)
                ), (ws.title, cell.coordinate, cell.value)

    # Figures: the partner drawn as the four characters typed, in a well-formed SVG.
    svg = _file(run, "svg", "kmt2a_partners")
    ElementTree.fromstring(svg)
    assert PARTNER.encode() in svg

    # PDF: the protocol name printed literally, not read as bold markup and an entity.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_file(run, "pdf"))).pages)
    assert PROTOCOL in re.sub(r"\s+", "", text)

    # HTML: escaped by the template, never inserted as markup.
    client.force_login(people.coordinator)
    page = client.get(reverse("analytics:run_report", args=[run.pk])).content.decode()
    assert "&lt;b&gt;P&amp;amp;1&lt;/b&gt;$^^$" in page
    assert PROTOCOL not in page and "<script>alert(1)" not in page
