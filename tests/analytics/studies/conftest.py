"""Named people (tests.registry.conftest) and a small valid plan spec."""

from __future__ import annotations

import pytest

from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.runs.options import RunFilters
from tests.registry.conftest import center_a, center_b, people  # noqa: F401


def make_spec(name: str = "KMT2A-r infants", **changes) -> PlanSpec:
    fields = {
        "name": name,
        "question": "Does the risk class predict EFS among KMT2A-rearranged infants?",
        "filters": RunFilters(lineages=("ALL",)),
        "conditions": (
            Condition(Variable.of("kmt2a_status"), "in", ("rearranged",)),
            Condition(Variable.of("age_days"), "lt", 365),
        ),
        "analyses": (
            Analysis(
                key="efs-risk",
                title="EFS by risk class",
                outcome=Outcome("efs"),
                method="km",
                exposure=Variable.of("risk_class"),
                groups=(Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",))),
                times=(730.0, 1825.0),
            ),
        ),
    }
    fields.update(changes)
    return PlanSpec(**fields)


@pytest.fixture
def spec() -> PlanSpec:
    return make_spec()


@pytest.fixture(autouse=True)
def no_shipped_plans(db):
    """These tests are about the plans users write: the plans the registry ships (installed after migrate, tested
    in tests/analytics/studies/test_builtin.py and the seed-000 run) are taken out of their way."""
    from analytics.studies.models import AnalysisPlan, PlanVersion

    PlanVersion.objects.filter(plan__slug__isnull=False).delete()  # querysets: the models refuse deletion
    AnalysisPlan.objects.filter(slug__isnull=False).delete()
