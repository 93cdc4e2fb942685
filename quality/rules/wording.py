"""A finding's message: stored in English for the record (and the API), shown in the reader's language.

A rule reports a message as a template (an English msgid, marked with ``gettext_noop``) and its parameters. The
finding keeps both (``Finding.message_parts``) beside the English text, so a page renders the message again at
display: the template through gettext, each text parameter through gettext too (a lineage, a vocabulary label,
a field's name: whatever the catalog knows), dates and decimals in the reader's format.

The entry rules (registry.validation) hand over finished English sentences; ``parse_entry`` finds the
registry's message constant a sentence was made from and recovers its parameters, so it too can be shown in
Russian. A sentence no constant matches is kept whole (and translated whole, if the catalog has it).
"""

from __future__ import annotations

import re
import string
from datetime import date
from decimal import Decimal
from functools import cache

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext

__all__ = ["Part", "parse_entry", "part", "plain", "render"]

# {"t": template, "p": {name: value}}; a value may itself be a part (a nested sentence). "pct": the template
# uses %-placeholders (Django's own validation messages) instead of {}.
Part = dict

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*)?\}")
# The entry rules may write Django's %-style placeholders instead ("%(birth)s").
_PCT_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def plain(value):
    """A parameter as JSON stores it (a date as its ISO string, a lazy text as text)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict) or value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def part(template, /, **params) -> Part:
    """A message template and its parameters, as stored on a finding (JSON: dates become ISO strings)."""
    return {"t": str(template), "p": {name: plain(value) for name, value in params.items()}}


class _Formatter(string.Formatter):
    def format_field(self, value, format_spec):
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):  # a number already localized to text: a numeric spec no longer applies
            return super().format_field(value, "")


_FORMATTER = _Formatter()


def _value(value, translate: bool):
    if isinstance(value, dict) and "t" in value:
        return _render(value, translate)
    if not translate:
        return value
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except ValueError:
                return value
        return _translated(value) if value else value
    if isinstance(value, float):
        return f"{value:g}".replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return value


# A record as registry.validation.naming.record_name writes it: "adverse event 3: Febrile neutropenia".
_NUMBERED_RECORD = re.compile(r"(?P<kind>[a-z][a-z -]*?) (?P<number>\d+)(?:: (?P<what>.+))?", re.DOTALL)


def _translated(text: str) -> str:
    """`text` in the active language, as far as the catalog knows it: whole; else a field label capitalised
    from its (lower-case) verbose name ("Onset date"); else a numbered record ("adverse event 3: ...")."""
    translated = gettext(text)
    if translated != text:
        return translated
    lowered = text[:1].lower() + text[1:]
    if lowered != text:
        translated = gettext(lowered)
        if translated != lowered:
            return translated[:1].upper() + translated[1:]
    match = _NUMBERED_RECORD.fullmatch(text)
    if match and gettext(match["kind"]) != match["kind"]:
        kind, number, what = gettext(match["kind"]), match["number"], match["what"]
        if what:
            return gettext("%(kind)s %(number)s: %(what)s") % {
                "kind": kind,
                "number": number,
                "what": _vocabulary_label(match["kind"], what) or _translated(what),
            }
        return gettext("%(kind)s %(number)s") % {"kind": kind, "number": number}
    return text


def _vocabulary_label(kind: str, label: str) -> str:
    """The active language's label of the vocabulary entry a record's name quotes in English ("adverse event 1:
    Myelotoxic aplasia"), or "" when the record's kind has no vocabulary or the entry has no translation."""
    from registry.validation.naming import vocabulary_of

    vocabulary = vocabulary_of(kind)
    if vocabulary is None:
        return ""
    entry = vocabulary.objects.filter(label=label).first()
    return entry.display_label if entry is not None else ""


def _render(item: Part, translate: bool) -> str:
    template = item.get("t", "")
    text = gettext(template) if translate and template else template
    params = {name: _value(value, translate) for name, value in (item.get("p") or {}).items()}
    if item.get("pct"):
        try:
            return text % params if params else text
        except (KeyError, TypeError, ValueError):
            return text
    try:
        return _FORMATTER.format(text, **params)
    except (KeyError, IndexError, ValueError):
        # A translation that lost or misspelled a placeholder: the English sentence is better than none.
        return _FORMATTER.format(template, **params) if text != template else template


def render(parts, *, translate: bool = True) -> str:
    """The message of `parts`: in the active language (``translate``), or the English one to store."""
    return " ".join(_render(item, translate) for item in parts)


@cache
def _entry_templates() -> tuple[tuple[re.Pattern, str, bool], ...]:
    from registry.validation import rules

    templates = []
    for name in dir(rules):
        value = getattr(rules, name)
        if not name.isupper() or not isinstance(value, str | Promise):
            continue
        text = str(value)
        if not any(c.isalpha() for c in _PCT_PLACEHOLDER.sub("", _PLACEHOLDER.sub("", text))):
            continue  # no sentence: a format such as "{}: {}" would swallow every message
        pct = bool(_PCT_PLACEHOLDER.search(text))
        placeholder = _PCT_PLACEHOLDER if pct else _PLACEHOLDER
        pattern, seen, last = [], set(), 0
        for match in placeholder.finditer(text):
            pattern.append(re.escape(text[last : match.start()]))
            key = match.group(1)
            # An entry rule's {value} is a date or a number, one token: "Onset date 2014-11-07 (...)" must split
            # as field "Onset date", value "2014-11-07", not "Onset" and "date 2014-11-07".
            group = r"\S+?" if key == "value" else ".+?"
            pattern.append(f"(?P={key})" if key in seen else f"(?P<{key}>{group})")
            seen.add(key)
            last = match.end()
        pattern.append(re.escape(text[last:]))
        literal = len(placeholder.sub("", text))
        templates.append((literal, re.compile("".join(pattern), re.DOTALL), text, pct))
    # The template with the most fixed text first: "{label}: {error}" must not swallow a specific sentence.
    return tuple((regex, text, pct) for _, regex, text, pct in sorted(templates, key=lambda item: -item[0]))


def parse_entry(message) -> Part:
    """The part an entry rule's English sentence was made from (its template and parameters)."""
    message = str(message)
    for regex, template, pct in _entry_templates():
        match = regex.fullmatch(message)
        if match:
            return {"t": template, "p": match.groupdict(), **({"pct": True} if pct else {})}
    return {"t": message, "p": {}}
