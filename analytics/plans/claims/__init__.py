"""The seeds' published claims as built-in plans: one plan per seed, each analysis beside the figure it re-tests.

Every Claim holds the figure as printed (per-group values as fractions, p, OR/HR with its CI, n, the test as the
paper names it) and, where the paper's own counts cannot give that figure, a sentence with the arithmetic
(``not_recomputable``). The arithmetic is re-done from the counts in tests/analytics/plans/test_claims.py with
analytics.core, so the sentences cannot drift from the numbers. No Django here.

Variables and codes are the registry's: risk classes from analytics.derive.cytogenetics (rule set seed000-v1),
response codes from analytics.derive.response, sex and steroid response from registry.choices, KMT2A partners
as gene symbols. One module per seed.
"""

from __future__ import annotations

from analytics.plans.spec import PlanSpec

from ._common import SEED_000, SEED_001, SEED_003
from .seed000 import PLAN_000
from .seed001 import PLAN_001
from .seed003 import PLAN_003

__all__ = ["BUILTIN_PLANS", "SEED_000", "SEED_001", "SEED_003", "builtin_plan"]

BUILTIN_PLANS: tuple[tuple[str, PlanSpec], ...] = (
    ("seed-000-almaty", PLAN_000),
    ("seed-001-moscow", PLAN_001),
    ("seed-003-kmt2a-cox", PLAN_003),
)


def builtin_plan(slug: str) -> PlanSpec:
    """The built-in plan of that slug (KeyError for an unknown one)."""
    return dict(BUILTIN_PLANS)[slug]
