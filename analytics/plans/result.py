"""What executing a plan returns: per analysis, the numbers and the method that made them, JSON-ready.

``analytics.plans.execute`` fills these from ``analytics.core``; ``analytics.reports.sections.plans`` only
formats them; a run stores ``PlanResult.to_dict()`` as the plan's JSON document. No Django here.

The analysis frame the methods read (``analytics.plans.frame``) has one row per case of the population:
``case_key``, ``center``, ``group`` (the exposure group's label; None = not in a compared group), the outcome
(``outcome`` 0/1 for a binary outcome; ``time`` in days and ``status`` 0/1, or 0/1/2 for relapse with death
competing, for a time-to-event outcome) and one column per covariate (``cov_<i>``, labels as the variable's
``describe()``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from analytics.core.results import to_jsonable

__all__ = ["AnalysisResult", "CenterEstimate", "Effect", "PlanResult", "Verdict"]


@dataclass(frozen=True)
class Effect:
    """A comparison (or one group's estimate) on which a verdict can be given.

    ``kind`` is "difference" (of proportions, or of KM/CIF estimates at ``at_time``), "odds_ratio",
    "hazard_ratio", "estimate" (one group's proportion or KM/CIF estimate at ``at_time``; ``comparison`` is the
    group's label) or "p" (a test only, e.g. a log-rank over three groups). ``null`` is 0 for a difference, 1
    for a ratio. ``comparison`` names the groups, first against second ("favorable vs unfavorable").
    """

    kind: str
    estimate: float | None
    lower: float | None
    upper: float | None
    p: float | None
    method: str
    comparison: str = ""
    at_time: float | None = None
    conf_level: float = 0.95

    @property
    def null(self) -> float:
        return 1.0 if self.kind in ("odds_ratio", "hazard_ratio") else 0.0


@dataclass(frozen=True)
class CenterEstimate:
    """One center's share: its counts and its effect (None with a ``message`` when not estimable); the effect's
    log estimate and standard error are what the pooling weighs."""

    center: str
    n: int
    n_events: int
    effect: Effect | None = None
    message: str | None = None
    log_estimate: float | None = None
    se: float | None = None


@dataclass(frozen=True)
class Verdict:
    """The pooled result read against the published claim: "consistent", "contradicted" or "too few cases to
    tell", the reason in words, and the pooled CI's width (upper/lower for a ratio, upper - lower for a
    difference)."""

    word: str
    reason: str
    ci_width: float | None = None


@dataclass
class AnalysisResult:
    """One analysis' results.

    effects : every comparison the method makes (for two groups: difference and odds ratio of proportions;
        difference of KM estimates at each time; the exposure's hazard ratio), and a "p" effect for the test.
        A claim's verdict reads the effect of the claim's kind.
    groups : one dict per group, in order: ``label``, ``n``, ``events`` and the estimates the method makes
        (``proportion``, ``lower``, ``upper`` for proportions; ``estimates``: [{time, estimate, lower, upper,
        n_risk}] and ``median`` for KM/CIF).
    tests : one dict per test: ``name``, ``statistic``, ``df``, ``p``, ``chosen`` (the one the verdict and the
        headline use) and ``why`` (why it was chosen).
    model : Cox terms, one dict each: ``term``, ``coef``, ``se``, ``hr``, ``lower``, ``upper``, ``p``; plus
        ``model_tests`` (likelihood ratio, Wald, score) and ``ph_check`` (cox.zph rows).
    pooled : per-center pooling (``analytics.core.meta``'s result as a dict: fixed, random, Q, I², tau²).
    curves : what a KM/CIF figure needs (the format of ``analytics.reports.figures``), or None.
    excluded : reasons cases of the population are not in this analysis, with counts.
    """

    key: str
    title: str
    method: str
    n: int = 0
    n_events: int = 0
    groups: list[dict[str, Any]] = field(default_factory=list)
    tests: list[dict[str, Any]] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)  # the headline first
    per_center: list[CenterEstimate] = field(default_factory=list)
    pooled: dict[str, Any] | None = None
    model: dict[str, Any] | None = None
    curves: dict[str, Any] | None = None
    excluded: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    claim: dict[str, Any] | None = None
    verdict: Verdict | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlanResult:
    """Every analysis of one plan version, on one run's rows."""

    plan: dict[str, Any]  # {"id", "version", "name", "question", "population"} as the caller passes them
    n_population: int
    analyses: list[AnalysisResult]
    problems: list[dict[str, str]] = field(default_factory=list)  # validate's findings: where, message, level

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(asdict(self))
