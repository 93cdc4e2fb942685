"""The plans' words for people, in the reader's language: the Django side of ``analytics.plans.words``.

``analytics.plans`` stays free of Django: it marks its sentences with ``gettext_noop`` and returns ``Text``
(English that keeps its template and values). Here, at the boundary, a Text is translated (its template through
the catalog, each value that is itself a Text too), and a variable of a plan reads as the data dictionary's label
(``analytics.variables``), its codes as their labels, booleans as "yes"/"no".
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from analytics.plans.spec import COMPUTED, Condition, Group, Variable, _freeze
from analytics.plans.values import normal
from analytics.plans.words import Text, translate
from analytics.runs.options import RunFilters

__all__ = ["VariableWords", "filter_rule", "filters_sentence", "translated"]

COMPOSITE_EVENT_WORDS = {
    "induction_failure": _("induction failure"),
    "relapse": _("relapse"),
    "death": _("death"),
    "second_malignancy": _("second malignancy"),
}
MRD_METHOD_WORDS = {"flow": _("flow cytometry"), "pcr": _("PCR")}
UNIT_WORDS = {"days": _("days"), "day of protocol": _("day of protocol")}
OPERATOR_WORDS = {
    "in": _("{variable} is one of: {values}"),
    "not_in": _("{variable} is none of: {values}"),
    "eq": _("{variable} is {value}"),
    "ne": _("{variable} is not {value}"),
    "lt": _("{variable} is under {value}"),
    "le": _("{variable} is at most {value}"),
    "gt": _("{variable} is over {value}"),
    "ge": _("{variable} is at least {value}"),
    "is_true": _("{variable}: yes"),
    "is_false": _("{variable}: no"),
    "is_known": _("{variable} is known"),
}
YES = pgettext_lazy("a yes/no value", "yes")
NO = pgettext_lazy("a yes/no value", "no")
AT_LEAST = _("{variable} ≥ {cutoff}")
TOXICITY = _("an adverse event of grade ≥ {grade}")
TOXICITY_PHASE = _("an adverse event of grade ≥ {grade} during {phase}")
MRD = _("MRD positive by {method}")
MRD_DAYS = _("MRD positive by {method} between treatment days {first} and {last}")
MRD_FROM = _("MRD positive by {method} from treatment day {first}")
MRD_TO = _("MRD positive by {method} up to treatment day {last}")
MRD_THRESHOLD = _("{mrd} (positive from {threshold}%)")
FINDING_GENE = _("a finding names {genes}")
ANY_OF = _("any of: {events}")
UNKNOWN_VARIABLE = _("an unknown variable ({name})")
GROUP = _("{label}: {levels}")
VALUE_WITH_UNIT = "{value} {unit}"

ALL_CENTERS = _("all centers")
CENTERS = _("centers: {names}")
ALL_LINEAGES = _("all lineages")
LINEAGES = _("lineage: {labels}")
ALL_PROTOCOLS = _("all protocols")
PROTOCOLS = _("protocol: {names}")
YEARS_BETWEEN = _("diagnosed from {first} to {last}")
YEARS_FROM = _("diagnosed in {first} or later")
YEARS_TO = _("diagnosed in {last} or earlier")
CAL_ONLY = _("congenital acute leukemia only (diagnosed at 28 days of life or earlier)")
EXCLUSIONS_APPLIED = _("the cases recorded as excluded from outcome analyses are left out")
EXCLUSIONS_KEPT = _("the cases recorded as excluded from outcome analyses are kept")


def _number(value: Any) -> str:
    value = float(value)
    return number_format(int(value) if value.is_integer() else value, use_l10n=True)


def translated(message: Any, names: VariableWords | None = None) -> str:
    """A sentence of the plans in the active language.

    A ``Text`` is translated through its template, each of its values that is a Text translated too, and (with
    ``names``) a value that is a variable's name shown as its label. Any other string (a sentence read back from
    a stored document, a shipped plan's title) is translated by ``analytics.plans.words.translate``: a marked
    sentence, or one made from a marked template; text typed by a user is neither and comes back unchanged.
    """
    if isinstance(message, Text):
        params = {}
        for key, value in message.params.items():
            if isinstance(value, Text):
                value = translated(value, names)
            elif names is not None and isinstance(value, str) and key in ("name", "variable") and names.knows(value):
                value = names.label(value)
            params[key] = value
        variable = message.params.get("variable")
        if names is not None and isinstance(variable, str):
            if not names.knows(variable) and (shown := names.described(variable)) is not None:
                params["variable"] = shown  # a computed variable or a cut-off, as words
            if names.knows(variable):
                for key in ("level", "label"):  # a code (a level, a group named by its level) shown by its label
                    if key in params and isinstance(message.params[key], str | int | float | bool):
                        params[key] = names.value(variable, message.params[key])
        elif names is not None and isinstance(params.get("label"), str) and names.knows(params["label"]):
            params["label"] = names.label(params["label"])  # a covariate's name
        if names is not None:  # what is still as the plan wrote it: a covariate described, a group's word, yes/no
            found = {k: str(v) for k, v in message.params.items()}
            for key in ("label", "level", "value"):
                value = message.params.get(key)
                if isinstance(value, str) and not isinstance(value, Text) and params.get(key) == value:
                    shown = names.stored_value(key, value, found)
                    params[key] = shown if shown is not None else value
        return gettext(message.template).format(**params)
    text = str(message)
    if not text.strip():
        return text
    return translate(text, gettext, names.stored_value if names is not None else None)


def yes_no(value: bool) -> str:
    return str(YES if value else NO)


class VariableWords:
    """The dataset variables' labels and their codes' labels, read once (one query per vocabulary table)."""

    def __init__(self, variables: dict | None = None):
        if variables is None:
            from analytics.variables import variables_by_table

            variables = variables_by_table()["cases"]
        self.variables = variables

    def knows(self, name: str) -> bool:
        return name in self.variables

    def described(self, text: str) -> str | None:
        """A variable as ``Variable.describe`` wrote it (``finding_gene (genes [...])``, ``lab_wbc >= 300``) in
        words, or None when ``text`` is no such description."""
        match = _DESCRIBED.fullmatch(text.strip())
        if match is None or (match.group("name") not in self.variables and match.group("name") not in COMPUTED):
            return None
        if match.group("name") in COMPUTED and not match.group("params"):
            return None  # a computed variable is never written without its settings: this is a group's word
        params = {}
        for key, raw in _DESCRIBED_PARAM.findall(match.group("params") or ""):
            try:
                params[key] = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                params[key] = raw
        cutoff = float(match.group("cutoff")) if match.group("cutoff") else None
        return self.variable(Variable(name=match.group("name"), params=_freeze(params), cutoff=cutoff))

    def stored_value(self, key: str, raw: str, found: dict[str, str]) -> str | None:
        """One value of a stored sentence (read back as English) as a reader knows it: a variable's name as its
        label, a level's code as its label; None for a value that is none of these."""
        inner = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" else raw
        variable = found.get("variable", "")
        if key in ("variable", "name", "label", "outcome") and self.knows(inner):
            return self.label(inner)
        if key in ("variable", "name", "label") and (shown := self.described(inner)) is not None:
            return shown
        if key in ("level", "label", "value") and inner in ("yes", "no"):  # a yes/no level as values.level_label
            shown = yes_no(inner == "yes")
        elif key == "level" and self.knows(variable):
            shown = self.value(variable, inner)
        elif key == "label":
            shown = self.value(variable, inner) if self.knows(variable) else inner
            if shown == inner:  # a group's own label, no code ("male", "WBC >= 300"): a shipped plan's word
                shown = translate(inner, gettext)
        else:
            return None
        return f"{raw[0]}{shown}{raw[0]}" if inner != raw else shown

    def condition_rule(self, rule: str, conditions: Iterable[dict]) -> str | None:
        """A population rule ``Condition.describe`` wrote, as words (the condition found among ``conditions``)."""
        for data in conditions:
            try:
                condition = Condition.from_dict(data)
            except (KeyError, TypeError, ValueError):
                continue
            if condition.describe() == rule:
                return self.condition(condition)
        return None

    def label(self, name: str) -> str:
        variable = self.variables.get(name)
        return gettext(variable.label) if variable is not None else str(UNKNOWN_VARIABLE).format(name=name)

    def value(self, name: str, value: Any) -> str:
        """One value of the variable ``name`` as a reader knows it: its code's label, yes/no, a number."""
        value = value if isinstance(value, str) else normal(value) if value is not None else value
        if isinstance(value, bool):
            return yes_no(value)
        variable = self.variables.get(name)
        if isinstance(value, (int, float)):
            unit = variable.unit if variable is not None else ""
            shown = _number(value)
            return VALUE_WITH_UNIT.format(value=shown, unit=str(UNIT_WORDS.get(unit, unit))) if unit else shown
        text = str(value)
        if variable is not None and variable.kind == "boolean" and normal(text) in (True, False):
            return yes_no(normal(text))
        label = variable.code_map.get(text) if variable is not None else None
        return gettext(label) if label else text

    # -----------------------------------------------------------------------------------------------------------
    def variable(self, variable: Variable) -> str:
        """A plan variable as words: the dictionary's label, a computed variable's sentence, a cut-off."""
        if variable.name == "toxicity":
            grade, phase = variable.param("min_grade"), variable.param("phase")
            if phase:
                return str(TOXICITY_PHASE).format(grade=grade, phase=phase)
            return str(TOXICITY).format(grade=grade)
        if variable.name == "mrd_positive":
            return self._mrd(variable)
        if variable.name == "finding_gene":
            return str(FINDING_GENE).format(genes=", ".join(map(str, variable.param("genes") or ())))
        if variable.name == "composite":
            return str(ANY_OF).format(events=self.events(variable.param("events") or ()))
        label = self.label(variable.name)
        if variable.cutoff is not None:
            return str(AT_LEAST).format(variable=label, cutoff=self.value(variable.name, variable.cutoff))
        return label

    def _mrd(self, variable: Variable) -> str:
        method = str(MRD_METHOD_WORDS.get(variable.param("method"), variable.param("method")))
        first, last = variable.param("day_from"), variable.param("day_to")
        if first is not None and last is not None:
            text = str(MRD_DAYS).format(method=method, first=first, last=last)
        elif first is not None:
            text = str(MRD_FROM).format(method=method, first=first)
        elif last is not None:
            text = str(MRD_TO).format(method=method, last=last)
        else:
            text = str(MRD).format(method=method)
        threshold = variable.param("flow_threshold")
        return str(MRD_THRESHOLD).format(mrd=text, threshold=_number(threshold)) if threshold is not None else text

    def events(self, events: Iterable[str]) -> str:
        return ", ".join(str(COMPOSITE_EVENT_WORDS.get(e, e)) for e in events)

    def level(self, variable: Variable | None, level: Any) -> str:
        """One level of an exposure: a code's label, yes/no for a yes/no variable, else as written."""
        if isinstance(level, bool) or variable is None or variable.computed or variable.cutoff is not None:
            return yes_no(level) if isinstance(level, bool) else str(level)
        return self.value(variable.name, level)

    def condition(self, condition: Condition) -> str:
        """A condition of the population as a sentence."""
        template = str(OPERATOR_WORDS.get(condition.op, "{variable} {value}"))
        values = condition.value if isinstance(condition.value, tuple) else (condition.value,)
        shown = [self.level(condition.variable, v) for v in values if v is not None]
        return template.format(
            variable=self.variable(condition.variable), values=", ".join(shown), value=", ".join(shown)
        )

    def groups(self, variable: Variable | None, groups: Iterable[Group]) -> list[str]:
        """Each compared group as "label: its levels"."""
        out = []
        for group in groups:
            levels = ", ".join(self.level(variable, v) for v in group.levels)
            if [str(group.label)] == [str(v) for v in group.levels]:  # a group named by its one level: its label
                out.append(levels)
                continue
            label = translated(group.label)
            same = levels.casefold() == label.casefold()
            out.append(label if same else str(GROUP).format(label=label, levels=levels))
        return out


_DESCRIBED = re.compile(r"(?P<name>\w+)(?: \((?P<params>.*)\))?(?: >= (?P<cutoff>[-\d.]+))?")
_DESCRIBED_PARAM = re.compile(r"(\w+) (\[.*?\]|\(.*?\)|[^,]+)")


def filter_rule(rule: str, filters: RunFilters, center_names: dict[str, str] | None = None) -> str | None:
    """One rule of the run filters as ``analytics.plans.population`` names it ("centers ...", "lineage ...",
    "exclusions applied"), in words; None for a rule that is no filter's."""
    from registry.choices import Lineage

    center_names = center_names or {}
    if rule.startswith("centers "):
        return str(CENTERS).format(names=", ".join(center_names.get(c, c) for c in filters.centers))
    if rule.startswith("lineage "):
        return str(LINEAGES).format(labels=", ".join(str(Lineage(c).label) for c in filters.lineages))
    if rule.startswith("protocol "):
        return str(PROTOCOLS).format(names=", ".join(filters.protocols))
    if rule.startswith("diagnosed "):
        if filters.year_from is not None and filters.year_to is not None:
            return str(YEARS_BETWEEN).format(first=filters.year_from, last=filters.year_to)
        if filters.year_from is not None:
            return str(YEARS_FROM).format(first=filters.year_from)
        return str(YEARS_TO).format(last=filters.year_to)
    if rule.startswith("congenital acute leukemia only"):
        return str(CAL_ONLY)
    if rule == "exclusions applied":
        return str(EXCLUSIONS_APPLIED)
    return None


def filters_sentence(filters: RunFilters, center_names: dict[str, str] | None = None) -> str:
    """The run filters of a plan's population as words."""
    from registry.choices import Lineage

    center_names = center_names or {}
    parts = [
        str(CENTERS).format(names=", ".join(center_names.get(c, c) for c in filters.centers))
        if filters.centers
        else str(ALL_CENTERS),
        str(LINEAGES).format(labels=", ".join(str(Lineage(c).label) for c in filters.lineages))
        if filters.lineages
        else str(ALL_LINEAGES),
        str(PROTOCOLS).format(names=", ".join(filters.protocols)) if filters.protocols else str(ALL_PROTOCOLS),
    ]
    if filters.year_from is not None and filters.year_to is not None:
        parts.append(str(YEARS_BETWEEN).format(first=filters.year_from, last=filters.year_to))
    elif filters.year_from is not None:
        parts.append(str(YEARS_FROM).format(first=filters.year_from))
    elif filters.year_to is not None:
        parts.append(str(YEARS_TO).format(last=filters.year_to))
    if filters.cal_only:
        parts.append(str(CAL_ONLY))
    parts.append(str(EXCLUSIONS_APPLIED if filters.apply_exclusions else EXCLUSIONS_KEPT))
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."
