from registry.validation.rules import RULES, Violation, violations
from registry.validation.state import CaseState

__all__ = ["RULES", "CaseState", "Violation", "violations"]
