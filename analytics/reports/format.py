"""Formatting of numbers for report cells: p-values, percentages, estimates with CIs. No statistics here."""

from __future__ import annotations

import math
from typing import Any

from .i18n import gettext as _
from .i18n import number

__all__ = ["DASH", "fmt_ci", "fmt_days", "fmt_hr", "fmt_num", "fmt_p", "fmt_pct", "is_missing", "n_pct", "p_text"]

DASH = "\u2013"  # en dash


def is_missing(value: Any) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_num(value: Any, decimals: int = 2) -> str | None:
    """A number rounded for reading, None when missing, "not estimable" when infinite."""
    if is_missing(value):
        return None
    if isinstance(value, (int, float)) and math.isinf(value):
        return _("not estimable")
    return number(value, decimals)


def fmt_p(p: Any) -> str | None:
    """p-value as papers print it: "<0.001" or three decimals; None when there is no test."""
    if is_missing(p):
        return None
    return "<" + number(0.001, 3) if p < 0.001 else number(p, 3)


def p_text(p: Any) -> str:
    """``"p < 0.001"``, ``"p = 0.065"``, or ``"no p-value"``."""
    text = fmt_p(p)
    if text is None:
        return _("no p-value")
    return f"p < {text[1:]}" if text.startswith("<") else f"p = {text}"


def fmt_pct(value: Any, decimals: int = 1) -> str | None:
    """A proportion (0-1) as a percentage."""
    if is_missing(value):
        return None
    return f"{number(100 * float(value), decimals)}%"


def n_pct(n: int, d: int, decimals: int = 1) -> str:
    """``"n/d (p%)"``; ``"0/0"`` without a denominator."""
    if not d:
        return f"{n}/{d}"
    return f"{n}/{d} ({number(100 * n / d, decimals)}%)"


def fmt_ci(est: Any, lower: Any, upper: Any, *, percent: bool = True, decimals: int = 1) -> str | None:
    """``"78.3% (70.1-84.9)"`` (or plain numbers); None when the estimate is missing, "NA" for a missing limit,
    "not estimable" for an infinite one (the data do not bound it)."""
    if is_missing(est):
        return None
    scale = 100.0 if percent else 1.0
    suffix = "%" if percent else ""

    def one(v: Any) -> str:
        if is_missing(v):
            return _("NA")
        if math.isinf(float(v)):
            # Translators: an infinite confidence limit or estimate (the data cannot bound it)
            return _("not estimable")
        return number(scale * float(v), decimals)

    return f"{one(est)}{suffix} ({one(lower)}{DASH}{one(upper)})"


def fmt_hr(hr: Any, lower: Any, upper: Any) -> str | None:
    """``"2.10 (1.20-3.50)"`` for a hazard or odds ratio."""
    return fmt_ci(hr, lower, upper, percent=False, decimals=2)


def fmt_days(value: Any) -> str | None:
    """Days as a whole number ("not reached" when missing)."""
    return _("not reached") if is_missing(value) else f"{float(value):.0f}"
