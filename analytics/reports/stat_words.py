"""The statistical words of a report that analytics.core and analytics.plans write in English: method names with
a setting in them, messages with a count in them, compared groups ("a vs b"), Cox terms and the CNS status.

Results and JSON keep the English; these functions word them in the active language where a report shows them
(``analytics.reports.i18n`` gives the fixed names and messages). No Django needed: without it, the English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .i18n import _BY_COLUMN, _VARIABLES, gettext, gettext_noop, label, method_name, variable_label

__all__ = [
    "cns_label",
    "comparison_text",
    "core_pattern",
    "group_word",
    "method_names",
    "per_center_note",
    "term_label",
]

# Method names written whole by analytics.plans and analytics.core (the catalog answers them through method_name).
_METHODS = (
    gettext_noop("Pearson's chi-square test (uncorrected)"),
    gettext_noop("Pearson's chi-square test with Yates' continuity correction"),
    gettext_noop("Haldane-Anscombe +0.5 in every cell"),
    gettext_noop("log-rank"),
)
# analytics.core.tables.proportion_ci: "proportion with <interval> <level> CI".
_PROPORTION = re.compile(r"proportion with (?P<name>.+) (?P<level>\d+%) CI")
_INTERVALS = {
    "Wilson score": gettext_noop("proportion with Wilson score {level} CI"),
    "Wilson score with continuity correction": gettext_noop(
        "proportion with Wilson score with continuity correction {level} CI"
    ),
    "Clopper-Pearson exact": gettext_noop("proportion with Clopper-Pearson exact {level} CI"),
}
# Messages of analytics.core with counts in them that hold "; " themselves (so are read whole).
_CORE_PATTERNS = (
    (
        re.compile(r"(?P<n>\d+) complete pair\(s\); a paired comparison needs at least (?P<m>\d+)"),
        gettext_noop("{n} complete pair(s); a paired comparison needs at least {m}"),
    ),
)
COMPARISON = gettext_noop("{first} vs {second}")
_HR_NOT_ESTIMABLE = "hazard ratio not estimable: "
_OR_NOT_ESTIMABLE = "odds ratio not estimable: "
_CNS = {"CNS1": gettext_noop("CNS1"), "CNS2": gettext_noop("CNS2"), "CNS3": gettext_noop("CNS3")}
_YES_NO = {"yes": True, "true": True, "no": False, "false": False}


def method_names(text: Any, sentence: Callable[[str], str] | None = None) -> str:
    """A method text of analytics.core/plans ("; "-separated parts) in the active language; a part no method name
    answers is worded by ``sentence`` (a plan's marked sentence), when given."""
    if not text:
        return ""
    out = []
    for part in re.split(r";\s(?![^\[]*\])", str(text)):
        shown = _one_method(part)
        out.append(sentence(part) if shown == part and sentence is not None else shown)
    return "; ".join(out)


def _one_method(part: str) -> str:
    found = _PROPORTION.fullmatch(part)
    if found and found.group("name") in _INTERVALS:
        return gettext(_INTERVALS[found.group("name")]).format(level=found.group("level"))
    return method_name(part)


def core_pattern(text: str) -> str | None:
    """A message of analytics.core with values that holds "; " itself, in the active language; None if none."""
    for pattern, template in _CORE_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return gettext(template).format(**found.groupdict())
    return None


def group_word(text: Any, *, yes_no: Callable[[bool], str] | None = None) -> str:
    """A compared group's label or a yes/no level as a reader says it: a shipped plan's label through the catalog
    ("non-CR", "other partners"), "yes"/"no" as the language's words; anything else (typed by a user) as it is."""
    text = str(text)
    if text.lower() in _YES_NO:
        value = _YES_NO[text.lower()]
        return yes_no(value) if yes_no is not None else label("", value).lower()
    return gettext(text) if text.strip() else text


def comparison_text(text: Any, group: Callable[[str], str] = group_word) -> str:
    """ "a vs b" (a result's ``comparison``) in the active language ("a против группы «b»"), each group worded
    by ``group`` (by default a shipped plan's label through the catalog, "yes"/"no" as words)."""
    text = str(text or "")
    groups = [group(g) for g in text.split(" vs ")] if text else []
    if len(groups) == 2:
        return gettext(COMPARISON).format(first=groups[0], second=groups[1])
    return ", ".join(groups)  # one group, or a test across three or more


def per_center_note(text: Any, sentence: Callable[[str], str] = gettext) -> str:
    """Why a center is left out of the pooling ("odds ratio not estimable: no cases in group 'CR' in this
    center"), in the active language; ``sentence`` words a plan's sentence (the reason)."""
    from .i18n import core_message

    text = str(text or "")
    for prefix, template in (
        (_OR_NOT_ESTIMABLE, gettext_noop("odds ratio not estimable: {reason}")),
        (_HR_NOT_ESTIMABLE, gettext_noop("hazard ratio not estimable: {reason}")),
    ):
        if text.startswith(prefix):
            return gettext(template).format(reason=per_center_note(text[len(prefix) :], sentence))
    shown = core_message(text)
    return shown if shown != text else sentence(text)


def cns_label(code: Any) -> str:
    """A CNS status code (CNS1-3) as the language writes it."""
    return gettext(_CNS[code]) if code in _CNS else str(code)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def term_label(name: Any) -> str:
    """A Cox model's term as words: a covariate by its label, a dummy of a level (R's "risk_classintermediate",
    patsy's "risk_class[T.intermediate]", a flag's "wbc_ge_300TRUE") as "label: level"."""
    name = str(name)
    if name in _VARIABLES:
        return variable_label(name)
    for column in sorted(set(_VARIABLES) | set(_BY_COLUMN), key=len, reverse=True):
        if not name.startswith(column) or name == column:
            continue
        level = name[len(column) :].removeprefix("[").removesuffix("]").removeprefix("T.")
        if level.upper() in ("TRUE", "FALSE"):
            level_words = label(column, level.upper() == "TRUE").lower()
        elif level in _BY_COLUMN.get(column, {}):
            level_words = _lower_first(label(column, level))
        else:
            continue
        return f"{variable_label(column)}: {level_words}"
    return variable_label(name)
