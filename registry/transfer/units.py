"""The units the registry names in English itself (not in a model's verbose name), in the reader's language."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

__all__ = ["UNIT_WORDS", "unit_in_language"]

UNIT_WORDS = {
    "days": pgettext_lazy("unit of a variable", "days"),
    "day of protocol": pgettext_lazy("unit of a variable", "day of protocol"),
}


def unit_in_language(unit: str) -> str:
    """``unit`` in the active language: one of UNIT_WORDS translated, any other (already translated with its
    verbose name, or a symbol like "%") as it is."""
    return str(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit
