"""An entry rule's English sentence is traced back to the registry's message template and its parameters, so a
finding made of it is shown in the reader's language, its dates in the reader's format."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from quality.rules import wording
from registry.validation import rules as entry_rules

_BRACES = re.compile(r"\{(\w+)(:[^{}]*)?\}")
_PERCENT = re.compile(r"%\((\w+)\)[sd]")


def _templates():
    for name in dir(entry_rules):
        value = getattr(entry_rules, name)
        if name.isupper() and isinstance(value, str) and (_BRACES.search(value) or _PERCENT.search(value)):
            yield name, value


def _sample(template: str) -> str:
    if _PERCENT.search(template):
        return template % {key: "2024-03-05" for key in _PERCENT.findall(template)}
    params = {key: (12.5 if spec else "2024-03-05") for key, spec in _BRACES.findall(template)}
    return template.format(**params)


@pytest.mark.parametrize(("name", "template"), list(_templates()))
def test_an_entry_rules_sentence_is_read_back_into_template_and_parameters(name, template):
    message = _sample(template)
    part = wording.parse_entry(message)
    assert wording.render([part], translate=False) == message, name
    with translation.override("ru"):
        shown = wording.render([part])
    assert "2024-03-05" not in shown and ("05.03.2024" in shown or "12,5" in shown), (name, shown)


def test_a_sentence_of_no_template_is_kept_whole():
    assert wording.parse_entry("Something else entirely.") == {"t": "Something else entirely.", "p": {}}
