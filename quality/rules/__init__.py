"""Data-quality rules: one registry (`RULES`, id -> Rule), filled by the modules imported here."""

from quality.rules import (  # noqa: F401  (each module registers its rules on import)
    completeness,
    contradictions,
    cytogenetics,
    dates,
    duplicates,
    follow_up,
    protocol,
    ranges,
)
from quality.rules.base import CheckContext, Hit, Rule, Severity, Stage
from quality.rules.entry import ENTRY_RULE_NAMES
from quality.rules.registry import RULES, evaluate

__all__ = ["ENTRY_RULE_NAMES", "RULES", "CheckContext", "Hit", "Rule", "Severity", "Stage", "evaluate"]
