"""No raw code and no Python literal reaches a person: every page for every role (entry, lead, coordinator, data
manager), every report format (run page, report page, PDF, XLSX sheets, figures) and every e-mail, rendered from
the demo registry in English and in Russian (tests/words/corpus.py says what is read and what is left out)."""

import pytest

from tests.words.catalog import catalog_entries
from tests.words.corpus import LANGUAGES, ROLES
from tests.words.findings import codes_in, literals_in, summary
from tests.words.lexicon import flaggable_codes, label_words

AREAS = ("pages", "reports", "emails")
# The demo lives in the test database (built once for the package, tests/words/conftest.py).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def codes(words):
    msgids = [entry.msgid for entry in catalog_entries()]
    return flaggable_codes(words.codes, label_words(words.codes, msgids))


def test_every_page_route_has_a_filler_for_its_url_arguments(words):
    assert words.render("en").unfillable == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_fails(words, lang):
    assert words.render(lang).errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_role_and_every_report_format_is_read(words, lang):
    """The checks below cannot pass by reading nothing."""
    documents = words.render(lang).documents
    pages = {role: sum(role in d.roles for d in documents if d.area == "pages") for role in ROLES}
    assert all(n >= 10 for n in pages.values()), pages
    reports = [d.where for d in documents if d.area == "reports"]
    for part in ("/report/", ".pdf", ".svg", "sheet"):
        assert any(part in where or (part == ".pdf" and "files" in where) for where in reports), (part, reports)
    assert any("sheet" in where for where in reports)
    assert sum(d.area == "emails" for d in documents) >= 4


def test_the_demo_is_built_quickly(words):
    assert words.built_seconds < 150, f"the demo took {words.built_seconds:.0f} s to build: {words.world.seconds}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("area", AREAS)
def test_no_raw_codes(words, codes, lang, area):
    documents = [d for d in words.render(lang).documents if d.area == area]
    found = codes_in(documents, codes, words.data(lang))
    assert not found, summary(f"raw codes ({area}, {lang})", found, labels=words.codes)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("area", AREAS)
def test_no_python_literals(words, lang, area):
    documents = [d for d in words.render(lang).documents if d.area == area]
    found = literals_in(documents, words.data(lang))
    assert not found, summary(f"Python literals ({area}, {lang})", found)
