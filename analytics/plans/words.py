"""The plans' sentences for people, marked for translation without Django.

``gettext_noop`` marks a sentence where it is defined (Django's ``makemessages`` collects every
``gettext_noop("...")`` into the catalog) and returns it unchanged. ``text`` fills a marked template and returns
the English sentence as a ``Text``: a ``str`` (JSON documents, logs and the CLI read it as plain English) that
keeps its template and values, so a page can show it in the reader's language
(``analytics.studies.i18n.translated``).

A sentence read back from a stored document (a run's results: verdicts, reasons, notes) is plain English again;
``translate`` finds the marked template it was made from and translates it with the ``gettext`` it is given.
No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["Text", "gettext_noop", "text", "translate"]

_MARKED: dict[str, None] = {}  # every marked sentence, in the order the modules define them
# Values that are numbers (a p value may read "p = 0.03"): matched as one token, so a sentence splits one way.
_NUMERIC = {"published", "pooled", "estimate", "lower", "upper", "width", "level", "events", "minimum", "alpha"}
_NUMERIC |= {"limit", "time", "days", "n", "k", "m", "e", "number", "grade", "threshold", "landmark"}
_NUMBER = r"(?:p = )?[^\s]+?"
# Values that are a word or two ("below", "at or above"): never a sentence's end, so a template ending in one
# cannot take in the sentences a stored reason goes on with (a claim's note after its verdict).
_SHORT = {"side", "published_side", "pooled_side"}
_WORDS = r"[^.;:]+?"
_LONG = 12  # a template with this much fixed text is tried before a sentence is cut at ". " or "; "
_PLACEHOLDER = re.compile(r"\{(\w+)(![rsa])?(:[^{}]*)?\}")


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalog; return it as it is."""
    _MARKED.setdefault(message, None)
    return message


class Text(str):
    """An English sentence that remembers the template it was made from and the values put into it."""

    template: str
    params: dict[str, Any]


def text(template: str, **params: Any) -> Text:
    """``template.format(**params)`` as a Text (the template is one marked with ``gettext_noop``)."""
    sentence = Text(template.format(**params))
    sentence.template = template
    sentence.params = params
    return sentence


@cache
def _pattern(template: str) -> re.Pattern | None:
    """A template as a regular expression, each placeholder a group (a repeated one must repeat its value)."""
    parts, seen, last = [], set(), 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        value = _NUMBER if name in _NUMERIC else _WORDS if name in _SHORT else ".+?"
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
        seen.add(name)
        last = match.end()
    if not seen:
        return None
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


_SORTED: dict[int, list[tuple[str, re.Pattern]]] = {}  # by how many sentences were marked when it was sorted


def _templates() -> list[tuple[str, re.Pattern]]:
    """The marked templates, most specific first (the one with the most fixed text wins when two match)."""
    key = len(_MARKED)
    if key not in _SORTED:
        found = [(t, p) for t in _MARKED if (p := _pattern(t)) is not None]
        _SORTED.clear()
        _SORTED[key] = sorted(found, key=lambda tp: -len(_PLACEHOLDER.sub("", tp[0])))
    return _SORTED[key]


# A hook that shows one value read back from a stored sentence (a variable's name, a level's code) as a reader
# knows it: ``value(key, text, values)`` returns the words, or None to translate the value as a sentence.
ValueWords = Callable[[str, str, dict[str, str]], "str | None"]


def translate(sentence: str, gettext: Callable[[str], str], value: ValueWords | None = None) -> str:
    """``sentence`` (English, made from the marked sentences) in the language of ``gettext``.

    A ``Text`` is translated through its template. A plain string is looked up as a marked sentence, then matched
    against the marked templates (each value translated the same way); sentences joined by ". " or "; " are
    translated one by one. Text nobody marked (a label a user typed, a number) comes back unchanged. ``value``
    (optional) words the values of a matched template first (a variable's code shown as its label).
    """
    _load_every_module()
    if isinstance(sentence, Text):
        params = {k: translate(v, gettext) if isinstance(v, str) else v for k, v in sentence.params.items()}
        return _fill(gettext(sentence.template), params)
    return _translate(str(sentence), gettext, depth=0, value=value)


def _load_every_module() -> None:
    """Import the modules that mark sentences, so every template is known however the caller got here."""
    import analytics.plans.claims
    import analytics.plans.execute
    import analytics.plans.methods.cox
    import analytics.plans.pooling
    import analytics.plans.syntax
    import analytics.plans.verdict  # noqa: F401


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):  # a value read back as text cannot take a number's format
        return _PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), template)


def _candidates(sentence: str):
    """The sentence as it is, and with its first letter lowered (a marked sentence starting a stored one)."""
    yield sentence, False
    if sentence[:1].isupper():
        yield sentence[:1].lower() + sentence[1:], True


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _exact(sentence: str, gettext: Callable[[str], str]) -> str | None:
    """A whole marked sentence (or one the caller's catalog knows), also with its first letter lowered or its
    final period taken off where it was stored so."""
    for candidate, capital in _candidates(sentence):
        for ending in ("", "."):
            out = gettext(candidate + ending)
            if candidate + ending in _MARKED or out != candidate + ending:
                out = out[: len(out) - len(ending)] if ending and out.endswith(ending) else out
                return _capitalized(out) if capital else out
    return None


def _by_template(
    sentence: str, gettext: Callable[[str], str], depth: int, *, long: bool, value: ValueWords | None = None
) -> str | None:
    for template, pattern in _templates():
        if (len(_PLACEHOLDER.sub("", template)) >= _LONG) != long:
            continue
        for candidate, capital in _candidates(sentence):
            match = pattern.fullmatch(candidate)
            if match is None:
                continue
            found = match.groupdict()
            params = {}
            for k, v in found.items():
                shown = value(k, v, found) if value is not None else None
                params[k] = shown if shown is not None else _translate(v, gettext, depth + 1, value=value)
            # The values were read back as text (a !r value with its quotes): fill them in as they are.
            out = _PLACEHOLDER.sub(lambda m: "{" + m.group(1) + "}", gettext(template)).format(**params)
            return _capitalized(out) if capital else out
    return None


def _recognised(sentence: str) -> bool:
    """A sentence that starts one of ours: a marked sentence, or a template that starts with fixed text."""
    sentence = sentence.removesuffix(".")
    for candidate, _capital in _candidates(sentence):
        if candidate in _MARKED or candidate + "." in _MARKED:
            return True
        for template, pattern in _templates():
            starts_fixed = not template.startswith("{") and len(_PLACEHOLDER.sub("", template)) >= _LONG
            if starts_fixed and pattern.fullmatch(candidate):
                return True
    return False


def _translate(sentence: str, gettext: Callable[[str], str], depth: int, value: ValueWords | None = None) -> str:
    if not sentence.strip() or depth > 8:
        return sentence
    out = _exact(sentence, gettext)
    if out is None:
        out = _by_template(sentence, gettext, depth, long=True, value=value)
    if out is not None:
        return out
    for separator in (". ", "; "):
        if separator not in sentence:
            continue
        pieces = sentence.split(separator)
        for i in range(1, len(pieces)):  # a sentence of ours that holds the separator itself stays whole
            head, tail = separator.join(pieces[:i]), separator.join(pieces[i:])
            if _recognised(tail):
                return (
                    _translate(head, gettext, depth + 1, value)
                    + separator
                    + _translate(tail, gettext, depth + 1, value)
                )
        translated = [_translate(piece, gettext, depth + 1, value) for piece in pieces]
        if translated != pieces:
            return separator.join(translated)
    out = _by_template(sentence, gettext, depth, long=False, value=value)
    if out is not None:
        return out
    if sentence.endswith("."):
        inner = _translate(sentence[:-1], gettext, depth + 1, value)
        if inner != sentence[:-1]:
            return inner + "."
    return sentence
