# ruff: noqa: RUF001  (the paper prints en dashes; quotes keep them)
"""Seed 000: Almaty, n = 33, congenital and early infant acute leukemia (0-3 months), 2018-2023."""

from __future__ import annotations

from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.plans.words import gettext_noop
from analytics.runs.options import RunFilters

from ._common import NOT_NAMED, SEED_000, TWO_YEARS, claim

__all__ = ["PLAN_000"]

RISK_GROUPS = (Group(gettext_noop("favorable"), ("favorable",)), Group(gettext_noop("unfavorable"), ("unfavorable",)))
TOXICITY_ANY = Variable.of("toxicity", min_grade=1)  # the paper counts any treatment-related adverse event

CR_BY_RISK_NOT_RECOMPUTABLE = gettext_noop(
    "91.6% and 58.3% are 11/12 and 7/12, but the paper's favorable group has 8 cases (t(12;21) 4 + t(8;21) 2 + "
    "inv(16) 2) and its unfavorable group 7 (t(4;11) 4 + t(9;22) 3): no count out of 8 or 7 gives either "
    "percentage (the nearest are 7/8 = 87.5% and 4/7 = 57.1%). Even 11/12 vs 7/12 gives uncorrected χ² p = 0.0593, "
    "Yates p = 0.157 and Fisher's exact p = 0.155, not 0.019."
)
TOXICITY_BY_RESPONSE_NOT_RECOMPUTABLE = gettext_noop(
    "83.3% and 31.8% are 5/6 and 7/22, but no test gives p = 0.017 from those counts: uncorrected χ² p = 0.0238, "
    "Yates-corrected χ² p = 0.0727, Fisher's exact p = 0.0573 (the smallest expected count is 2.57, so 'as "
    "appropriate' means Fisher's exact test)."
)
OS_BY_RISK_NOT_RECOMPUTABLE = gettext_noop(
    "The paper records 2 deaths in all (Table 4). 2-year OS of 83.3% (favorable, 8 cases) and 50.0% (unfavorable, "
    "7 cases) then needs one death in each group: 5/6 with 6 favorable cases at risk and 1/2 with 2 unfavorable at "
    "risk. Under those counts the log-rank χ² is at most 4.00 (the unfavorable death with all 8 favorable cases at "
    "risk, no unfavorable case left at the favorable death), p = 0.0455: no follow-up times give p = 0.032."
)
EFS_HR_NOT_RECOMPUTABLE = gettext_noop(
    "A 95% CI of 1.12–10.84 around HR 3.48 means SE(log HR) = (ln 10.84 − ln 1.12) / (2 × 1.96) = 0.579. Each "
    "event adds at most 1/4 to the Cox information of a yes/no covariate, so SE ≥ 2/√(events), and this SE needs at "
    "least 4/0.579² = 11.9, i.e. 12 events. The paper's 33 children have at most 11 EFS events in all (6 non-CR, 3 "
    "relapses, 2 deaths), and fewer among the 15 with favorable or unfavorable cytogenetics."
)

PLAN_000 = PlanSpec(
    name=gettext_noop(
        "Seed 000: cytogenetics, remission, toxicity and survival in congenital and early infant leukemia"
    ),
    question=gettext_noop(
        "Do the Almaty single-center findings (n = 33, 2018-2023) hold in the pooled registry: remission and "
        "survival by cytogenetic risk class, toxicity by response, and toxicity as a risk of relapse or death?"
    ),
    filters=RunFilters(),
    conditions=(Condition(Variable.of("age_class"), "in", ("CAL", "early_infant")),),  # inclusion: 0-3 months
    analyses=(
        Analysis(
            key="cr-by-risk",
            title=gettext_noop("CR at the end of induction, favorable vs unfavorable cytogenetics"),
            outcome=Outcome("cr"),
            method="proportions",
            pool_centers=True,
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            test="auto",
            claim=claim(
                SEED_000,
                "The remission rate among patients with a favorable cytogenetic profile (t(12;21), inv(16), t(8;21)) "
                "was 91.6%, compared with 58.3% in those with unfavorable chromosomal rearrangements (t(4;11), "
                "t(9;22), MLL+) ($p = 0.019$)",
                "difference",
                CR_BY_RISK_NOT_RECOMPUTABLE,
                groups={"favorable": 0.916, "unfavorable": 0.583},
                p=0.019,
                n=15,
                test=NOT_NAMED,
            ),
        ),
        Analysis(
            key="toxicity-by-response",
            title=gettext_noop("Treatment-related toxicity, non-CR vs CR after induction"),
            outcome=Outcome("toxicity", min_grade=1),
            method="proportions",
            pool_centers=True,
            exposure=Variable.of("cr_status"),
            groups=(Group(gettext_noop("non-CR"), ("no_CR", "induction_death")), Group(gettext_noop("CR"), ("CR",))),
            test="auto",
            claim=claim(
                SEED_000,
                "The incidence of treatment-related toxicity was significantly higher in the non-complete remission "
                "after induction (non-CR) group (83.3%) compared with the complete remission group (31.8%; "
                "$p = 0.017$)",
                "difference",
                TOXICITY_BY_RESPONSE_NOT_RECOMPUTABLE,
                groups={"non-CR": 0.833, "CR": 0.318},
                p=0.017,
                n=28,
                test=NOT_NAMED,
            ),
        ),
        Analysis(
            key="toxicity-relapse-death",
            title=gettext_noop("Relapse or death, with vs without treatment-related toxicity"),
            outcome=Outcome("composite", events=("relapse", "death")),
            method="proportions",
            pool_centers=True,
            exposure=TOXICITY_ANY,
            groups=(Group(gettext_noop("toxicity"), (True,)), Group(gettext_noop("no toxicity"), (False,))),
            test="chisq",
            claim=claim(
                SEED_000,
                "The presence of treatment-related toxicity was associated with a trend toward an increased risk of "
                "adverse outcomes (OR = 7.20; 95% CI: 0.70–73.53; $p = 0.0649$)",
                "odds_ratio",
                groups={"toxicity": 0.286, "no toxicity": 0.053},
                estimate=7.20,
                lower=0.70,
                upper=73.53,
                p=0.0649,
                n=33,
                test=gettext_noop(
                    "not named; p = 0.0649 is Pearson's χ² without continuity correction (Fisher's exact: 0.138)"
                ),
            ),
        ),
        Analysis(
            key="os-by-risk",
            title=gettext_noop("Overall survival, favorable vs unfavorable cytogenetics"),
            outcome=Outcome("os"),
            method="km",
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            times=TWO_YEARS,
            claim=claim(
                SEED_000,
                "Estimated 2-year overall survival (OS) was 83.3% in patients with favorable cytogenetic "
                "abnormalities versus 50.0% in those with unfavorable abnormalities.",
                "p",
                OS_BY_RISK_NOT_RECOMPUTABLE,
                groups={"favorable": 0.833, "unfavorable": 0.500},
                p=0.032,
                n=15,
                test="log-rank",
                time=730,
            ),
        ),
        Analysis(
            key="efs-by-risk",
            title=gettext_noop("Event-free survival, favorable vs unfavorable cytogenetics"),
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            times=TWO_YEARS,
            claim=claim(
                SEED_000,
                "Estimated 2-year event-free survival (EFS) was 75.0% and 41.7%, respectively.",
                "p",
                groups={"favorable": 0.750, "unfavorable": 0.417},
                p=0.021,
                n=15,
                test="log-rank",
                time=730,
            ),
        ),
        Analysis(
            key="efs-hr-by-risk",
            title=gettext_noop("Hazard of an EFS event, unfavorable vs favorable cytogenetics"),
            outcome=Outcome("efs"),
            method="cox",
            pool_centers=True,
            exposure=Variable.of("risk_class"),
            groups=(
                Group(gettext_noop("unfavorable"), ("unfavorable",)),
                Group(gettext_noop("favorable"), ("favorable",)),
            ),
            claim=claim(
                SEED_000,
                "Patients with unfavorable cytogenetic abnormalities had a higher risk of adverse events (HR = 3.48; "
                "95% CI: 1.12–10.84).",
                "hazard_ratio",
                EFS_HR_NOT_RECOMPUTABLE,
                estimate=3.48,
                lower=1.12,
                upper=10.84,
                n=15,
                test=gettext_noop("not named (a Cox model, by the hazard ratio)"),
            ),
        ),
    ),
)
