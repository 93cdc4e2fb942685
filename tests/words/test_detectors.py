"""The detectors catch what they are for (a raw code, a Python literal, an English sentence in Russian) and leave
a clean page and the data's own strings alone."""

from types import SimpleNamespace

import pytest

from tests.words.corpus import Document, Route, Unfillable, fillings
from tests.words.detect import english_runs, literal_hits, placeholders, read_po, svg_text, visible_text, word_hits
from tests.words.findings import codes_in, english_in, literals_in, summary
from tests.words.lexicon import flaggable_codes, label_words, shipped_quotations

PAGE = """<html><head><title>Case ILR-D00001</title><style>.early_infant {}</style></head>
<body><script>var x = {"chemo_refused": true};</script>
<h1>Case ILR-D00001</h1>
<table><tr><th>Age class</th><td>AGE</td></tr></table>
<button title="TITLE">Save</button><input type="submit" value="SUBMIT">
<select><option value="early_infant">Early infant (&lt; 6 months)</option></select>
<pre>lineage: early_infant</pre>
<p>Notes: NOTES</p></body></html>"""

CODES = {"early_infant": "Early infant (< 6 months)", "chemo_refused": "Chemotherapy refused", "wbc": "WBC"}


def _page(age="Early infant (&lt; 6 months)", title="Save the case", submit="Save", notes="none"):
    return PAGE.replace("AGE", age).replace("TITLE", title).replace("SUBMIT", submit).replace("NOTES", notes)


def _doc(html, lang="en"):
    return Document("pages", "/cases/1/", lang, visible_text(html), ["entry"])


def test_visible_text_leaves_out_scripts_styles_option_values_and_technical_blocks():
    chunks = visible_text(_page())
    assert "Case ILR-D00001" in chunks and "Early infant (< 6 months)" in chunks and "Save the case" in chunks
    assert not any("chemo_refused" in c or "early_infant" in c or "{" in c for c in chunks)


def test_a_raw_code_in_a_cell_a_title_or_a_button_is_caught():
    codes = flaggable_codes(CODES, label_words(CODES, []))
    for page in (_page(age="early_infant"), _page(title="chemo_refused"), _page(submit="wbc")):
        found = codes_in([_doc(page)], codes, data=set())
        assert len(found) == 1, page
    message = summary("raw codes", codes_in([_doc(_page("early_infant"))], codes, set()), labels=CODES)
    assert "[en] /cases/1/ (roles: entry)" in message and "'early_infant' in «early_infant»" in message
    assert "'early_infant' x1 (label: 'Early infant (< 6 months)')" in message


def test_a_clean_page_passes():
    codes = flaggable_codes(CODES, label_words(CODES, []))
    assert codes_in([_doc(_page())], codes, set()) == {}
    assert literals_in([_doc(_page())], set()) == {}


def test_a_code_inside_the_data_is_not_flagged():
    codes = flaggable_codes(CODES, label_words(CODES, []))
    notes = "Parents wrote chemo_refused on the form"
    assert codes_in([_doc(_page(notes=notes))], codes, data={notes}) == {}
    assert codes_in([_doc(_page(notes=notes))], codes, data=set()) != {}


def test_a_code_is_a_whole_token_only():
    assert word_hits("the early_infant_rule and early_infants", ["early_infant"]) == []
    assert word_hits("see registry/labs.py", ["labs"]) == []
    assert [h.token for h in word_hits("Age class: early_infant.", ["early_infant"])] == ["early_infant"]


def test_codes_that_may_be_words_or_abbreviations_are_left_alone():
    codes = {"relapse": "Relapse of the disease", "M": "Male", "ALL": "Acute lymphoblastic leukemia", "wbc": "WBC",
             "day0": "Day 0", "ds_tam": "Transient abnormal myelopoiesis", "12": "December"}  # fmt: skip
    assert flaggable_codes(codes, label_words(codes, ["Time to relapse"])) == {"wbc", "day0", "ds_tam"}


def test_python_literals_are_caught():
    for text in ("Settings: {'induction_failure_dating': 'day0'}", "Partners: []", "Excluded: False", "None",
                 "HR nan", "(0.00-inf)", "<bound method Case.age of <Case 1>>", "<Case object at 0x7f3a>",
                 "{}"):  # fmt: skip
        assert literal_hits(text), text
    for text in ("None of the cases relapsed.", "True positives were few", "Financial", "nano", "[1, 2]", "None."):
        assert not literal_hits(text), text


def test_english_in_a_russian_page_is_caught_and_russian_passes():
    russian = "<p>Ремиссия после индукции: 12 из 20 (60%), OS и EFS по KMT2A; t(4;11)(q21;q23).</p>"
    english = "<p>Ремиссия: 12 из 20. Register a case</p>"
    known = {"OS", "EFS", "KMT2A"}
    assert english_in([_doc(russian, "ru")], set(), known, []) == {}
    found = english_in([_doc(english, "ru")], set(), known, [])
    assert [h.token for h in next(iter(found.values()))] == ["Register a case"]


def test_a_download_s_file_name_is_not_english_but_a_sentence_beside_it_is():
    names = "<p>Файлы: run3-report.pdf, run3-report.xlsx, codes.csv, km-efs.svg</p>"
    assert english_in([_doc(names, "ru")], set(), set(), []) == {}
    assert english_in([_doc("<p>Файлы: run3-report.pdf, the full report</p>", "ru")], set(), set(), []) != {}


def test_an_english_message_of_the_catalog_is_caught_even_alone():
    found = english_in([_doc("<td>Cases</td><td>Готово</td>", "ru")], set(), set(), ["Cases"])
    assert [h.token for h in next(iter(found.values()))] == ["Cases"]


def test_english_data_in_a_russian_page_is_not_flagged():
    page = "<p>Центр: Scientific Center of Pediatrics; примечание: Parents declined the second course</p>"
    data = {"Scientific Center of Pediatrics", "Parents declined the second course"}
    assert english_in([_doc(page, "ru")], data, set(), []) == {}
    assert english_in([_doc(page, "ru")], set(), set(), []) != {}


def test_a_codes_sheet_may_show_codes_but_not_english_words_or_sentences():
    codes = {"relapse", "cases", "sex"}
    cells = ["relapse", "Рецидив", "relapse = Рецидив; death = Смерть", "cases: Случаи", "sex"]
    sheet = Document("pages", "/dictionary.xlsx sheet 'Коды'", "ru", cells, codes_expected=True)
    msgids = ["relapse", "death", "cases", "sex", "description"]
    found = english_in([sheet], set(), set(), msgids, codes)
    assert [h.token for h in next(iter(found.values()))] == ["death"]  # not one of the codes shown: still English
    sheet.chunks = [*cells[:2], "the earliest event of kind relapse", "description"]
    found = english_in([sheet], set(), set(), msgids, codes)
    assert [h.token for h in next(iter(found.values()))] == ["the earliest event of kind relapse", "description"]
    page = Document("pages", "/cases/1/", "ru", ["relapse"], codes_expected=False)
    assert english_in([page], set(), set(), msgids, codes) != {}  # a page is no key from codes to labels


def test_english_runs_skip_known_non_words_and_single_words():
    assert english_runs("Кривая Kaplan Meier для OS", {"Kaplan", "Meier", "OS"}) == []
    assert [h.token for h in english_runs("Выживаемость: Overall survival", set())] == ["Overall survival"]


def test_svg_text_reads_the_words_drawn_in_a_figure():
    svg = '<svg><title>Overall survival</title><g><text x="1">Time (months)</text></g><path d="M0"/></svg>'
    assert svg_text(svg) == ["Overall survival", "Time (months)"]


def test_read_po_reads_plurals_contexts_flags_and_continued_lines():
    po = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=4;\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s case"\nmsgid_plural "%(n)s cases"\nmsgstr[0] "%(n)s случай"\n'
        'msgstr[1] "%(n)s "\n"случая"\n\n'
        'msgctxt "verb"\nmsgid "Close"\nmsgstr "Закрыть"\n'
    )
    plural, close = read_po(po)
    assert plural.flags == {"fuzzy", "python-format"} and plural.msgstr_plural == {0: "%(n)s случай", 1: "%(n)s случая"}
    assert close.msgctxt == "verb" and close.key == "verb\x04Close" and close.msgstr == "Закрыть"
    assert placeholders("%(n)s of {total} in %s") == ["%(n)s", "%s", "{total}"]


def test_abbreviations_in_capitals_are_not_english_words():
    assert english_runs("Маркеры HLA-DR CD19 MPO положительны", set()) == []
    assert [h.token for h in english_runs("Маркеры: HLA-DR positive cells", set())] == ["HLA-DR positive cells"]


def test_a_key_from_codes_to_labels_is_left_out_of_the_code_check_only():
    codes = flaggable_codes(CODES, label_words(CODES, []))
    key = Document("pages", "/dictionary/", "en", ["early_infant", "Early infant (< 6 months)", "False"], ["entry"])
    key.codes_expected = True
    assert codes_in([key], codes, set()) == {}
    assert literals_in([key], set()) != {}


def test_a_route_without_a_filler_fails_by_name():
    route = Route("/things/{thing_id}/", ("thing_id",), "registry:thing_detail")
    with pytest.raises(Unfillable, match=r"registry:thing_detail.*thing_id"):
        fillings(route, SimpleNamespace(runs={"en": []}), "en")


def test_a_passage_marked_in_another_language_is_not_read_as_the_pages_words():
    html = '<html lang="ru"><div lang="en"><p>The whole report was made in English</p></div><p>Открыть the query</p>'
    text = visible_text(html)
    assert not any("report" in chunk for chunk in text), text
    assert "Открыть the query" in text


def test_a_passage_marked_in_the_pages_own_language_is_read():
    html = '<html lang="ru"><div lang="ru"><p>Отчёт: the whole report left in English</p></div></html>'
    assert "Отчёт: the whole report left in English" in visible_text(html)


QUOTE = "The remission rate among patients with a favorable cytogenetic profile was 91.6% ($p = 0.019$)"


def _english(chunks: list[str], quotations=(QUOTE,)) -> list[str]:
    found = english_in(
        [Document("reports", "/analyses/3/files/66/", "ru", chunks)], set(), set(), [], quotations=quotations
    )
    return [hit.token for hits in found.values() for hit in hits]


def test_a_shipped_quotation_shown_as_a_quotation_is_left_alone_however_its_lines_wrap():
    lines = [
        "Цитата «The remission rate among patients with a",
        "favorable cytogenetic profile was 91.6% ($p = 0.019$)» (цитата из статьи, на",
        "английском)",
    ]
    assert _english(lines) == []
    assert _english([f"Цитата «{QUOTE}» (цитата из статьи, на английском)"]) == []


def test_a_shipped_quotation_shown_unmarked_is_still_english_left():
    assert "The remission rate among patients with a favorable cytogenetic profile was" in _english([QUOTE])
    assert _english([f"Цитата «{QUOTE}»"], quotations=()) != []  # not a quotation the registry ships


def test_invented_english_between_guillemets_is_still_caught():
    assert _english(["Примечание: «The paper records two deaths in all» (цитата из статьи, на английском)"]) == [
        "The paper records two deaths in all"
    ]


def test_a_page_quotation_marked_with_its_language_reads_in_guillemets():
    shipped = f'<html lang="ru"><p>Опубликованное утверждение: <q lang="en">{QUOTE}</q></p></html>'
    invented = '<html lang="ru"><p>Опубликованное утверждение: <q lang="en">Our own sentence left here</q></p>'
    assert visible_text(shipped) == [f"Опубликованное утверждение: «{QUOTE}»"]
    assert english_in([_doc(shipped, "ru")], set(), set(), [], quotations=[QUOTE]) == {}
    assert english_in([_doc(invented, "ru")], set(), set(), [], quotations=[QUOTE]) != {}


def test_the_shipped_quotations_are_the_claims_quotes():
    from analytics.plans.claims import BUILTIN_PLANS

    quotes = shipped_quotations()
    assert {a.claim.quote for a in dict(BUILTIN_PLANS)["seed-000-almaty"].analyses} <= quotes
    assert any(q.startswith("Table 6 Multivariate analysis of prognoses") for q in quotes)
