"""Formatting shared by the plan tables: effects, times, medians, counts under the small-cell rule."""

from __future__ import annotations

from typing import Any

from ...format import DASH, fmt_ci, fmt_hr, fmt_num, is_missing
from ...suppress import mask_count

__all__ = ["KIND_WORDS", "RATIO_KINDS", "count_cell", "effect_text", "median_text", "methods_text", "time_text"]

RATIO_KINDS = ("odds_ratio", "hazard_ratio")
KIND_WORDS = {
    "difference": "difference",
    "odds_ratio": "odds ratio",
    "hazard_ratio": "hazard ratio",
    "p": "test",
    "estimate": "estimate",
}


def effect_text(kind: str, estimate: Any, lower: Any, upper: Any) -> str | None:
    if kind in RATIO_KINDS:
        return fmt_hr(estimate, lower, upper)
    if kind == "p":
        return None
    return fmt_ci(estimate, lower, upper)


def time_text(at_time: Any) -> str:
    return "" if is_missing(at_time) else f"{float(at_time):g} days"


def count_cell(value: int, single_center: bool, threshold: int) -> int | str:
    return mask_count(value, threshold) if single_center else int(value)


def median_text(med: dict[str, Any]) -> str:
    if is_missing(med.get("median")):
        return "not reached"
    lower, upper = fmt_num(med.get("lower"), 0) or "NA", fmt_num(med.get("upper"), 0) or "NA"
    return f"{med['median']:.0f} ({lower}{DASH}{upper})"


def methods_text(result: dict[str, Any]) -> str:
    methods = result.get("settings", {}).get("methods") or []
    return "; ".join(m for m in methods if m) or result.get("method", "")
