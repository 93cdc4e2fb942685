"""Checks of a plan against the data: one bad plan per kind, with the message a coordinator reads."""

from __future__ import annotations

from dataclasses import replace

from analytics.plans.spec import BAD_METHOD, Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.plans.validate import (
    ALL_OUTCOMES_UNKNOWN,
    CONSTANT_COVARIATE,
    EMPTY_GROUP,
    LEVEL_ABSENT,
    NO_EVENTS,
    NO_POPULATION,
    RULE_OF_TEN,
    TOO_FEW_GROUPS,
    check_plan,
)
from analytics.plans.variables import MISSING_COLUMN
from tests.analytics.plans.helpers import hand_dataset

ROWS = [
    {"risk_class": "favorable", "sex": "M", "os_time": 100, "os_event": 1, "cr_status": "CR", "trm": False},
    {"risk_class": "unfavorable", "sex": "M", "os_time": 200, "os_event": 0, "cr_status": "no_CR", "trm": False},
    {"risk_class": "unfavorable", "sex": "M", "os_time": 300, "os_event": 1, "cr_status": "CR", "trm": False},
]


def _check(*analyses: Analysis, rows=ROWS) -> list[dict]:
    return check_plan(PlanSpec(name="p", analyses=analyses), hand_dataset(rows))


def _one(analysis: Analysis, rows=ROWS) -> list[tuple[str, str]]:
    return [(p["level"], p["message"]) for p in _check(analysis, rows=rows)]


RISK = Variable.of("risk_class")


def test_a_clean_plan_has_no_problems() -> None:
    assert _check(Analysis("a", "A", Outcome("os"), "km", exposure=RISK)) == []


def test_spec_errors_come_first_and_stop() -> None:
    problems = _check(Analysis("a", "A", Outcome("os"), "bogus"))
    assert problems == [
        {
            "where": "analysis a",
            "message": BAD_METHOD.format(method="bogus", allowed="proportions, km, cif, cox"),
            "level": "error",
        }
    ]


def test_a_level_no_case_has_and_a_group_with_no_cases() -> None:
    groups = (Group("good", ("favorable",)), Group("bad", ("unfavorable",)), Group("mid", ("intermediate",)))
    found = _one(Analysis("a", "A", Outcome("os"), "km", exposure=RISK, groups=groups))
    assert found == [
        ("warning", LEVEL_ABSENT.format(level="intermediate", variable="risk_class")),
        ("warning", EMPTY_GROUP.format(label="mid", variable="risk_class")),
    ]
    assert found[0][1] == "level 'intermediate' of risk_class: no case in the population has it"


def test_an_exposure_with_one_group_with_cases_is_an_error() -> None:
    found = _one(Analysis("a", "A", Outcome("os"), "km", exposure=Variable.of("sex")))
    assert found == [("error", TOO_FEW_GROUPS.format(variable="sex", n=1))]


def test_a_constant_covariate() -> None:
    found = _one(Analysis("a", "A", Outcome("os"), "cox", exposure=RISK, covariates=(Variable.of("sex"),)))
    assert ("error", CONSTANT_COVARIATE.format(label="sex", value="M")) in found


def test_an_outcome_no_case_has_and_one_unknown_for_all() -> None:
    found = _one(Analysis("a", "A", Outcome("trm"), "proportions", exposure=RISK))
    assert found == [("error", NO_EVENTS.format(outcome="treatment-related death"))]
    rows = [{**r, "os_time": None} for r in ROWS]
    found = _one(Analysis("a", "A", Outcome("os"), "km", exposure=RISK), rows=rows)
    assert found == [("error", ALL_OUTCOMES_UNKNOWN.format(outcome="overall survival"))]


def test_the_rule_of_ten_counts_dummies_and_covariates() -> None:
    rows = [*ROWS, {**ROWS[0], "risk_class": "intermediate", "sex": "F"}]
    cox = Analysis("a", "A", Outcome("os"), "cox", exposure=RISK, covariates=(Variable.of("sex"),))
    found = _one(cox, rows=rows)
    # 3 events; risk class has 3 groups with cases (2 dummies), sex 1 term: k = 3.
    assert found == [("warning", RULE_OF_TEN.format(n=3, k=3, m=30))]
    assert found[0][1] == "fewer events (3) than covariates × 10 (3 × 10 = 30): the rule of ten events per variable"  # noqa: RUF001


def test_a_column_the_dataset_lacks_is_an_error() -> None:
    ds = hand_dataset(ROWS)
    ds = replace(ds, cases=ds.cases.drop(columns=["hsct_days"]))
    spec = PlanSpec(
        name="p", analyses=(Analysis("a", "A", Outcome("os"), "km", exposure=Variable.of("hsct"), landmark_days=30),)
    )
    problems = check_plan(spec, ds)
    assert problems == [
        {
            "where": "analysis a",
            "message": MISSING_COLUMN.format(column="hsct_days", table="cases", name="hsct"),
            "level": "error",
        }
    ]


def test_an_empty_population_is_one_error_per_analysis_not_a_list_of_absent_levels() -> None:
    spec = PlanSpec(
        name="p",
        conditions=(Condition(Variable.of("risk_class"), "eq", "t(99;99)"),),
        analyses=(Analysis("a", "A", Outcome("os"), "km", exposure=RISK, groups=(Group("x", ("favorable",)),)),),
    )
    assert check_plan(spec, hand_dataset(ROWS)) == [{"where": "analysis a", "message": NO_POPULATION, "level": "error"}]
