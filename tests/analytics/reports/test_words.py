"""What a reader of the report sees: labels, never codes or Python literals; "<0.001" in one piece; sheet names
cut at a word; and the whole report in Russian, with decimal commas, when the run asks for it."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.utils import translation
from openpyxl import load_workbook

from analytics.reports import Report, Table, build_report, render_html_context, render_pdf, render_xlsx
from analytics.reports.model import Section
from analytics.reports.xlsx import sheet_names, shorten
from analytics.templatetags.report_cells import report_text

from .synthetic import make_dataset

# Codes the small cohort below carries (exclusion reasons, age classes, response and KMT2A codes, lab names,
# the settings' own keys and values) that a reader must never see. ("unfavorable" and the like are English
# words too: their labels are checked for instead.)
RAW_CODES = (
    "chemo_refused",
    "ds_tam",
    "early_infant",
    "not_tested",
    "unknown_partner",
    "not_applicable",
    "no_CR",
    "induction_death",
    "wbc",
    "day0",
    "induction_failure_dating",
    "induction_window_days",
    "conf_type",
    "suppress_below",
    "apply_exclusions",
    "center_scope",
)
PYTHON_LITERALS = ("[]", "{'", "'}", "False", "True", "None")
# A few headings of ours, and their Russian.
HEADINGS = {
    "Cohort": "Когорта",
    "Survival": "Выживаемость",
    "Methods": "Методы",
    "Characteristics at diagnosis": "Характеристика при диагнозе",
}
METADATA = {
    "fingerprint": "fp-0123456789abcdef",
    "code_version": "test-1.0",
    "generated_at": "2026-11-21T00:00:00+00:00",
    "started_by": "user",
    "data_cut": "2026-11-21",
}


def _cohort():
    dataset = make_dataset(120, n_centers=3, seed=7)
    cases = dataset.cases
    excluded = cases.index[cases["excluded"].astype(bool)]
    codes = ["chemo_refused", "ds_tam"]
    for k, i in enumerate(excluded):
        cases.at[i, "exclusion_reason"] = codes[k % 2]
    assert set(cases.loc[excluded, "exclusion_reason"]) == set(codes)
    assert "early_infant" in set(cases["age_class"])
    return dataset


@pytest.fixture(scope="module")
def cohort():
    return _cohort()


@pytest.fixture(scope="module")
def english(cohort):
    with translation.override("en"):
        report = build_report(cohort, settings={}, metadata=METADATA)
        return report, _html_text(report), _pdf_text(report), _xlsx_texts(report)


@pytest.fixture(scope="module")
def russian(cohort):
    with translation.override("ru"):
        report = build_report(cohort, settings={}, metadata=METADATA)
        return report, _html_text(report), _pdf_text(report), _xlsx_texts(report)


def _html_text(report: Report) -> str:
    context = render_html_context(report)
    parts = [context["title"]]
    parts += [f"{item['key']}: {item['value']}" for item in context["metadata"] + context["settings"]]
    for section in context["sections"]:
        parts += [section["title"], *section["notes"]]
        for table in section["tables"]:
            parts += [table["title"], table["method"], *table["columns"], *table["notes"]]
            parts += [cell for row in table["rows"] for cell in row]
        parts += [f["title"] for f in section["figures"]]
    return "\n".join(str(p) for p in parts)


def _pdf_text(report: Report) -> str:
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(report, figures={})))
    return "\n".join(page.extract_text() for page in reader.pages)


def _xlsx_texts(report: Report) -> str:
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    texts = list(wb.sheetnames)
    for ws in wb.worksheets:
        texts += [str(c) for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    return "\n".join(texts)


def _raw_codes(text: str) -> list[str]:
    return [code for code in RAW_CODES if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]


@pytest.mark.parametrize("fmt", [1, 2, 3], ids=["html", "pdf", "xlsx"])
def test_the_report_shows_labels_not_codes(english, fmt):
    text = english[fmt]
    assert _raw_codes(text) == []
    assert [lit for lit in PYTHON_LITERALS if lit in text] == []
    for label in ("Chemotherapy refused", "Down syndrome with TAM/TMD", "Early infant", "Unfavorable", "WBC"):
        assert label in text, label


def test_the_settings_read_as_sentences(english):
    _report, html, pdf, xlsx = english
    for text in (html, pdf, xlsx):
        assert "Induction failure dated from day 0 of induction" in text
        assert "All centers (pooled)" in text
        assert "Recorded exclusions applied" in text and "Yes" in text


def test_sheet_names_fit_and_end_at_a_word(english, russian):
    for report in (english[0], russian[0]):
        with translation.override("ru" if report is russian[0] else "en"):
            names = sheet_names(report)
        titles = [t.title for t in report.tables()]
        assert len({n.lower() for n in names}) == len(names)
        for name, title in zip(names, titles, strict=True):
            assert len(name) <= 31
            shown = name.split(" ", 1)[1] if " " in name else ""
            words = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())
            assert words.startswith(shown), (name, title)
            assert len(shown) == len(words) or words[len(shown)] in " ,;:(", (name, title)
    assert "1.2 Characteristics at diagnosi" not in sheet_names(english[0])


def test_shorten_cuts_at_a_word_without_a_dangling_word():
    assert shorten("Characteristics at diagnosis", 24) == "Characteristics"
    assert shorten("Cases by center and lineage", 19) == "Cases by center"
    assert shorten("Характеристика при диагнозе", 20) == "Характеристика"
    assert shorten("11.6 EFS, лейкоциты > 300 и < 300", 31) == "11.6 EFS, лейкоциты > 300"
    assert shorten("7.3 Модель Кокса со стратификацией", 31) == "7.3 Модель Кокса"  # noqa: RUF001
    assert not shorten("Исходы по группе риска и полу", 26).endswith((" и", " по"))


def _narrow_p_report() -> Report:
    wide = "a long note that takes room " * 2
    columns = [f"Column {k}" for k in range(8)] + ["p"]
    rows = [[wide.strip()[:40]] * 8 + ["<0.001"] for _ in range(3)]
    table = Table("t", "P-values", columns, rows)
    return Report(title="T", settings={}, metadata={}, sections=[Section(1, "s", "S", tables=[table])])


def test_a_p_below_0001_is_one_unbreakable_unit_in_the_pdf():
    text = _pdf_text(_narrow_p_report())
    assert text.count("<0.001") == 3
    assert "<0.00\n" not in text and "<\n0.001" not in text


def test_a_p_below_0001_is_one_unbreakable_unit_in_html():
    html = str(report_text("<0.001"))
    assert 'style="white-space:nowrap">&lt;0.001</span>' in html
    assert "white-space:nowrap" in str(report_text("p < 0.001 (Fisher)"))
    assert str(report_text("<script>")).startswith("&lt;script&gt;")


def test_a_russian_report_has_russian_headings_and_decimal_commas(russian):
    report, html, pdf, xlsx = russian
    titles = [s.title for s in report.sections]
    for english_heading, russian_heading in HEADINGS.items():
        assert russian_heading in titles or russian_heading in html, russian_heading
        assert english_heading not in titles
    for text in (html, pdf):
        assert re.search(r"\d,\d+%", text), "decimal comma"
        assert not re.search(r"\d\.\d+%", text), "decimal point"
        for english_heading in HEADINGS:
            assert english_heading not in text, english_heading
    for english_heading in HEADINGS:
        assert english_heading not in xlsx
    assert "Дата среза данных" in html or "Срез данных" in html
    assert _raw_codes(html) == [] and _raw_codes(pdf) == []


def test_a_russian_workbook_keeps_numbers_as_numbers(russian):
    report = russian[0]
    with translation.override("ru"):
        wb = load_workbook(io.BytesIO(render_xlsx(report)))
    sheet = wb[wb.sheetnames[1]]
    numbers = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, int)]
    assert numbers, "counts stay numeric cells"


def test_figures_show_labels_and_speak_the_report_language(cohort):
    from analytics.reports.figures import draw_figure

    with translation.override("en"):
        report = build_report(cohort, settings={}, metadata=METADATA)
        km = draw_figure(next(f for f in report.figures() if f.kind == "km"))["svg"].decode()
    assert "Years from diagnosis" in km and "Number at risk" in km
    assert "Unfavorable" in km and not re.search(r">\s*unfavorable\s*<", km)
    with translation.override("ru"):
        report = build_report(cohort, settings={}, metadata=METADATA)
        figure = next(f for f in report.figures() if f.kind == "km")
        km = draw_figure(figure)["svg"].decode()
    assert "Годы от диагноза" in km and "Число под риском" in km and "Неблагоприятный" in km
    assert "0,2" in km and "Years from diagnosis" not in km
