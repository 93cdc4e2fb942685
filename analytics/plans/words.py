"""The plans' sentences for people, marked for translation without Django.

``gettext_noop`` marks a sentence where it is defined (Django's ``makemessages`` collects every
``gettext_noop("...")`` into the catalog) and returns it unchanged. ``text`` fills a marked template and returns
the English sentence as a ``Text``: a ``str`` (JSON documents, logs and the CLI read it as plain English) that
keeps its template and values, so a page can show it in the reader's language
(``analytics.studies.i18n.translated``). No Django here.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Text", "gettext_noop", "text"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalog; return it as it is."""
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
