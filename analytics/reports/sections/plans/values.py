"""The values read back from a plan's stored sentences, as a reader of the report knows them.

``analytics.studies.i18n.VariableWords`` shows a variable by its label and a code by its label. A report also
reads back a compared group's label ("group 'male' of Sex", a shipped plan's label in the catalog), a yes/no
level of a computed variable ("value 'no' of MRD positive ...") and a comparison ("non-CR vs CR"): those are
worded here too.
"""

from __future__ import annotations

from typing import Any

from ...stat_words import comparison_text, group_word

__all__ = ["report_variable_words", "worded_text"]


def _quoted(raw: str) -> tuple[str, str]:
    """(the value, its quote) of a value read back with its quotes ('male'), or (raw, "")."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1], raw[0]
    return raw, ""


def report_variable_words() -> Any:
    """A VariableWords that also words the group labels and yes/no levels of a stored sentence (needs Django
    and the database: the caller falls back to the English without them)."""
    from analytics.studies.i18n import VariableWords, yes_no

    class ReportVariableWords(VariableWords):
        def stored_value(self, key: str, raw: str, found: dict[str, str]) -> str | None:
            if key == "comparison":  # "a vs b" of a verdict's "{what} ({comparison})"
                words = comparison_text(raw)
                return words if words != raw else None
            if key == "value" and raw.lower() in ("yes", "no"):  # a constant covariate's one value
                return yes_no(raw.lower() == "yes")
            shown = super().stored_value(key, raw, found)
            inner, quote = _quoted(raw)
            if key not in ("level", "label") or (shown is not None and _quoted(shown)[0] != inner):
                return shown
            words = group_word(inner, yes_no=yes_no)
            return f"{quote}{words}{quote}" if words != inner else shown

    return ReportVariableWords()


def worded_text(message: Any, names: Any) -> Any:
    """A plan's sentence made in this process (a ``Text``) with its group label or yes/no level worded as
    ``stored_value`` words them in a stored one; the variable's own codes are left to ``translated``."""
    from analytics.plans.words import Text, text
    from analytics.studies.i18n import yes_no

    if not isinstance(message, Text):
        return message
    params = {k: worded_text(v, names) if isinstance(v, Text) else v for k, v in message.params.items()}
    variable = params.get("variable")
    if isinstance(params.get("comparison"), str):
        params["comparison"] = comparison_text(params["comparison"])
    if type(params.get("value")) is str and params["value"].lower() in ("yes", "no"):
        params["value"] = yes_no(params["value"].lower() == "yes")  # a constant covariate's one value
    for key in ("level", "label"):
        value = params.get(key)
        if type(value) is not str:  # a nested Text was worded above
            continue
        if key == "label" and (described := names.described(value)) is not None:
            params[key] = described  # a computed covariate ("mrd_positive (day_from 43, ...)") in words
            continue
        if isinstance(variable, str) and names.knows(variable) and names.value(variable, value) != value:
            continue
        words = group_word(value, yes_no=yes_no)
        if words != value:
            params[key] = words
    return text(message.template, **params) if params != message.params else message
