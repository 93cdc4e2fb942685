"""Formatting shared by the plan tables: effects, times, medians, counts under the small-cell rule."""

from __future__ import annotations

from typing import Any

from ...format import DASH, fmt_ci, fmt_hr, fmt_num, is_missing
from ...i18n import gettext as _
from ...i18n import gettext_noop
from ...stat_words import method_names
from ...suppress import mask_count

__all__ = ["KIND_WORDS", "RATIO_KINDS", "count_cell", "effect_text", "median_text", "methods_text", "time_text"]

RATIO_KINDS = ("odds_ratio", "hazard_ratio")
KIND_WORDS = {
    "difference": gettext_noop("difference"),
    "odds_ratio": gettext_noop("odds ratio"),
    "hazard_ratio": gettext_noop("hazard ratio"),
    "p": gettext_noop("test"),
    "estimate": gettext_noop("estimate"),
}


def effect_text(kind: str, estimate: Any, lower: Any, upper: Any) -> str | None:
    if kind in RATIO_KINDS:
        return fmt_hr(estimate, lower, upper)
    if kind == "p":
        return None
    return fmt_ci(estimate, lower, upper)


def kind_word(kind: str) -> str:
    """An effect's kind in words, in the active language."""
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def time_text(at_time: Any) -> str:
    return "" if is_missing(at_time) else _("{days} days").format(days=f"{float(at_time):g}")


def count_cell(value: int, single_center: bool, threshold: int) -> int | str:
    return mask_count(value, threshold) if single_center else int(value)


def median_text(med: dict[str, Any]) -> str:
    if is_missing(med.get("median")):
        return _("not reached")
    lower, upper = fmt_num(med.get("lower"), 0) or _("NA"), fmt_num(med.get("upper"), 0) or _("NA")
    return f"{med['median']:.0f} ({lower}{DASH}{upper})"


def methods_text(result: dict[str, Any]) -> str:
    methods = result.get("settings", {}).get("methods") or []
    return "; ".join(method_names(m) for m in methods if m) or method_names(result.get("method", ""))
