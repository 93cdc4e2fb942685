"""The one registry of data-quality rules. Rule modules add to it with @rule; ids are unique."""

from __future__ import annotations

from collections.abc import Callable

from quality.rules.base import Check, CheckContext, Hit, Rule

__all__ = ["RULES", "evaluate", "rule", "today_rule_ids"]

RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    severity: str,
    stage: str,
    description: str,
    problem: str,
    fields: tuple[str, ...],
    reads_today: bool = False,
) -> Callable:
    """Register the decorated check under `rule_id`. ``description``: what the rule checks; ``problem``: what a
    finding of it reports, as a title (both lazy translations). ``reads_today``: the check reads the day it runs
    on."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"Data-quality rule {rule_id} is defined twice.")
        RULES[rule_id] = Rule(
            rule_id, severity, stage, description, fields, check, problem=problem, reads_today=reads_today
        )
        return check

    return register


def evaluate(context: CheckContext) -> list[tuple[Rule, Hit]]:
    """Every (rule, hit) for one case, in rule-id order."""
    return [(r, hit) for r in sorted(RULES.values(), key=lambda r: r.id) for hit in r.run(context)]


def today_rule_ids() -> frozenset[str]:
    """The rules whose result depends on the day the check runs (``reads_today``)."""
    return frozenset(rule_id for rule_id, r in RULES.items() if r.reads_today)
