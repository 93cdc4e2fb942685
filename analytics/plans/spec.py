"""An analysis plan as data: the population, the analyses and, for a published claim, the figure to test.

Plain frozen dataclasses stored as JSON (``as_dict`` / ``from_dict``) on a plan version and on every run that
executes it. ``check_spec`` refuses what can be refused without data (an unknown variable, a method that cannot
take the outcome, a bad setting); what needs the cases (a level with no cases, a constant covariate, too few
events) is ``analytics.plans.validate``'s. No Django here.

Variables are named as the analysis dataset names them (``analytics.schema.CASE_COLUMNS``), or are one of the
computed variables of ``COMPUTED`` (built from the findings, adverse events and assessments tables), each with
its parameters. A numeric variable with a ``cutoff`` is the binary "value >= cutoff".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from analytics.plans.words import gettext_noop
from analytics.plans.words import text as sentence
from analytics.runs.options import RunFilters
from analytics.schema import CASE_COLUMNS

__all__ = [
    "COMPOSITE_EVENTS",
    "COMPUTED",
    "METHODS",
    "OPERATORS",
    "OUTCOMES",
    "Analysis",
    "Claim",
    "Condition",
    "Group",
    "Outcome",
    "PlanSpec",
    "SpecError",
    "Variable",
    "check_spec",
]

# Outcomes. Time to event: os, efs, relapse (death without relapse competing), composite (time to the first of
# its events). Binary: cr (CR at the end of induction, among the evaluable), trm, toxicity (an adverse event of
# grade >= min_grade), composite (any of its events during follow-up), binary (any yes/no variable).
OUTCOMES = ("os", "efs", "relapse", "cr", "trm", "toxicity", "composite", "binary")
TIME_TO_EVENT = ("os", "efs", "relapse", "composite")
BINARY = ("cr", "trm", "toxicity", "composite", "binary")
OUTCOME_WORDS = {
    "os": gettext_noop("overall survival"),
    "efs": gettext_noop("event-free survival"),
    "relapse": gettext_noop("relapse (death without relapse competing)"),
    "cr": gettext_noop("CR at the end of induction"),
    "trm": gettext_noop("treatment-related death"),
}
COMPOSITE_EVENTS = ("induction_failure", "relapse", "death", "second_malignancy")

# Methods, and the outcomes each takes.
METHODS = {
    "proportions": BINARY,  # n/N with CI per group; chi-square or Fisher; odds ratio for two groups
    "km": ("os", "efs", "composite"),  # Kaplan-Meier at given times; log-rank (stratified by center or not)
    "cif": ("relapse",),  # cumulative incidence (Aalen-Johansen); Gray's test
    "cox": ("os", "efs", "relapse", "composite"),  # Cox, exposure + covariates (relapse: cause-specific)
}
TESTS = ("auto", "chisq", "chisq_yates", "fisher")  # proportions: auto = Fisher when an expected count < 5
CI_METHODS = ("wilson", "wilson_cc", "clopper_pearson")

# Computed variables and their parameters (name -> allowed parameter names).
COMPUTED = {
    "toxicity": ("min_grade", "phase"),  # yes when an adverse event of grade >= min_grade (in that phase)
    "mrd_positive": ("method", "day_from", "day_to", "flow_threshold"),  # MRD at treatment days [from, to]
    "finding_gene": ("genes",),  # yes when a finding's fusion or abnormality names one of the genes
    "composite": ("events",),  # yes when any of the events happened during follow-up
}
MRD_METHODS = ("flow", "pcr")
OPERATORS = ("in", "not_in", "eq", "ne", "lt", "le", "gt", "ge", "is_true", "is_false", "is_known")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")

UNKNOWN_VARIABLE = gettext_noop("Unknown variable {name!r}: not a dataset variable nor a computed one.")
BAD_PARAMETER = gettext_noop("{name}: unknown parameter(s) {params}.")
BAD_OUTCOME = gettext_noop("Unknown outcome {kind!r}; choose one of {allowed}.")
BAD_METHOD = gettext_noop("Unknown method {method!r}; choose one of {allowed}.")
METHOD_OUTCOME = gettext_noop("The method {method} cannot analyse the outcome {kind} (it takes {allowed}).")
NEEDS_GRADE = gettext_noop("A toxicity needs a minimum grade from 1 to 5.")
NEEDS_EVENTS = gettext_noop("A composite outcome needs one or more of {allowed}.")
NEEDS_BINARY_VARIABLE = gettext_noop("A binary outcome needs the variable it reads.")
BAD_OPERATOR = gettext_noop("Unknown operator {op!r}; choose one of {allowed}.")
NEEDS_VALUE = gettext_noop("The condition on {name} needs a value.")
BAD_KEY = gettext_noop("Analysis key {key!r}: lower-case letters, digits, '-' and '_', at most 50 characters.")
DUPLICATE_KEY = gettext_noop("Two analyses have the key {key!r}.")
NO_ANALYSES = gettext_noop("A plan needs at least one analysis.")
NO_NAME = gettext_noop("A plan needs a name.")
COX_NEEDS_TERMS = gettext_noop("A Cox model needs an exposure or at least one covariate.")
BAD_TIMES = gettext_noop("Estimate times are days after diagnosis (or after the landmark), > 0.")
BAD_LANDMARK = gettext_noop("A landmark is a number of days after diagnosis, > 0.")
LANDMARK_METHOD = gettext_noop("A landmark applies to time-to-event methods (km, cif, cox), not to {method}.")
EMPTY_GROUP = gettext_noop("Group {label!r} names no level.")
OVERLAPPING_GROUPS = gettext_noop("Level {level!r} is in more than one group.")
POOL_METHOD = gettext_noop("Pooling of per-center estimates applies to proportions with two groups and to Cox models.")
BAD_TEST = gettext_noop("Unknown test {test!r}; choose one of {allowed}.")
BAD_CI_METHOD = gettext_noop("Unknown CI method {ci!r}; choose one of {allowed}.")
BAD_MRD_METHOD = gettext_noop("MRD is read by flow or by PCR: method must be 'flow' or 'pcr'.")
TOXICITY_OF_GRADE = gettext_noop("toxicity of grade ≥ {grade}")


class SpecError(ValueError):
    """A plan that cannot run whatever the data: ``problems`` lists every reason as (where, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{where}: {message}" if where else message for where, message in problems))


class _FrozenDict(tuple):
    """A dict frozen as its sorted (key, value) pairs: hashable, equal to that tuple, and thawed back into a dict
    (so a claim's ``groups`` reads as {label: value} in Python and in JSON)."""

    __slots__ = ()


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return _FrozenDict(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, _FrozenDict):
        return {k: _thaw(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _known(cls, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise SpecError([(cls.__name__, f"unknown key(s) {', '.join(unknown)}")])
    return data


@dataclass(frozen=True)
class Variable:
    """A dataset column (``name`` in CASE_COLUMNS) or a computed variable (``name`` in COMPUTED) and its
    parameters; ``cutoff`` turns a numeric variable into "value >= cutoff"."""

    name: str
    params: tuple = ()  # frozen (key, value) pairs; see ``param``
    cutoff: float | None = None

    @classmethod
    def of(cls, name: str, cutoff: float | None = None, **params: Any) -> Variable:
        return cls(name=name, params=_freeze(params), cutoff=cutoff)

    def param(self, key: str, default: Any = None) -> Any:
        return _thaw(dict(self.params).get(key, default))

    @property
    def computed(self) -> bool:
        return self.name in COMPUTED

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        if self.params:
            data["params"] = {k: _thaw(v) for k, v in self.params}
        if self.cutoff is not None:
            data["cutoff"] = self.cutoff
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | str) -> Variable:
        if isinstance(data, str):
            return cls(name=data)
        data = _known(cls, dict(data))
        cutoff = data.get("cutoff")
        return cls(name=str(data["name"]), params=_freeze(data.get("params") or {}), cutoff=cutoff)

    def describe(self) -> str:
        text = self.name
        if self.params:
            text += " (" + ", ".join(f"{k} {_thaw(v)}" for k, v in self.params) + ")"
        if self.cutoff is not None:
            text += f" >= {self.cutoff:g}"
        return text


@dataclass(frozen=True)
class Condition:
    """One condition of the population, e.g. ``kmt2a_status in [rearranged]`` or ``age_days lt 365``."""

    variable: Variable
    op: str
    value: Any = None  # a list for in/not_in, a number or code otherwise; none for is_true/is_false/is_known

    def as_dict(self) -> dict[str, Any]:
        data = {"variable": self.variable.as_dict(), "op": self.op}
        if self.value is not None:
            data["value"] = _thaw(self.value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Condition:
        data = _known(cls, dict(data))
        return cls(Variable.from_dict(data["variable"]), str(data["op"]), _freeze(data.get("value")))

    def describe(self) -> str:
        words = {"in": "in", "not_in": "not in", "eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
        if self.op in ("is_true", "is_false", "is_known"):
            return f"{self.variable.describe()} {self.op.replace('_', ' ')}"
        value = _thaw(self.value)
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        return f"{self.variable.describe()} {words.get(self.op, self.op)} {shown}"


@dataclass(frozen=True)
class Group:
    """A named group of an exposure's levels, e.g. "other partners" = MLLT3, MLLT1, MLLT10."""

    label: str
    levels: tuple = ()

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "levels": [_thaw(v) for v in self.levels]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Group:
        data = _known(cls, dict(data))
        return cls(str(data["label"]), _freeze(list(data.get("levels") or [])))


@dataclass(frozen=True)
class Outcome:
    """What is counted: see OUTCOMES. ``min_grade`` for toxicity, ``events`` for a composite, ``variable`` for
    a binary variable (a yes/no column, or a Variable with a cutoff)."""

    kind: str
    min_grade: int | None = None
    events: tuple[str, ...] = ()
    variable: Variable | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.min_grade is not None:
            data["min_grade"] = self.min_grade
        if self.events:
            data["events"] = list(self.events)
        if self.variable is not None:
            data["variable"] = self.variable.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        data = _known(cls, dict(data))
        variable = data.get("variable")
        return cls(
            kind=str(data["kind"]),
            min_grade=data.get("min_grade"),
            events=tuple(data.get("events") or ()),
            variable=Variable.from_dict(variable) if variable else None,
        )

    def describe(self) -> str:
        if self.kind == "toxicity":
            return sentence(TOXICITY_OF_GRADE, grade=self.min_grade)
        if self.kind == "composite":
            return " or ".join(e.replace("_", " ") for e in self.events)
        if self.kind == "binary" and self.variable is not None:
            return self.variable.describe()
        return sentence(OUTCOME_WORDS[self.kind]) if self.kind in OUTCOME_WORDS else self.kind


@dataclass(frozen=True)
class Claim:
    """A published figure the analysis re-tests, as the source printed it.

    ``values`` holds what was published, by name: per-group estimates (``groups``: {label: value}), ``p``,
    ``estimate`` with ``lower``/``upper`` (an OR or HR), ``n``, ``test``. ``effect`` says which one the verdict
    compares with the pooled result ("difference", "odds_ratio", "hazard_ratio", "p"). ``not_recomputable``
    explains, when it does, why the figure cannot come from the source's own counts.
    """

    source: str  # the seed file, e.g. "000_743ea5dade156a28.txt"
    quote: str
    values: tuple = ()
    effect: str = "p"
    not_recomputable: str = ""

    def value(self, key: str, default: Any = None) -> Any:
        return _thaw(dict(self.values).get(key, default))

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "quote": self.quote,
            "values": {k: _thaw(v) for k, v in self.values},
            "effect": self.effect,
            "not_recomputable": self.not_recomputable,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Claim:
        data = _known(cls, dict(data))
        return cls(
            source=str(data["source"]),
            quote=str(data.get("quote", "")),
            values=_freeze(data.get("values") or {}),
            effect=str(data.get("effect", "p")),
            not_recomputable=str(data.get("not_recomputable", "")),
        )


@dataclass(frozen=True)
class Analysis:
    """One analysis of a plan: an outcome by an exposure's groups, with a method and its settings."""

    key: str
    title: str
    outcome: Outcome
    method: str
    exposure: Variable | None = None  # None: the whole population as one group
    groups: tuple[Group, ...] = ()  # empty: every level of the exposure
    covariates: tuple[Variable, ...] = ()  # Cox
    stratify_center: bool = False  # stratified log-rank / Cox / CMH-free: center as stratum
    times: tuple[float, ...] = (730.0,)  # km/cif estimates, days (from the landmark, if any)
    landmark_days: int | None = None  # keep cases event-free at the landmark; exposure as it was then
    pool_centers: bool = False  # per-center estimates, fixed and random-effects pooled, with I²
    test: str = "auto"  # proportions
    ci_method: str = "wilson"  # proportions
    claim: Claim | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcome"] = self.outcome.as_dict()
        data["exposure"] = self.exposure.as_dict() if self.exposure else None
        data["groups"] = [g.as_dict() for g in self.groups]
        data["covariates"] = [c.as_dict() for c in self.covariates]
        data["times"] = list(self.times)
        data["claim"] = self.claim.as_dict() if self.claim else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        data = _known(cls, dict(data))
        exposure, claim = data.get("exposure"), data.get("claim")
        return cls(
            key=str(data["key"]),
            title=str(data.get("title") or data["key"]),
            outcome=Outcome.from_dict(data["outcome"]),
            method=str(data["method"]),
            exposure=Variable.from_dict(exposure) if exposure else None,
            groups=tuple(Group.from_dict(g) for g in data.get("groups") or ()),
            covariates=tuple(Variable.from_dict(c) for c in data.get("covariates") or ()),
            stratify_center=bool(data.get("stratify_center", False)),
            times=tuple(float(t) for t in data.get("times", (730.0,)) or ()),
            landmark_days=data.get("landmark_days"),
            pool_centers=bool(data.get("pool_centers", False)),
            test=str(data.get("test", "auto")),
            ci_method=str(data.get("ci_method", "wilson")),
            claim=Claim.from_dict(claim) if claim else None,
        )


@dataclass(frozen=True)
class PlanSpec:
    """A whole plan: name, question, population (run filters and conditions) and analyses."""

    name: str
    question: str = ""
    filters: RunFilters = field(default_factory=RunFilters)
    conditions: tuple[Condition, ...] = ()
    analyses: tuple[Analysis, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "question": self.question,
            "filters": self.filters.as_dict(),
            "conditions": [c.as_dict() for c in self.conditions],
            "analyses": [a.as_dict() for a in self.analyses],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanSpec:
        data = _known(cls, dict(data))
        try:
            filters = RunFilters.from_dict(data.get("filters"))
        except (TypeError, ValueError) as exc:
            raise SpecError([("filters", str(exc))]) from None
        return cls(
            name=str(data.get("name", "")),
            question=str(data.get("question", "")),
            filters=filters,
            conditions=tuple(Condition.from_dict(c) for c in data.get("conditions") or ()),
            analyses=tuple(Analysis.from_dict(a) for a in data.get("analyses") or ()),
        )

    def describe_population(self) -> str:
        parts = [self.filters.describe(), *(c.describe() for c in self.conditions)]
        return "; ".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# Checks that need no data
# ---------------------------------------------------------------------------------------------------------------
def _check_variable(where: str, variable: Variable) -> list[tuple[str, str]]:
    if variable.name in COMPUTED:
        extra = sorted(set(dict(variable.params)) - set(COMPUTED[variable.name]))
        problems = [(where, sentence(BAD_PARAMETER, name=variable.name, params=", ".join(extra)))] if extra else []
        if variable.name == "toxicity" and variable.param("min_grade") not in (1, 2, 3, 4, 5):
            problems.append((where, NEEDS_GRADE))
        if variable.name == "mrd_positive" and variable.param("method") not in MRD_METHODS:
            problems.append((where, BAD_MRD_METHOD))
        if variable.name == "composite" and (
            not variable.param("events") or set(variable.param("events")) - set(COMPOSITE_EVENTS)
        ):
            problems.append((where, sentence(NEEDS_EVENTS, allowed=", ".join(COMPOSITE_EVENTS))))
        return problems
    if variable.name not in CASE_COLUMNS or variable.name == "case_key":
        return [(where, sentence(UNKNOWN_VARIABLE, name=variable.name))]
    if variable.params:
        return [(where, sentence(BAD_PARAMETER, name=variable.name, params=", ".join(k for k, _ in variable.params)))]
    return []


def _check_outcome(where: str, outcome: Outcome) -> list[tuple[str, str]]:
    if outcome.kind not in OUTCOMES:
        return [(where, sentence(BAD_OUTCOME, kind=outcome.kind, allowed=", ".join(OUTCOMES)))]
    if outcome.kind == "toxicity" and outcome.min_grade not in (1, 2, 3, 4, 5):
        return [(where, NEEDS_GRADE)]
    if outcome.kind == "composite" and (not outcome.events or set(outcome.events) - set(COMPOSITE_EVENTS)):
        return [(where, sentence(NEEDS_EVENTS, allowed=", ".join(COMPOSITE_EVENTS)))]
    if outcome.kind == "binary":
        if outcome.variable is None:
            return [(where, NEEDS_BINARY_VARIABLE)]
        return _check_variable(where, outcome.variable)
    return []


def _check_analysis(analysis: Analysis) -> list[tuple[str, str]]:
    where = f"analysis {analysis.key}"
    problems = [] if SLUG.match(analysis.key) else [(where, sentence(BAD_KEY, key=analysis.key))]
    problems += _check_outcome(where, analysis.outcome)
    if analysis.method not in METHODS:
        problems.append((where, sentence(BAD_METHOD, method=analysis.method, allowed=", ".join(METHODS))))
    elif analysis.outcome.kind in OUTCOMES and analysis.outcome.kind not in METHODS[analysis.method]:
        allowed = ", ".join(METHODS[analysis.method])
        problems.append(
            (where, sentence(METHOD_OUTCOME, method=analysis.method, kind=analysis.outcome.kind, allowed=allowed))
        )
    for variable in ([analysis.exposure] if analysis.exposure else []) + list(analysis.covariates):
        problems += _check_variable(where, variable)
    if analysis.method == "cox" and analysis.exposure is None and not analysis.covariates:
        problems.append((where, COX_NEEDS_TERMS))
    if any(not t > 0 for t in analysis.times):
        problems.append((where, BAD_TIMES))
    if analysis.landmark_days is not None:
        if not (isinstance(analysis.landmark_days, int) and analysis.landmark_days > 0):
            problems.append((where, BAD_LANDMARK))
        if analysis.method == "proportions":
            problems.append((where, sentence(LANDMARK_METHOD, method=analysis.method)))
    seen: set = set()
    for group in analysis.groups:
        if not group.levels:
            problems.append((where, sentence(EMPTY_GROUP, label=group.label)))
        for level in group.levels:
            if level in seen:
                problems.append((where, sentence(OVERLAPPING_GROUPS, level=level)))
            seen.add(level)
    if analysis.pool_centers and analysis.method not in ("proportions", "cox"):
        problems.append((where, POOL_METHOD))
    if analysis.test not in TESTS:
        problems.append((where, sentence(BAD_TEST, test=analysis.test, allowed=", ".join(TESTS))))
    if analysis.ci_method not in CI_METHODS:
        problems.append((where, sentence(BAD_CI_METHOD, ci=analysis.ci_method, allowed=", ".join(CI_METHODS))))
    return problems


def check_spec(spec: PlanSpec) -> None:
    """Raise SpecError listing every problem that needs no data to find; return None for a runnable plan."""
    problems: list[tuple[str, str]] = [] if spec.name.strip() else [("name", NO_NAME)]
    for i, condition in enumerate(spec.conditions, start=1):
        where = f"condition {i}"
        problems += _check_variable(where, condition.variable)
        if condition.op not in OPERATORS:
            problems.append((where, sentence(BAD_OPERATOR, op=condition.op, allowed=", ".join(OPERATORS))))
        elif condition.op not in ("is_true", "is_false", "is_known") and condition.value in (None, "", ()):
            problems.append((where, sentence(NEEDS_VALUE, name=condition.variable.name)))
    if not spec.analyses:
        problems.append(("analyses", NO_ANALYSES))
    keys: set[str] = set()
    for analysis in spec.analyses:
        problems += _check_analysis(analysis)
        if analysis.key in keys:
            problems.append((f"analysis {analysis.key}", sentence(DUPLICATE_KEY, key=analysis.key)))
        keys.add(analysis.key)
    if problems:
        raise SpecError(problems)
