"""The English strings of the data-quality and audit apps, read from the Russian catalog, and a check that a
rendered page shows none of them (it shows their Russian)."""

from __future__ import annotations

import re
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

OURS = ("quality/", "audit/", "templates/quality/", "templates/emails/quality/")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+(?::[^{}]*)?\}|<[^>]+>")


def _unquote(lines: list[str]) -> str:
    return "".join(bytes(line.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                   for line in lines)  # fmt: skip


@cache
def our_msgids() -> tuple[str, ...]:
    """Every msgid whose source is one of our files (catalog location comments) and whose Russian differs."""
    text = (Path(settings.BASE_DIR) / "locale/ru/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        lines = block.splitlines()
        where = [w for line in lines if line.startswith("#: ") for w in line[3:].split()]
        if not where or not all(w.startswith(OURS) for w in where):
            continue
        current, parts = None, {"msgid": [], "msgstr": []}
        for line in lines:
            key = line.split(" ", 1)[0]
            if key in ("msgid", "msgstr", "msgstr[0]", "msgid_plural", "msgctxt"):
                current = {"msgstr[0]": "msgstr"}.get(key, key)
                parts.setdefault(current, [])
                parts[current] = [line.split(" ", 1)[1]]
            elif line.startswith('"') and current:
                parts[current].append(line)
        msgid, msgstr = _unquote(parts["msgid"]), _unquote(parts["msgstr"])
        if msgid and msgstr and msgstr != msgid:
            found.append(msgid)
    return tuple(found)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.nodes.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def english_left(html: str) -> list[str]:
    """Our English strings (or the fixed words of one) that a page shows: it should show none."""
    parser = _Text()
    parser.feed(unescape(html) if "<" not in html else html)
    nodes = [unescape(n) for n in parser.nodes]
    text = " ".join(nodes)
    left = []
    for msgid in our_msgids():
        for fragment in _PLACEHOLDER.split(msgid):
            fragment = " ".join(fragment.split()).strip(" .,:;()'")
            if len(fragment.split()) >= 2 and len(fragment) >= 10:
                if fragment in text:
                    left.append(fragment)
            elif fragment and len(fragment) >= 4 and fragment in nodes:
                left.append(fragment)
    return sorted(set(left))
