# ruff: noqa: RUF001  (the paper prints en dashes and multiplication signs; quotes keep them)
"""Seed 003: four Chinese centers, 48 children with KMT2A-r B-ALL on CCCG-ALL-2015; the Cox model of its Table 6
(the 37 without treatment-related death)."""

from __future__ import annotations

from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.plans.words import gettext_noop
from analytics.runs.options import RunFilters

from ._common import B_PRECURSOR, SEED_003, claim

__all__ = ["PLAN_003", "TABLE_6_MODEL", "TABLE_6_NOT_IN_EQUATION", "TP2_FLOW"]

# Bone marrow at day 46 of induction (TP2; TP1 is day 19); flow MRD positive at >= 10^-4 (0.01%).
TP2 = {"day_from": 43, "day_to": 49}
FLOW_POSITIVE_PCT = 0.01
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

SEX_NOT_RECOMPUTABLE = gettext_noop(
    # xgettext:no-python-format
    "The row is consistent with itself: exp(1.218) = 3.380, exp(1.218 ± 1.96 × 0.500) = 1.269–9.007, Wald "
    "(1.218/0.500)² = 5.93. But an HR above 1 for male vs female says boys fare worse, while the paper's Table 4 "
    "gives 5-year pEFS of 57.80% for boys and 15.71% for girls (p = 0.0160) and its text names female sex as the "
    "risk: the direction as labelled contradicts the paper's own reading."
)
WBC_NOT_RECOMPUTABLE = gettext_noop(
    "The row is consistent with itself: exp(-1.465) = 0.231, exp(-1.465 ± 1.96 × 0.592) = 0.072–0.737, Wald "
    "(1.465/0.592)² = 6.12. But an HR below 1 for WBC > 300 vs < 300 says a high count protects, while the "
    "paper's Table 4 gives 5-year pEFS of 16.67% with WBC ≥ 300 and 49.57% below (p = 0.0342) and its text calls "
    "WBC > 300 a key risk factor: the direction as labelled contradicts the paper's own reading."
)
TP2_FLOW_NOT_RECOMPUTABLE = gettext_noop(
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
        claim=claim(
            SEED_003,
            f"{TABLE_6_QUOTE}: {row}",
            "hazard_ratio",
            values.pop("not_recomputable"),
            n=37,
            test=gettext_noop("multivariable Cox regression, Wald test (SPSS 20.0)"),
            **values,
        ),
    )


PLAN_003 = PlanSpec(
    name=gettext_noop("Seed 003: multivariable Cox model of EFS in KMT2A-r B-ALL (Table 6)"),
    question=gettext_noop(
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
            gettext_noop("EFS, male vs female, adjusted for the other terms of the Table 6 model"),
            SEX,
            (Group(gettext_noop("male"), ("M",)), Group(gettext_noop("female"), ("F",))),
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
            gettext_noop("EFS, WBC > 300 vs < 300 x10^9/L, adjusted for the other terms of the Table 6 model"),
            WBC_300,
            (Group(gettext_noop("WBC >= 300"), (True,)), Group(gettext_noop("WBC < 300"), (False,))),
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
            gettext_noop(
                "EFS, flow MRD positive vs negative at TP2 (day 46), adjusted for the other terms of the Table 6 model"
            ),
            TP2_FLOW,
            (Group(gettext_noop("FCM-MRD positive"), (True,)), Group(gettext_noop("FCM-MRD negative"), (False,))),
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
