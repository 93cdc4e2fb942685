"""Journey 2: a coordinator starts a pooled run over two centers, follows it, reads the report and downloads it."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.conftest import BROWSER
from tests.factories import make_full_case

pytestmark = BROWSER

RUN_SECONDS = 120  # the run itself executes inside the request that starts it; this is a generous bound


def _cases_at_two_centers(people) -> int:
    births = (date(2020, 1, 1), date(2020, 6, 15), date(2021, 2, 1))
    for birth in births:
        make_full_case(people.entry_a, people.center_a, birth=birth)
    for birth in births[:2]:
        make_full_case(people.entry_b, people.center_b, birth=birth)
    return len(births) + 2


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def _workbook_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


def test_a_coordinator_runs_a_pooled_analysis_and_downloads_its_pdf_and_workbook(journey, center_people):
    journey.name = "j2-pooled-run"
    n_cases = _cases_at_two_centers(center_people)
    page = journey.page()
    journey.sign_in(page, "coordinator")
    page.locator("header a[href$='/analyses/']").click()
    page.wait_for_load_state()
    journey.look(page, "run-list")
    page.locator("main a[href$='/analyses/new/']").click()
    page.wait_for_load_state()
    journey.look(page, "run-form")
    page.set_default_navigation_timeout(RUN_SECONDS * 1000)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click(no_wait_after=True)
    assert re.search(r"/analyses/\d+/$", page.url), page.url

    # The page reloads itself until the run is finished; the report's button appears then.
    report_button = page.locator("main a[href$='/report/']")
    report_button.wait_for(timeout=RUN_SECONDS * 1000)
    run_page = page.locator("main").inner_text()
    assert "Done" in run_page or "done" in run_page, run_page[:1500]
    cases_label = page.locator("dt", has_text=re.compile(r"^Cases$"))
    shown_cases = cases_label.locator("xpath=following-sibling::dd").inner_text()
    assert shown_cases == str(n_cases)
    fingerprint = page.locator("dd code").filter(has_text=re.compile(r"^[0-9a-f]{64}$")).inner_text()
    journey.look(page, "run-page")

    report_button.click()
    page.wait_for_load_state()
    journey.look(page, "report")
    intro = page.locator("main .card").first.inner_text()
    match = re.search(r"(\d+) cases?", intro)
    assert match and int(match.group(1)) == n_cases, intro

    downloads = page.locator("main .card").first.locator("a.button")
    pdf = _download(page, downloads.filter(has_text=re.compile(r"\.pdf$")))
    xlsx = _download(page, downloads.filter(has_text=re.compile(r"\.xlsx$")))

    assert pdf.startswith(b"%PDF")
    pdf_text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert re.search(rf"\b{n_cases} cases\b", pdf_text), pdf_text[:1500]
    cells = _workbook_cells(xlsx)
    assert fingerprint in cells, cells[:80]  # the run's fingerprint as its page shows it, in the Contents sheet
    assert str(n_cases) in cells, cells[:80]
    journey.assert_no_problems()
