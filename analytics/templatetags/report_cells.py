"""How a report's cell or note reads on the page: escaped, with "<0.001" (and "<5") as one unbreakable unit."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# "<0.001", "<0,001", "<5", "p < 0.001": what a narrow column would otherwise break after "<" or mid-number.
_UNBREAKABLE = re.compile(r"(?:p )?&lt; ?\d+(?:[.,]\d+)?%?")


@register.filter
def report_text(value) -> SafeString:
    """The text escaped, each "<number" kept on one line (``white-space: nowrap``)."""
    text = escape("" if value is None else str(value))
    return mark_safe(
        _UNBREAKABLE.sub(lambda m: f'<span class="nowrap" style="white-space:nowrap">{m.group(0)}</span>', text)
    )
