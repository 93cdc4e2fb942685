# ruff: noqa: RUF001  (the papers print en dashes and multiplication signs; quotes keep them)
"""The seeds' published claims as built-in plans: one plan per seed, each analysis beside the figure it re-tests.

Every Claim holds the figure as printed (per-group values as fractions, p, OR/HR with its CI, n, the test as the
paper names it) and, where the paper's own counts cannot give that figure, a sentence with the arithmetic
(``not_recomputable``). The arithmetic is re-done from the counts in tests/analytics/plans/test_claims.py with
analytics.core, so the sentences cannot drift from the numbers. No Django here.

Variables and codes are the registry's: risk classes from analytics.derive.cytogenetics (rule set seed000-v1),
response codes from analytics.derive.response, sex and steroid response from registry.choices, KMT2A partners
as gene symbols.
"""

from __future__ import annotations

from analytics.plans.spec import (
    Analysis,
    Claim,
    Condition,
    Group,
    Outcome,
    PlanSpec,
    Variable,
)
from analytics.runs.options import RunFilters

__all__ = ["BUILTIN_PLANS", "SEED_000", "SEED_001", "SEED_003", "builtin_plan"]

SEED_000 = "000_743ea5dade156a28.txt"
SEED_001 = "001_00a59a73b9e8251c.txt"
SEED_003 = "003_4bb7de85ba20652f.txt"

B_PRECURSOR = ("pro_b", "common", "pre_b", "b_other")  # registry.choices.Subtype, T-ALL left out
TWO_YEARS = (730.0,)
# Seed 003: bone marrow at day 46 of induction (TP2; TP1 is day 19); flow MRD positive at >= 10^-4 (0.01%).
TP2 = {"day_from": 43, "day_to": 49}
FLOW_POSITIVE_PCT = 0.01
# KMT2A partners other than AFF1 (DOMAIN.md), the "other partners" of seed 001; an unknown partner is in neither.
OTHER_KMT2A_PARTNERS = (
    "MLLT3", "MLLT1", "MLLT10", "EPS15", "AFDN", "MLLT6", "MLLT11", "ELL", "FLNA", "CLTC", "CT45A1", "USP2",
)  # fmt: skip
NOT_NAMED = "not named (χ² or Fisher's exact test, 'as appropriate')"


def _claim(source: str, quote: str, effect: str, not_recomputable: str = "", **values) -> Claim:
    data = {"source": source, "quote": quote, "values": values, "effect": effect, "not_recomputable": not_recomputable}
    return Claim.from_dict(data)


# ---------------------------------------------------------------------------------------------------------------
# Seed 000: Almaty, n = 33, congenital and early infant acute leukemia (0-3 months)
# ---------------------------------------------------------------------------------------------------------------
RISK_GROUPS = (Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",)))
TOXICITY_ANY = Variable.of("toxicity", min_grade=1)  # the paper counts any treatment-related adverse event

CR_BY_RISK_NOT_RECOMPUTABLE = (
    "91.6% and 58.3% are 11/12 and 7/12, but the paper's favorable group has 8 cases (t(12;21) 4 + t(8;21) 2 + "
    "inv(16) 2) and its unfavorable group 7 (t(4;11) 4 + t(9;22) 3): no count out of 8 or 7 gives either "
    "percentage (the nearest are 7/8 = 87.5% and 4/7 = 57.1%). Even 11/12 vs 7/12 gives uncorrected χ² p = 0.0593, "
    "Yates p = 0.157 and Fisher's exact p = 0.155, not 0.019."
)
TOXICITY_BY_RESPONSE_NOT_RECOMPUTABLE = (
    "83.3% and 31.8% are 5/6 and 7/22, but no test gives p = 0.017 from those counts: uncorrected χ² p = 0.0238, "
    "Yates-corrected χ² p = 0.0727, Fisher's exact p = 0.0573 (the smallest expected count is 2.57, so 'as "
    "appropriate' means Fisher's exact test)."
)
OS_BY_RISK_NOT_RECOMPUTABLE = (
    "The paper records 2 deaths in all (Table 4). 2-year OS of 83.3% (favorable, 8 cases) and 50.0% (unfavorable, "
    "7 cases) then needs one death in each group: 5/6 with 6 favorable cases at risk and 1/2 with 2 unfavorable at "
    "risk. Under those counts the log-rank χ² is at most 4.00 (the unfavorable death with all 8 favorable cases at "
    "risk, no unfavorable case left at the favorable death), p = 0.0455: no follow-up times give p = 0.032."
)
EFS_HR_NOT_RECOMPUTABLE = (
    "A 95% CI of 1.12–10.84 around HR 3.48 means SE(log HR) = (ln 10.84 − ln 1.12) / (2 × 1.96) = 0.579. Each "
    "event adds at most 1/4 to the Cox information of a yes/no covariate, so SE ≥ 2/√(events), and this SE needs at "
    "least 4/0.579² = 11.9, i.e. 12 events. The paper's 33 children have at most 11 EFS events in all (6 non-CR, 3 "
    "relapses, 2 deaths), and fewer among the 15 with favorable or unfavorable cytogenetics."
)

PLAN_000 = PlanSpec(
    name="Seed 000: cytogenetics, remission, toxicity and survival in congenital and early infant leukemia",
    question=(
        "Do the Almaty single-center findings (n = 33, 2018-2023) hold in the pooled registry: remission and "
        "survival by cytogenetic risk class, toxicity by response, and toxicity as a risk of relapse or death?"
    ),
    filters=RunFilters(),
    conditions=(Condition(Variable.of("age_class"), "in", ("CAL", "early_infant")),),  # inclusion: 0-3 months
    analyses=(
        Analysis(
            key="cr-by-risk",
            title="CR at the end of induction, favorable vs unfavorable cytogenetics",
            outcome=Outcome("cr"),
            method="proportions",
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            test="auto",
            claim=_claim(
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
            title="Treatment-related toxicity, non-CR vs CR after induction",
            outcome=Outcome("toxicity", min_grade=1),
            method="proportions",
            exposure=Variable.of("cr_status"),
            groups=(Group("non-CR", ("no_CR", "induction_death")), Group("CR", ("CR",))),
            test="auto",
            claim=_claim(
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
            title="Relapse or death, with vs without treatment-related toxicity",
            outcome=Outcome("composite", events=("relapse", "death")),
            method="proportions",
            exposure=TOXICITY_ANY,
            groups=(Group("toxicity", (True,)), Group("no toxicity", (False,))),
            test="chisq",
            claim=_claim(
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
                test="not named; p = 0.0649 is Pearson's χ² without continuity correction (Fisher's exact: 0.138)",
            ),
        ),
        Analysis(
            key="os-by-risk",
            title="Overall survival, favorable vs unfavorable cytogenetics",
            outcome=Outcome("os"),
            method="km",
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            times=TWO_YEARS,
            claim=_claim(
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
            title="Event-free survival, favorable vs unfavorable cytogenetics",
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("risk_class"),
            groups=RISK_GROUPS,
            times=TWO_YEARS,
            claim=_claim(
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
            title="Hazard of an EFS event, unfavorable vs favorable cytogenetics",
            outcome=Outcome("efs"),
            method="cox",
            exposure=Variable.of("risk_class"),
            groups=(Group("unfavorable", ("unfavorable",)), Group("favorable", ("favorable",))),
            claim=_claim(
                SEED_000,
                "Patients with unfavorable cytogenetic abnormalities had a higher risk of adverse events (HR = 3.48; "
                "95% CI: 1.12–10.84).",
                "hazard_ratio",
                EFS_HR_NOT_RECOMPUTABLE,
                estimate=3.48,
                lower=1.12,
                upper=10.84,
                n=15,
                test="not named (a Cox model, by the hazard ratio)",
            ),
        ),
    ),
)


# ---------------------------------------------------------------------------------------------------------------
# Seed 001: Moscow, 175 infants with BCP-ALL; KMT2A partners; NUTM1-r and PAX5-r among KMT2A-wt
# ---------------------------------------------------------------------------------------------------------------
PLAN_001 = PlanSpec(
    name="Seed 001: 2-year EFS by KMT2A partner, and of NUTM1-r and PAX5-r, in infant BCP-ALL",
    question=(
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
            title="2-year EFS, KMT2A::AFF1 vs other KMT2A partners",
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("kmt2a_partner"),
            groups=(Group("KMT2A::AFF1", ("AFF1",)), Group("other partners", OTHER_KMT2A_PARTNERS)),
            times=TWO_YEARS,
            claim=_claim(
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
            title="2-year EFS of NUTM1-rearranged infant BCP-ALL",
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("finding_gene", genes=["NUTM1"]),
            groups=(Group("NUTM1-r", (True,)),),
            times=TWO_YEARS,
            claim=_claim(
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
            title="2-year EFS of PAX5-rearranged infant BCP-ALL",
            outcome=Outcome("efs"),
            method="km",
            exposure=Variable.of("finding_gene", genes=["PAX5"]),
            groups=(Group("PAX5-r", (True,)),),
            times=TWO_YEARS,
            claim=_claim(
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


# ---------------------------------------------------------------------------------------------------------------
# Seed 003: four Chinese centers, 48 children with KMT2A-r B-ALL on CCCG-ALL-2015; Table 6 (37 without TRM)
# ---------------------------------------------------------------------------------------------------------------
SEX = Variable.of("sex")
WBC_300 = Variable.of("wbc_ge_300")
TP2_FLOW = Variable.of("mrd_positive", method="flow", flow_threshold=FLOW_POSITIVE_PCT, **TP2)
# The model of Table 6 is the one SPSS kept: sex, WBC and TP2 flow MRD have B, SE and Exp(B). The other rows (age,
# dexamethasone response, TP1 flow and PCR MRD, TP2 PCR MRD) are printed with NA and a number in the B column whose
# chi-square(1) tail is the printed Sig (1.256 -> 0.262, 0.080 -> 0.778, 1.254 -> 0.263, 1.847 -> 0.174; not
# 1.203 -> 0.314): SPSS's score tests of the variables not in the equation, so not terms of the model.
TABLE_6_MODEL = (SEX, WBC_300, TP2_FLOW)
TABLE_6_NOT_IN_EQUATION = {  # row: (printed score statistic, printed Sig)
    "Age Infant vs. non infant": (1.256, 0.262),
    "Dexamethasone induction DGR vs. DPR": (1.203, 0.314),
    "TP1 FCM-MRD Pos. vs. Neg": (0.080, 0.778),
    "TP1 PCR-MRD Pos. vs. Neg": (1.254, 0.263),
    "TP2 PCR-MRD Pos. vs. Neg": (1.847, 0.174),
}

SEX_NOT_RECOMPUTABLE = (
    "The row is consistent with itself: exp(1.218) = 3.380, exp(1.218 ± 1.96 × 0.500) = 1.269–9.007, Wald "
    "(1.218/0.500)² = 5.93. But an HR above 1 for male vs female says boys fare worse, while the paper's Table 4 "
    "gives 5-year pEFS of 57.80% for boys and 15.71% for girls (p = 0.0160) and its text names female sex as the "
    "risk: the direction as labelled contradicts the paper's own reading."
)
WBC_NOT_RECOMPUTABLE = (
    "The row is consistent with itself: exp(-1.465) = 0.231, exp(-1.465 ± 1.96 × 0.592) = 0.072–0.737, Wald "
    "(1.465/0.592)² = 6.12. But an HR below 1 for WBC > 300 vs < 300 says a high count protects, while the "
    "paper's Table 4 gives 5-year pEFS of 16.67% with WBC ≥ 300 and 49.57% below (p = 0.0342) and its text calls "
    "WBC > 300 a key risk factor: the direction as labelled contradicts the paper's own reading."
)
TP2_FLOW_NOT_RECOMPUTABLE = (
    "B, SE, Wald, Sig and Exp(B) of this row (-1.465, 0.592, 6.136, 0.013, 0.231) are those of the WBC row to "
    "the last digit, and exp(-1.465 ± 1.96 × 0.592) = 0.072–0.737, not the printed 0.072–0.328: the row cannot "
    "come from its own fit. An HR below 1 for MRD-positive vs negative also contradicts its Table 5 (5-year pEFS "
    "8.33% with FCM-MRD ≥ 0.01% at TP2 vs 57.69% below, p < 0.0001)."
)
TABLE_6_QUOTE = "Table 6 Multivariate analysis of prognoses and hazard ratios by the Cox regression model"


def _table_6(key: str, title: str, exposure: Variable, groups: tuple[Group, ...], row: str, **values) -> Analysis:
    return Analysis(
        key=key,
        title=title,
        outcome=Outcome("efs"),
        method="cox",
        exposure=exposure,
        groups=groups,
        covariates=tuple(term for term in TABLE_6_MODEL if term != exposure),
        claim=_claim(
            SEED_003,
            f"{TABLE_6_QUOTE}: {row}",
            "hazard_ratio",
            values.pop("not_recomputable"),
            n=37,
            test="multivariable Cox regression, Wald test (SPSS 20.0)",
            **values,
        ),
    )


PLAN_003 = PlanSpec(
    name="Seed 003: multivariable Cox model of EFS in KMT2A-r B-ALL (Table 6)",
    question=(
        "In KMT2A-rearranged B-precursor ALL treated on CCCG-ALL-2015, without treatment-related death: are sex, "
        "WBC > 300 x10^9/L and positive flow MRD at TP2 (day 46) independent predictors of EFS?"
    ),
    filters=RunFilters(lineages=("ALL",), protocols=("CCCG-ALL-2015",)),
    conditions=(
        Condition(Variable.of("kmt2a_status"), "in", ("rearranged",)),
        Condition(Variable.of("subtype"), "in", B_PRECURSOR),
        Condition(Variable.of("trm"), "is_false"),  # "37 measurable patients without TRM"
    ),
    analyses=(
        _table_6(
            "cox-sex",
            "EFS, male vs female, adjusted for the other terms of the Table 6 model",
            SEX,
            (Group("male", ("M",)), Group("female", ("F",))),
            "Gender Male vs. female 1.218 0.500 5.931 1 0.015 3.380 1.268–9.008",
            estimate=3.380,
            lower=1.268,
            upper=9.008,
            p=0.015,
            b=1.218,
            se=0.500,
            wald=5.931,
            not_recomputable=SEX_NOT_RECOMPUTABLE,
        ),
        _table_6(
            "cox-wbc-300",
            "EFS, WBC > 300 vs < 300 x10^9/L, adjusted for the other terms of the Table 6 model",
            WBC_300,
            (Group("WBC >= 300", (True,)), Group("WBC < 300", (False,))),
            "WBC count (× 109/L) > 300 vs. < 300 -1.465 0.592 6.136 1 0.013 0.231 0.072–0.736",
            estimate=0.231,
            lower=0.072,
            upper=0.736,
            p=0.013,
            b=-1.465,
            se=0.592,
            wald=6.136,
            not_recomputable=WBC_NOT_RECOMPUTABLE,
        ),
        _table_6(
            "cox-tp2-flow-mrd",
            "EFS, flow MRD positive vs negative at TP2 (day 46), adjusted for the other terms of the Table 6 model",
            TP2_FLOW,
            (Group("FCM-MRD positive", (True,)), Group("FCM-MRD negative", (False,))),
            "TP2 FCM-MRD Pos. vs. Neg -1.465 0.592 6.136 1 0.013 0.231 0.072–0.328",
            estimate=0.231,
            lower=0.072,
            upper=0.328,
            p=0.013,
            b=-1.465,
            se=0.592,
            wald=6.136,
            not_recomputable=TP2_FLOW_NOT_RECOMPUTABLE,
        ),
    ),
)

BUILTIN_PLANS: tuple[tuple[str, PlanSpec], ...] = (
    ("seed-000-almaty", PLAN_000),
    ("seed-001-moscow", PLAN_001),
    ("seed-003-kmt2a-cox", PLAN_003),
)


def builtin_plan(slug: str) -> PlanSpec:
    """The built-in plan of that slug (KeyError for an unknown one)."""
    return dict(BUILTIN_PLANS)[slug]
