"""The two checks over rendered documents, and how their failures read (one line per document and token, with
the URL or file, the roles that saw it, the language and the text around it)."""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from tests.words.corpus import Document
from tests.words.detect import Hit, english_runs, literal_hits, remove_quotations, remove_strings, word_hits
from tests.words.lexicon import NON_WORD_PATTERNS

__all__ = ["MAX_LINES", "codes_in", "english_in", "literals_in", "summary", "without_codes"]

MAX_LINES = int(os.environ.get("WORDS_MAX_LINES", "400"))


def _present(strings: Iterable[str], document: Document) -> list[str]:
    text = "\n".join(document.chunks)
    return [s for s in strings if s in text]


def _scan(
    documents: list[Document], data: set[str], check_for: Callable[[Document], Callable[[str], list[Hit]]]
) -> dict[str, list[Hit]]:
    """The hits of `check_for(document)` in each block of each document (data taken out first), by place: a page
    that differs between roles only by its menu is reported once, with the roles that saw it."""
    found: dict[str, list[Hit]] = {}
    roles: dict[str, set[str]] = {}
    for document in documents:
        present = _present(data, document)
        check = check_for(document)
        place = f"[{document.lang}] {document.where}"
        hits = found.setdefault(place, [])
        seen = set(hits)
        for chunk in document.chunks:
            for hit in check(remove_strings(chunk, present) if present else chunk):
                if hit not in seen:
                    seen.add(hit)
                    hits.append(hit)
        roles.setdefault(place, set()).update(document.roles)
    return {f"{place} (roles: {', '.join(sorted(roles[place])) or '-'})": hits for place, hits in found.items() if hits}


def codes_in(documents: list[Document], codes: set[str], data: set[str]) -> dict[str, list[Hit]]:
    """Raw codes (whole tokens) in the documents' text, the data's own strings taken out first. The keys from codes
    to labels (Document.codes_expected) are left out."""
    checked = [d for d in documents if not d.codes_expected]
    return _scan(checked, data, lambda _document: lambda text: word_hits(text, codes))


def literals_in(documents: list[Document], data: set[str]) -> dict[str, list[Hit]]:
    return _scan(documents, data, lambda _document: literal_hits)


@functools.lru_cache(maxsize=256)
def _verbatim(messages: tuple[str, ...]) -> re.Pattern | None:
    if not messages:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, messages)) + r")(?![\w-])")


@functools.lru_cache(maxsize=8)
def _written_as_codes(codes: frozenset[str]) -> re.Pattern | None:
    """A code where a key from codes to labels writes one: before " = label", or starting an item ("cases: ...",
    at the start of a cell or after "; " or ". ")."""
    if not codes:
        return None
    names = "|".join(map(re.escape, sorted(codes, key=len, reverse=True)))
    return re.compile(rf"(?<![\w./-])(?:{names})(?= = )|(?:^|(?<=; )|(?<=\. ))(?:{names})(?=: )")


def without_codes(text: str, codes: frozenset[str]) -> str:
    """``text`` with the codes a key from codes to labels shows taken out: the whole cell when it is a code, and
    the codes of "code = label" and of "code: ..." items. Codes inside a sentence stay (and count)."""
    if text.strip() in codes:
        return ""
    pattern = _written_as_codes(codes)
    return pattern.sub(" ¦ ", text) if pattern is not None else text


def english_in(
    documents: list[Document],
    data: set[str],
    known: set[str],
    msgids: list[str],
    codes: Iterable[str] = (),
    quotations: Iterable[str] = (),
) -> dict[str, list[Hit]]:
    """English left in Russian documents: runs of 2+ English words, and our English messages found verbatim
    (data, known non-words and notation taken out first; in a key from codes to labels (a data file's Codes or
    Variables sheet, the dictionary) also the ``codes`` it shows as codes, see ``without_codes``; and the shipped
    ``quotations`` where they are shown marked as quotations)."""
    quotations = tuple(quotations)
    if quotations:
        documents = [replace(d, chunks=remove_quotations(d.chunks, quotations)) for d in documents]
    sentences = sorted({m for m in msgids if re.search(r"[A-Za-z]{2}", m) and m not in known}, key=len, reverse=True)
    codes = frozenset(codes)

    def check_for(document: Document) -> Callable[[str], list[Hit]]:
        # Only the messages that occur in this document at all go into its pattern: a pattern of every message of
        # the catalog would be tried at every position of every text.
        verbatim = _verbatim(tuple(_present(sentences, document)))

        def check(text: str) -> list[Hit]:
            if document.codes_expected:
                text = without_codes(text, codes)
            for pattern in NON_WORD_PATTERNS:
                text = pattern.sub(" ¦ ", text)
            hits = english_runs(text, known)
            if verbatim is not None:
                covered = {hit.token for hit in hits}
                for m in verbatim.finditer(text):
                    if not any(m.group(1) in token for token in covered):
                        hits.append(Hit(m.group(1), text[max(0, m.start() - 60) : m.end() + 60]))
            return hits

        return check

    return _scan(documents, data, check_for)


def summary(what: str, found: dict[str, list[Hit]], labels: dict[str, str] | None = None) -> str:
    """`what` counted, the most frequent tokens (with the label to show instead, when `labels` has it), then each
    document with its hits (at most MAX_LINES lines)."""
    labels = labels or {}
    total = sum(len(hits) for hits in found.values())
    tokens = Counter(hit.token for hits in found.values() for hit in hits)
    lines = [
        f"{total} {what} in {len(found)} document(s).",
        "Most frequent: "
        + ", ".join(
            f"{token!r} x{n}" + (f" (label: {labels[token]!r})" if token in labels else "")
            for token, n in tokens.most_common(25)
        ),
    ]
    for label, hits in sorted(found.items()):
        lines.append(label)
        lines += [f"    {hit}" for hit in hits]
        if len(lines) > MAX_LINES:
            lines.append(f"... ({len(found)} documents in all; the first are shown)")
            break
    return "\n".join(lines)
