"""Codes inside a sentence for people (a column name, a value as a file holds it): marked in the message, shown as
code on a page and as themselves in a file.

A message puts a code in through a placeholder (``"yes when {variable} is {code}"`` with ``variable=code("cr")``),
so a translation moves it but never translates it. ``plain`` is the text for files and the API, ``html`` for pages.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["MARK", "code", "html", "plain"]

MARK = "`"
_MARKED = re.compile(r"`([^`]+)`")


def code(name: object) -> str:
    """``name`` marked as a code."""
    return f"{MARK}{name}{MARK}"


def plain(text: object) -> str:
    """The text with its codes as they are: for files, sheets and the API."""
    return str(text).replace(MARK, "")


def html(text: object) -> SafeString:
    """The text escaped, its codes as ``<code>``: the same words as ``plain`` gives."""
    parts, last = [], 0
    source = str(text)
    for match in _MARKED.finditer(source):
        parts.append(escape(source[last : match.start()]))
        parts.append(f"<code>{escape(match.group(1))}</code>")
        last = match.end()
    parts.append(escape(source[last:]))
    return mark_safe("".join(parts))
