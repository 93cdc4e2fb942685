"""The Russian translation is complete: (a) the catalog answers every string the code and templates mark, fully,
and its compiled .mo is the .po's; (b) no English of ours is left in a Russian page, report file or e-mail of the
demo registry (the data's own strings, gene names, notation and the abbreviations of lexicon.KNOWN_NON_WORDS
are left alone)."""

from __future__ import annotations

import gettext
import re

import pytest

from tests.words.catalog import MO, PO, catalog_entries, compile_po, marked_msgids, nplurals
from tests.words.detect import placeholders
from tests.words.findings import english_in, summary
from tests.words.lexicon import KNOWN_NON_WORDS

AREAS = ("pages", "reports", "emails")
# The demo lives in the test database (built once for the package, tests/words/conftest.py).
pytestmark = pytest.mark.django_db


def _where(entry) -> str:
    return f"django.po line {entry.line}: {entry.msgid!r}"


def _lines(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:200])


# ------------------------------------------------------------------------------------------------------------------
# (a) The catalog
# ------------------------------------------------------------------------------------------------------------------


def test_every_catalog_entry_is_translated_and_reviewed():
    n = nplurals()
    problems = []
    for entry in catalog_entries():
        if "fuzzy" in entry.flags:
            problems.append(f"{_where(entry)} is marked fuzzy (not used until reviewed)")
        if entry.msgid_plural:
            missing = [i for i in range(n) if not entry.msgstr_plural.get(i, "").strip()]
            if missing:
                problems.append(f"{_where(entry)} has no plural form(s) {missing} of {n}")
        elif not entry.msgstr.strip():
            problems.append(f"{_where(entry)} has no translation")
    assert not problems, _lines(problems)


def test_translations_keep_the_placeholders_of_their_message():
    problems = []
    for entry in catalog_entries():
        if entry.msgid_plural:
            wanted = set(placeholders(entry.msgid_plural)) | set(placeholders(entry.msgid))
            given = [set(placeholders(s)) for s in entry.msgstr_plural.values() if s]
            # A form may leave the number out ("одна запись"), but may not bring a placeholder of its own.
            if any(g - wanted for g in given) or (given and set().union(*given) != wanted):
                problems.append(f"{_where(entry)}: placeholders {sorted(wanted)}, forms have {given}")
        elif entry.msgstr and placeholders(entry.msgid) != placeholders(entry.msgstr):
            problems.append(
                f"{_where(entry)}: placeholders {placeholders(entry.msgid)} but "
                f"{placeholders(entry.msgstr)} in {entry.msgstr!r}"
            )
    assert not problems, _lines(problems)


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    fresh = tmp_path / "django.mo"
    compile_po(PO, fresh)
    with MO.open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalog = gettext.GNUTranslations(committed)._catalog
        compiled_catalog = gettext.GNUTranslations(compiled)._catalog
    stale = sorted(
        str(key) for key in set(committed_catalog) | set(compiled_catalog)
        if committed_catalog.get(key) != compiled_catalog.get(key)
    )  # fmt: skip
    assert not stale, "django.mo is not the compiled django.po (run `make messages`); differing: " + _lines(stale)
    translated = [e for e in catalog_entries() if e.msgstr and "fuzzy" not in e.flags and not e.msgid_plural]
    unanswered = [_where(e) for e in translated if committed_catalog.get(e.key) != e.msgstr]
    assert not unanswered, "django.mo does not answer: " + _lines(unanswered)


def test_every_string_marked_in_the_code_and_templates_is_in_the_catalog():
    in_catalog = {(entry.msgctxt, entry.msgid) for entry in catalog_entries()}
    missing = sorted(marked_msgids() - in_catalog, key=lambda pair: pair[1])
    assert not missing, "not in django.po (run `make messages` and translate): " + _lines(
        [f"{msgid!r}" + (f" (context {ctxt!r})" if ctxt else "") for ctxt, msgid in missing]
    )


# ------------------------------------------------------------------------------------------------------------------
# (b) Russian pages, reports and e-mails
# ------------------------------------------------------------------------------------------------------------------

_SYMBOL = re.compile(r"\b(?:[A-Za-z]*\d\w*|[A-Z][A-Z0-9]+[a-z]?)\b")


@pytest.fixture(scope="module")
def known(words):
    """KNOWN_NON_WORDS and the symbols of the vocabularies (gene and marker names: KMT2A, AFF1, CD19...)."""
    symbols = set()
    for code, label in words.codes.items():
        symbols.update(_SYMBOL.findall(code))
        symbols.update(_SYMBOL.findall(label))
    return set(KNOWN_NON_WORDS) | symbols


@pytest.fixture(scope="module")
def file_codes(words, django_db_blocker):
    """What the data files and the dictionary show as codes (their Codes and Variables sheets, README items): the
    coded values, every code of the dictionary's variables (CNS1, whose English label is itself, too), the
    variables' and tables' names, and the import's yes/no."""
    from analytics.schema import TABLES
    from analytics.variables import dataset_variables
    from registry.dictionary import entered_variables
    from registry.transfer.sheets import BOOLEAN_FALSE, BOOLEAN_TRUE, SHEETS

    codes = set(words.codes) | set(TABLES) | {sheet.name for sheet in SHEETS} | {BOOLEAN_TRUE, BOOLEAN_FALSE}
    with django_db_blocker.unblock():
        for variable in [*entered_variables(), *dataset_variables()]:
            codes.add(variable.name)
            codes.update(str(code) for code, _label in variable.codes)
    return codes


@pytest.fixture(scope="module")
def english_msgids():
    return [e.msgid for e in catalog_entries() if e.msgstr != e.msgid and not placeholders(e.msgid)]


@pytest.mark.parametrize("area", AREAS)
def test_no_english_left_in_russian(words, known, english_msgids, file_codes, area):
    documents = [d for d in words.render("ru").documents if d.area == area]
    assert documents, f"no Russian {area} were read"
    found = english_in(
        documents, words.data("ru"), known, english_msgids, codes=file_codes, quotations=words.quotations
    )
    assert not found, summary(f"English words or messages left in Russian {area}", found)


def test_a_report_asked_for_in_russian_is_not_the_english_one(words):
    """The same rows and settings asked for in Russian must not be answered with the English run's files."""
    for en, ru in zip(words.world.runs["en"], words.world.runs["ru"], strict=True):
        assert ru.source.pk != en.source.pk, (
            f"run {ru.pk}, asked for in Russian, reuses run {en.source.pk} made in English (its PDF, XLSX and "
            "figures): the run's language is not part of what makes two runs the same"
        )
