"""Hostile text for the report tests, and the oracle of a cell a spreadsheet could run (written apart from
analytics.reports.cells, so that the tests do not check the neutraliser against itself)."""

from __future__ import annotations

import re

__all__ = ["LEADS", "runs_in_a_spreadsheet"]

# The OWASP list, the pipe of the report, and the full-width forms.
LEADS = ["=", "+", "-", "@", "\t", "\r", "\n", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20"]


def runs_in_a_spreadsheet(cell: str) -> bool:
    """The oracle: a text cell is unsafe when it or its first non-blank character starts with a dangerous sign,
    and it is not simply a number."""
    stripped = cell.lstrip()
    leads = {cell[:1], stripped[:1]} - {""}
    if not leads & set(LEADS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return not re.fullmatch(r"[0-9eE.+-]+", cell)
