"""The detectors of the words tests: what a person reads on a page, and what must not be in it.

Plain functions without Django, each with its own unit tests (tests/words/test_detectors.py), so that the page
tests are shown to be able to fail.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = [
    "Hit",
    "PoEntry",
    "english_runs",
    "literal_hits",
    "placeholders",
    "read_po",
    "remove_quotations",
    "remove_strings",
    "svg_text",
    "visible_text",
    "word_hits",
]

# Elements whose content nobody reads as text.
_HIDDEN = {"script", "style", "template", "noscript"}
# Elements where codes are the content on purpose (a plan's spec, a command to type): skipped, see TECHNICAL.
TECHNICAL = {"code", "kbd", "samp", "pre", "textarea"}
_VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base", "embed", "track"}
# Attributes a person reads (a tooltip, a screen reader's name, a hint in an empty field, an image's text).
_READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Elements after which the text goes on in another block: a word never joins across them.
_BLOCKS = {
    "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "option", "label", "button",
    "section", "article", "header", "footer", "nav", "dt", "dd", "caption", "legend", "title", "summary", "a",
    "figcaption", "table", "ul", "ol", "dl", "form", "fieldset", "main", "aside", "text", "tspan", "desc",
}  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """One offending token or run of words, with the text around it."""

    token: str
    context: str

    def __str__(self) -> str:
        return f"{self.token!r} in «{self.context}»"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._current: list[str] = []
        self._hidden = 0
        self._technical = 0
        # An element marked with another language (a whole report in its own language) is read as such, not
        # as the page's words: [tag, nested same-name tags] while inside one.
        self._foreign: list[list] = []
        # A quotation marked with its language (<q lang="en">, a paper's words) is read in guillemets, the marks a
        # reader sees: remove_quotations takes out the quotations the registry ships, and only those.
        self._quotes: list[bool] = []
        self._page_lang = ""

    def _another_language(self, lang: str | None) -> bool:
        """A `lang` differing from the page's: a wrapper in the page's own language (the report page's
        <div lang="ru"> on a Russian page) is read as the page's words."""
        primary = (lang or "").split("-")[0].lower()
        return bool(primary) and primary != self._page_lang

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.chunks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self._page_lang = (attrs.get("lang") or "").split("-")[0].lower()
        if tag == "q" and not self._foreign:
            self._quotes.append(bool(attrs.get("lang")))
            if self._quotes[-1] and not self._hidden and not self._technical:
                self._current.append(QUOTE_OPEN)
        elif self._foreign and tag == self._foreign[-1][0]:
            self._foreign[-1][1] += 1
        elif tag != "html" and self._another_language(attrs.get("lang")) and tag not in _VOID:
            self._flush()
            self._foreign.append([tag, 0])
        if tag in _HIDDEN:
            self._hidden += 1
            return
        if tag in TECHNICAL:
            self._flush()
            self._technical += 1
        if tag in _BLOCKS:
            self._flush()
        if self._hidden:
            return
        read = [attrs.get(name) for name in _READ_ATTRIBUTES]
        if tag == "input" and (attrs.get("type") or "").lower() in {"submit", "button", "reset"}:
            read.append(attrs.get("value"))
        for value in read:
            if value and value.strip():
                self.chunks.append(" ".join(value.split()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN:
            self._hidden -= 1
        elif tag in TECHNICAL:
            self._technical -= 1

    def handle_endtag(self, tag):
        if tag == "q" and self._quotes and not self._foreign:
            if self._quotes.pop() and not self._hidden and not self._technical:
                self._current.append(QUOTE_CLOSE)
            return
        if self._foreign and tag == self._foreign[-1][0]:
            if self._foreign[-1][1]:
                self._foreign[-1][1] -= 1
            else:
                self._current = []  # dropped: text in another language, marked as such
                self._foreign.pop()
                return
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
            return
        if tag in TECHNICAL:
            self._current = []  # dropped: see TECHNICAL
            self._technical = max(0, self._technical - 1)
            return
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self._hidden and not self._technical and not self._foreign:
            self._current.append(data)

    def close(self):
        super().close()
        self._flush()


def visible_text(html: str) -> list[str]:
    """The text a person reads on an HTML page, as blocks (a cell, a paragraph, a button, an attribute).

    Leaves out <script>, <style> and the technical elements (TECHNICAL); keeps the attributes a
    person reads (title, aria-label, placeholder, alt) and the value of <input type=submit|button|reset>.
    """
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.chunks


def svg_text(svg: str) -> list[str]:
    """The words drawn in an SVG figure (<text>, <title>, <desc>); empty when the figure draws its text as paths."""
    found = re.findall(r"<(text|title|desc)\b[^>]*>(.*?)</\1>", svg, flags=re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", body).split()) for _tag, body in found]
    return [t for t in texts if t]


def _context(text: str, start: int, end: int, width: int = 60) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


@functools.lru_cache(maxsize=8)
def _token_pattern(words: frozenset[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(r"(?<![\w./-])(" + alternatives + r")(?![\w/]|[.-]\w)")


def word_hits(text: str, words: Iterable[str]) -> list[Hit]:
    """Every occurrence of one of `words` as a whole token (not inside a longer word, identifier or path)."""
    pattern = _token_pattern(frozenset(words))
    if pattern is None:
        return []
    return [Hit(m.group(1), _context(text, m.start(), m.end())) for m in pattern.finditer(text)]


# Python's own spelling of values: never meant for a person.
_LITERALS = re.compile(
    r"\[\]|\{\}|\{'|'\}|\(\)|<bound method|object at 0x[0-9a-f]+|\b(?:True|False|None)\b(?!\s+[a-z]|\.)|"
    r"(?<![\w.])(?:nan|inf)(?![\w.])|\b(?:datetime\.date|Decimal)\("
)


def literal_hits(text: str) -> list[Hit]:
    """Python literals that leaked into text: [], {}, {'…'}, True/False/None, nan, inf, reprs.

    "None of …" and "None." are English; "NaN" (capitalised) is left to prose that explains a missing estimate.
    """
    return [Hit(m.group(0), _context(text, m.start(), m.end())) for m in _LITERALS.finditer(text)]


QUOTE_OPEN, QUOTE_CLOSE = "\u00ab", "\u00bb"


@functools.lru_cache(maxsize=8)
def _quotation_pattern(quotations: tuple[str, ...]) -> re.Pattern | None:
    """Each quotation between guillemets, its words joined by any whitespace (a PDF line may end anywhere)."""
    bodies = [
        r"\s+".join(map(re.escape, q.split())) for q in sorted(set(quotations), key=len, reverse=True) if q.split()
    ]
    if not bodies:
        return None
    return re.compile(QUOTE_OPEN + r"\s*(?:" + "|".join(bodies) + r")\s*" + QUOTE_CLOSE)


def remove_quotations(chunks: list[str], quotations: Iterable[str], mark: str = " ¦ ") -> list[str]:
    """`chunks` with every one of `quotations` (a paper's words the registry ships in English) taken out where it
    is shown marked as a quotation: «…», however its lines wrap across chunks. A quotation shown without its
    marks, or English between guillemets that is no shipped quotation, stays for the checks to catch."""
    pattern = _quotation_pattern(tuple(sorted(set(quotations))))
    text = "\n".join(chunks)
    if pattern is None or QUOTE_OPEN not in text:
        return list(chunks)
    return [line for line in pattern.sub(mark, text).split("\n") if line.strip()]


def remove_strings(text: str, strings: Iterable[str], mark: str = " ¦ ") -> str:
    """`text` with every occurrence of `strings` (longest first) replaced by `mark`, which no word joins across."""
    for value in sorted({s for s in strings if s}, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mark)
    return text


_APOSTROPHES = "'\u2019"
_DASHES = "\u2013-"
_LATIN_WORD = rf"[A-Za-z](?:[A-Za-z{_APOSTROPHES}]*[A-Za-z])?"
# Latin words in a row, separated by spaces and at most light punctuation (a comma, a colon, a dash).
_LATIN_RUN = re.compile(rf"(?<![\w-]){_LATIN_WORD}(?:[ ,:;{_DASHES}]+{_LATIN_WORD})+(?![\w-])")
# An English word: 2+ letters, one of them lower case (all capitals is an abbreviation: OS, HLA-DR, KMT2A).
_LONG_WORD = re.compile(rf"(?<![A-Za-z])(?=[A-Za-z{_APOSTROPHES}]*[a-z])[A-Za-z][A-Za-z{_APOSTROPHES}]*[A-Za-z]")


def english_runs(text: str, known: Iterable[str] = ()) -> list[Hit]:
    """Runs of two or more English words (Latin letters, at least two of them of 2+ letters with a lower-case one:
    "Register a case") left in a text after the `known` non-words (names, notation, units) are taken out."""
    known = set(known)
    cleaned = text
    if known:
        names = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
        cleaned = re.sub(r"(?<![\w-])(?:" + names + r")(?!\w)", " ¦ ", text)
    return [
        Hit(m.group(0), _context(cleaned, m.start(), m.end()))
        for m in _LATIN_RUN.finditer(cleaned)
        if len(_LONG_WORD.findall(m.group(0))) >= 2
    ]


# ------------------------------------------------------------------------------------------------------------------
# The catalog
# ------------------------------------------------------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str
    msgstr: str = ""
    msgid_plural: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key gettext stores the message under (context EOT msgid)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def _unquote(value: str) -> str:
    value = value.strip()
    assert value.startswith('"') and value.endswith('"'), value
    body = value[1:-1]
    return re.sub(r'\\(["\\ntr])', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), body)


def read_po(text: str) -> list[PoEntry]:
    """The entries of a .po file (the header and obsolete "#~" entries left out)."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int | None] | None = None
    flags: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            if current is not None:
                entries.append(current)
            current, target, flags = None, None, set()
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = None, line
        if keyword in {"msgctxt", "msgid"} and (current is None or current.msgstr or current.msgstr_plural):
            if current is not None:
                entries.append(current)
            current = PoEntry(msgid="", flags=flags, line=number)
            flags = set()
        if current is None:
            current = PoEntry(msgid="", flags=flags, line=number)
        if keyword == "msgctxt":
            current.msgctxt, target = _unquote(rest), ("msgctxt", None)
        elif keyword == "msgid":
            current.msgid, target = _unquote(rest), ("msgid", None)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = _unquote(rest), ("msgid_plural", None)
        elif keyword == "msgstr":
            current.msgstr, target = _unquote(rest), ("msgstr", None)
        elif keyword and keyword.startswith("msgstr["):
            index = int(keyword[7:-1])
            current.msgstr_plural[index], target = _unquote(rest), ("msgstr_plural", index)
        elif keyword is None and target is not None:
            name, index = target
            if name == "msgstr_plural":
                current.msgstr_plural[index] += _unquote(rest)
            else:
                setattr(current, name, getattr(current, name) + _unquote(rest))
    if current is not None:
        entries.append(current)
    return [entry for entry in entries if entry.msgid]


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    """The format placeholders of a message (%(name)s, %s, {name}, {}), sorted."""
    return sorted(_PLACEHOLDER.findall(text))
