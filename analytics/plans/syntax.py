"""A small text syntax for the variables, conditions and groups of a plan, so a form needs no JavaScript.

    variable    sex | lab_wbc_baseline >= 300 | toxicity(min_grade=3) | mrd_positive(method=flow, day_from=40)
                | finding_gene(genes=NUTM1|PAX5) | composite(events=relapse|death)
    condition   kmt2a_status in rearranged | age_days < 365 | lineage = ALL | hsct is true | sex not in M, U
    groups      favorable vs unfavorable    (one level per group)
                or one group a line:  non-CR: no_CR, induction_death

Values are typed: ``true``/``false`` are booleans, ``365`` and ``0.01`` numbers, anything else text; a value in
double quotes stays text (``"11"``) and may hold commas. Every ``format_*`` is the inverse of its ``parse_*``,
so a saved spec fills the form again. A mistake raises ``ParseError`` naming the line and what is wrong, with a
"did you mean" for a misspelled variable. No Django here.
"""

from __future__ import annotations

import difflib
import math
import re
from typing import Any

from analytics.plans.spec import COMPUTED, Condition, Group, Variable
from analytics.plans.words import gettext_noop
from analytics.plans.words import text as sentence
from analytics.schema import CASE_COLUMNS

__all__ = [
    "ParseError",
    "format_condition",
    "format_conditions",
    "format_groups",
    "format_value",
    "format_variable",
    "format_variables",
    "parse_condition",
    "parse_conditions",
    "parse_groups",
    "parse_value",
    "parse_variable",
    "parse_variables",
]

# Parameters that always hold a list (``genes=NUTM1`` is the list ["NUTM1"]).
LIST_PARAMS = ("genes", "events")
KNOWN_VARIABLES = tuple(c for c in CASE_COLUMNS if c != "case_key") + tuple(COMPUTED)

EMPTY = gettext_noop("Write a variable.")
BAD_NAME = gettext_noop("{text!r} is not a variable name (letters, digits and '_', starting with a letter).")
UNKNOWN = gettext_noop("Unknown variable {name!r}.")
UNKNOWN_GUESS = gettext_noop("Unknown variable {name!r}. Did you mean {guess!r}?")
NO_PARAMS = gettext_noop("{name} takes no parameters.")
UNKNOWN_PARAM = gettext_noop("{name} has no parameter {param!r}; it takes {allowed}.")
BAD_PARAM = gettext_noop("Write a parameter as name=value, not {text!r}.")
REPEATED_PARAM = gettext_noop("The parameter {param!r} is given twice.")
UNCLOSED = gettext_noop("A '(' is not closed.")
BAD_CUTOFF = gettext_noop("A cut-off is written '>= number', not {text!r}.")
BAD_CONDITION = gettext_noop(
    "Write a condition as 'variable in a, b', 'variable not in a, b', 'variable = value' (or !=, <, <=, >, >=) "
    "or 'variable is true' (is false, is known); not {text!r}."
)
NUMBER_NEEDED = gettext_noop("The comparison {op} needs a number, not {value!r}.")
NO_VALUE = gettext_noop("The condition needs a value after {op!r}.")
UNCLOSED_QUOTE = gettext_noop("A '\"' is not closed.")
EMPTY_VALUE = gettext_noop("An empty value in the list {text!r}.")
GROUP_NO_LABEL = gettext_noop("A group needs a label before ':'.")
GROUP_NO_LEVELS = gettext_noop("Group {label!r} names no level.")
VS_AND_LINES = gettext_noop("Write either one line 'a vs b' or one group a line 'label: levels', not both.")
REPEATED_LABEL = gettext_noop("Two groups are labelled {label!r}.")
LINE = gettext_noop("Line {n}: {message}")

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_COMPARISONS = {"=": "eq", "==": "eq", "!=": "ne", "≠": "ne", "<": "lt", "<=": "le", "≤": "le", ">": "gt"}
_COMPARISONS |= {">=": "ge", "≥": "ge"}
_SYMBOLS = {"eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_IS = {"is true": "is_true", "is false": "is_false", "is known": "is_known"}
_NEEDS_NUMBER = ("lt", "le", "gt", "ge")


class ParseError(ValueError):
    """Text the syntax cannot read: ``problems`` lists every message, each naming its line when there is one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


# ---------------------------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------------------------
def parse_value(text: str) -> Any:
    """``true``/``false`` -> bool, ``12`` -> int, ``0.5`` -> float, ``"x"`` -> "x", anything else its text."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _NUMBER.fullmatch(text):
        number = float(text)
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        return number
    return text


def _plain(text: str) -> bool:
    """Text that reads back as itself without quotes."""
    return (
        text == text.strip()
        and text != ""
        and not re.search(r'[,|:()"=<>!≠≤≥]', text)
        and not isinstance(parse_value(text), (bool, int, float))
        and " vs " not in f" {text} "
    )


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return f"{value:.1f}"  # "300.0" reads back as a float
        return repr(value)
    text = str(value)
    return text if _plain(text) else f'"{text}"'


def _number(value: float) -> str:
    """A cut-off (always a float) as typed: 300, not 300.0."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _label_of(value: Any) -> str:
    """The label of a one-level group: the level as written, without quotes."""
    text = format_value(value)
    return text[1:-1] if text.startswith('"') else text


def _split(text: str, separator: str) -> list[str]:
    """Split on a separator outside double quotes; each part stripped."""
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if quoted:
        raise ParseError([UNCLOSED_QUOTE])
    parts.append("".join(current).strip())
    return parts


def _values(text: str) -> list[Any]:
    parts = _split(text, ",")
    if any(p == "" for p in parts):
        raise ParseError([sentence(EMPTY_VALUE, text=text.strip())])
    return [parse_value(p) for p in parts]


# ---------------------------------------------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------------------------------------------
def _unknown(name: str) -> str:
    guess = difflib.get_close_matches(name, KNOWN_VARIABLES, n=1, cutoff=0.6)
    return sentence(UNKNOWN_GUESS, name=name, guess=guess[0]) if guess else sentence(UNKNOWN, name=name)


def _params(name: str, text: str) -> dict[str, Any]:
    if name not in COMPUTED:
        raise ParseError([sentence(NO_PARAMS, name=name)])
    params: dict[str, Any] = {}
    for item in _split(text, ","):
        if not item:
            continue
        key, eq, raw = item.partition("=")
        key = key.strip()
        if not eq or not _NAME.fullmatch(key) or not raw.strip():
            raise ParseError([sentence(BAD_PARAM, text=item)])
        if key not in COMPUTED[name]:
            raise ParseError([sentence(UNKNOWN_PARAM, name=name, param=key, allowed=", ".join(COMPUTED[name]))])
        if key in params:
            raise ParseError([sentence(REPEATED_PARAM, param=key)])
        values = [parse_value(v) for v in _split(raw, "|")]
        params[key] = values if key in LIST_PARAMS or len(values) > 1 else values[0]
    return params


def _split_variable(text: str) -> tuple[str, str]:
    """The variable at the start of ``text`` (a name and its parenthesised parameters) and what follows."""
    text = text.strip()
    match = _NAME.match(text)
    if not match:
        raise ParseError([sentence(BAD_NAME, text=text)] if text else [EMPTY])
    end = match.end()
    rest = text[end:]
    if rest.lstrip().startswith("("):
        start = end + len(rest) - len(rest.lstrip())
        quoted = False
        for i in range(start, len(text)):
            if text[i] == '"':
                quoted = not quoted
            elif text[i] == ")" and not quoted:
                return text[: i + 1], text[i + 1 :].strip()
        raise ParseError([UNCLOSED_QUOTE if quoted else UNCLOSED])
    return text[:end], rest.strip()


def _variable(head: str) -> Variable:
    match = _NAME.match(head)
    assert match is not None
    name = match.group(0)
    if name not in KNOWN_VARIABLES:
        raise ParseError([_unknown(name)])
    inside = head[match.end() :].strip()
    params = _params(name, inside[1:-1]) if inside else {}
    return Variable.of(name, **params)


def _cutoff(text: str) -> float:
    match = re.fullmatch(r"(>=|≥)\s*(\S+)", text)
    if not match or not _NUMBER.fullmatch(match.group(2)):
        raise ParseError([sentence(BAD_CUTOFF, text=text)])
    return float(match.group(2))


def parse_variable(text: str) -> Variable:
    """``sex``, ``lab_wbc_baseline >= 300`` (the binary "value >= 300"), ``toxicity(min_grade=3)``..."""
    head, rest = _split_variable(text)
    variable = _variable(head)
    if not rest:
        return variable
    return Variable(name=variable.name, params=variable.params, cutoff=_cutoff(rest))


def format_variable(variable: Variable) -> str:
    text = variable.name
    if variable.params:
        items = []
        for key, value in variable.params:
            value = list(value) if isinstance(value, tuple) else value
            shown = "|".join(format_value(v) for v in value) if isinstance(value, list) else format_value(value)
            items.append(f"{key}={shown}")
        text += "(" + ", ".join(items) + ")"
    if variable.cutoff is not None:
        text += f" >= {_number(float(variable.cutoff))}"
    return text


def _lines(text: str):
    for n, line in enumerate((text or "").splitlines(), start=1):
        if line.strip():
            yield n, line.strip()


def _each_line(text: str, parse) -> tuple:
    """Parse every non-blank line, gathering every line's problems before raising."""
    items, problems = [], []
    for n, line in _lines(text):
        try:
            items.append(parse(line))
        except ParseError as exc:
            problems += [sentence(LINE, n=n, message=p) for p in exc.problems]
    if problems:
        raise ParseError(problems)
    return tuple(items)


def parse_variables(text: str) -> tuple[Variable, ...]:
    """One variable a line (covariates); blank lines are skipped."""
    return _each_line(text, parse_variable)


def format_variables(variables) -> str:
    return "\n".join(format_variable(v) for v in variables)


# ---------------------------------------------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------------------------------------------
def parse_condition(text: str) -> Condition:
    """``kmt2a_status in rearranged``, ``age_days < 365``, ``lineage = ALL``, ``hsct is true``."""
    head, rest = _split_variable(text)
    variable = _variable(head)  # an unknown or misspelled name is the first thing to say
    match = re.fullmatch(r"(>=|≥)\s*(\S+)\s+(is\s+(?:true|false|known))", rest, flags=re.IGNORECASE)
    if match:  # a binary "value >= cutoff" variable, then its test
        variable = Variable(name=variable.name, params=variable.params, cutoff=_cutoff(f">= {match.group(2)}"))
        rest = match.group(3)
    lowered = re.sub(r"\s+", " ", rest.lower())
    if lowered in _IS:
        return Condition(variable, _IS[lowered])
    match = re.fullmatch(r"(not\s+in|in)(\s+(.*))?", rest, flags=re.IGNORECASE | re.DOTALL)
    if match:
        op = "not_in" if match.group(1).lower() != "in" else "in"
        if not (match.group(3) or "").strip():
            raise ParseError([sentence(NO_VALUE, op=match.group(1))])
        return Condition(variable, op, tuple(_values(match.group(3))))
    match = re.fullmatch(r"(==|!=|<=|>=|=|<|>|≠|≤|≥)\s*(.*)", rest, flags=re.DOTALL)
    if not match:
        raise ParseError([sentence(BAD_CONDITION, text=text.strip())])
    op = _COMPARISONS[match.group(1)]
    raw = match.group(2).strip()
    if not raw:
        raise ParseError([sentence(NO_VALUE, op=match.group(1))])
    value = parse_value(raw)
    if op in _NEEDS_NUMBER and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ParseError([sentence(NUMBER_NEEDED, op=match.group(1), value=raw)])
    return Condition(variable, op, value)


def format_condition(condition: Condition) -> str:
    variable = format_variable(condition.variable)
    if condition.op in ("is_true", "is_false", "is_known"):
        return f"{variable} {condition.op.replace('_', ' ')}"
    value = condition.value
    if condition.op in ("in", "not_in"):
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        return f"{variable} {condition.op.replace('_', ' ')} " + ", ".join(format_value(v) for v in values)
    return f"{variable} {_SYMBOLS.get(condition.op, condition.op)} {format_value(value)}"


def parse_conditions(text: str) -> tuple[Condition, ...]:
    """One condition a line; blank lines are skipped."""
    return _each_line(text, parse_condition)


def format_conditions(conditions) -> str:
    return "\n".join(format_condition(c) for c in conditions)


# ---------------------------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------------------------
_QUOTED = re.compile(r'"[^"]*"')


def _outside_quotes(line: str, pattern: str, maxsplit: int = 0) -> list[str]:
    """Split on a pattern that is not inside double quotes."""
    quoted = iter(_QUOTED.findall(line))
    masked = _QUOTED.sub("\x00", line)
    parts = re.split(pattern, masked, maxsplit=maxsplit, flags=re.IGNORECASE)
    return [re.sub("\x00", lambda _: next(quoted), part) for part in parts]


def _vs(line: str) -> list[str]:
    return [p.strip() for p in _outside_quotes(line, r"\s+vs\.?\s+")]


def _group_line(line: str) -> Group:
    parts = _outside_quotes(line, ":", maxsplit=1)
    if len(parts) == 1:
        value = parse_value(line)
        return Group(label=_label_of(value), levels=(value,))
    label, levels = parts[0].strip(), parts[1]
    if len(label) >= 2 and label[0] == label[-1] == '"':  # a label with a colon, e.g. "KMT2A::AFF1": levels
        label = label[1:-1]
    if not label:
        raise ParseError([GROUP_NO_LABEL])
    if not levels.strip():
        raise ParseError([sentence(GROUP_NO_LEVELS, label=label)])
    return Group(label=label, levels=tuple(_values(levels)))


def parse_groups(text: str) -> tuple[Group, ...]:
    """Empty: every level of the exposure. ``a vs b``: one group per level. Else one group a line,
    ``label: level, level`` (or a bare level, its own group)."""
    lines = list(_lines(text))
    if not lines:
        return ()
    groups: list[Group] = []
    problems: list[str] = []
    vs_lines = [n for n, line in lines if len(_vs(line)) > 1 and len(_outside_quotes(line, ":")) == 1]
    if vs_lines and len(lines) > 1:
        raise ParseError([sentence(LINE, n=vs_lines[0], message=VS_AND_LINES)])
    if vs_lines:
        n, line = lines[0]
        for part in _vs(line):
            if not part:
                problems.append(sentence(LINE, n=n, message=sentence(EMPTY_VALUE, text=line)))
                continue
            value = parse_value(part)
            groups.append(Group(label=_label_of(value), levels=(value,)))
    else:
        for n, line in lines:
            try:
                groups.append(_group_line(line))
            except ParseError as exc:
                problems += [sentence(LINE, n=n, message=p) for p in exc.problems]
    seen: set[str] = set()
    for group in groups:
        if group.label in seen:
            problems.append(sentence(REPEATED_LABEL, label=group.label))
        seen.add(group.label)
    if problems:
        raise ParseError(problems)
    return tuple(groups)


def _format_label(label: str) -> str:
    return f'"{label}"' if ":" in label else label


def format_groups(groups) -> str:
    groups = list(groups)
    singles = [len(g.levels) == 1 and g.label == _label_of(g.levels[0]) for g in groups]
    if len(groups) > 1 and all(singles):
        return " vs ".join(format_value(g.levels[0]) for g in groups)
    return "\n".join(
        format_value(g.levels[0]) if single else f"{_format_label(g.label)}: " + ", ".join(map(format_value, g.levels))
        for g, single in zip(groups, singles, strict=True)
    )
