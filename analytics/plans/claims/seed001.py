"""Seed 001: Moscow, 175 infants with BCP-ALL; 2-year EFS by KMT2A partner, and of NUTM1-r and PAX5-r (KMT2A-wt)."""

from __future__ import annotations

from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.plans.words import gettext_noop
from analytics.runs.options import RunFilters

from ._common import B_PRECURSOR, SEED_001, TWO_YEARS, claim

__all__ = ["OTHER_KMT2A_PARTNERS", "PLAN_001"]

# KMT2A partners other than AFF1 (DOMAIN.md), the "other partners" of seed 001; an unknown partner is in neither.
OTHER_KMT2A_PARTNERS = (
    "MLLT3", "MLLT1", "MLLT10", "EPS15", "AFDN", "MLLT6", "MLLT11", "ELL", "FLNA", "CLTC", "CT45A1", "USP2",
)  # fmt: skip

PLAN_001 = PlanSpec(
    name=gettext_noop("Seed 001: 2-year EFS by KMT2A partner, and of NUTM1-r and PAX5-r, in infant BCP-ALL"),
    question=gettext_noop(
        "In infants (< 365 days) with B-precursor ALL: does 2-year EFS of KMT2A::AFF1 equal that of the other "
        "KMT2A partners, and is EFS of NUTM1-r and PAX5-r (KMT2A-wt) as high as Moscow reported?"
    ),
    filters=RunFilters(lineages=("ALL",)),
    conditions=(
        Condition(Variable.of("age_days"), "lt", 365),
        Condition(Variable.of("subtype"), "in", B_PRECURSOR),
    ),
    analyses=(
        Analysis(
            key="efs-aff1-vs-other",
            title=gettext_noop("2-year EFS, KMT2A::AFF1 vs other KMT2A partners"),
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("kmt2a_partner"),
            groups=(
                Group(gettext_noop("KMT2A::AFF1"), ("AFF1",)),
                Group(gettext_noop("other partners"), OTHER_KMT2A_PARTNERS),
            ),
            times=TWO_YEARS,
            claim=claim(
                SEED_001,
                "The KMT2A::AFF1 group showed similar outcomes to other partners, with 2-year EFS of 36% (95% CI, "
                "21%-59%) versus 37% (95% CI, 23%-60%) (log-rank test, p = 0.9).",
                "difference",
                groups={"KMT2A::AFF1": 0.36, "other partners": 0.37},
                groups_ci={"KMT2A::AFF1": [0.21, 0.59], "other partners": [0.23, 0.60]},
                p=0.9,
                test="log-rank",
                time=730,
            ),
        ),
        Analysis(
            key="efs-nutm1",
            title=gettext_noop("2-year EFS of NUTM1-rearranged infant BCP-ALL"),
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("finding_gene", genes=["NUTM1"]),
            groups=(Group(gettext_noop("NUTM1-r"), (True,)),),
            times=TWO_YEARS,
            claim=claim(
                SEED_001,
                "The NUTM1-r and PAX5-r groups showed excellent survival rates, with 2-year EFS of 80% (95% CI, "
                "52%-100%) and 100% (95% CI, 100%-100%), respectively",
                "estimate",
                groups={"NUTM1-r": 0.80},
                groups_ci={"NUTM1-r": [0.52, 1.0]},
                n=9,
                test="Kaplan-Meier",
                time=730,
            ),
        ),
        Analysis(
            key="efs-pax5",
            title=gettext_noop("2-year EFS of PAX5-rearranged infant BCP-ALL"),
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("finding_gene", genes=["PAX5"]),
            groups=(Group(gettext_noop("PAX5-r"), (True,)),),
            times=TWO_YEARS,
            claim=claim(
                SEED_001,
                "The NUTM1-r and PAX5-r groups showed excellent survival rates, with 2-year EFS of 80% (95% CI, "
                "52%-100%) and 100% (95% CI, 100%-100%), respectively",
                "estimate",
                groups={"PAX5-r": 1.0},
                groups_ci={"PAX5-r": [1.0, 1.0]},
                n=10,
                test="Kaplan-Meier",
                time=730,
            ),
        ),
    ),
)
