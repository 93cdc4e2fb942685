"""One demo registry for the whole words package, built once (about half a minute on PostgreSQL) inside a
transaction that is rolled back when the package's tests are done, and its pages rendered once per language.

The tests only read what was rendered (plain Python objects), so they need no database of their own.
"""

from __future__ import annotations

import time

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="package")
def words_media(tmp_path_factory):
    return tmp_path_factory.mktemp("words-media")


@pytest.fixture(scope="package")
def words(django_db_setup, django_db_blocker, words_media):
    """The demo world, and `render(lang)`: every page, report file and e-mail in that language (cached)."""
    from tests.words import corpus, lexicon

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=words_media), transaction.atomic():
        started = time.monotonic()
        world = corpus.build_world()
        built = time.monotonic() - started
        codes = lexicon.coded_values()
        rendered: dict[str, corpus.Rendered] = {}
        data: dict[str, set[str]] = {}

        class Words:
            def render(self, lang: str) -> corpus.Rendered:
                if lang not in rendered:
                    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=words_media):
                        rendered[lang] = corpus.render_all(world, lang)
                return rendered[lang]

            def data(self, lang: str) -> set[str]:
                if lang not in data:
                    with django_db_blocker.unblock():
                        data[lang] = lexicon.data_strings(lang, set(codes))
                return data[lang]

        Words.world, Words.codes, Words.built_seconds = world, codes, built
        Words.quotations = lexicon.shipped_quotations()  # the papers' words, English on purpose when quoted
        yield Words()
        transaction.set_rollback(True)
