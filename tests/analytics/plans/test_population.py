"""The population: run filters and conditions, each rule counting the cases it removed."""

from __future__ import annotations

import pytest

from analytics.plans.population import condition_mask, select_population
from analytics.plans.spec import Analysis, Condition, Outcome, PlanSpec, Variable
from analytics.runs.options import RunFilters
from tests.analytics.plans.helpers import hand_dataset

ROWS = [
    {"center": "AAA", "lineage": "ALL", "protocol": "INTERFANT-06", "diagnosis_year": 2015, "age_class": "CAL",
     "age_days": 10, "kmt2a_status": "rearranged", "wbc_ge_300": True},
    {"center": "AAA", "lineage": "AML", "protocol": "AML-BFM", "diagnosis_year": 2019, "age_class": "infant",
     "age_days": 200, "kmt2a_status": "germline", "wbc_ge_300": False},
    {"center": "BBB", "lineage": "ALL", "protocol": "MLL-Baby", "diagnosis_year": 2021, "age_class": "CAL",
     "age_days": 20, "kmt2a_status": None, "wbc_ge_300": None, "excluded": True},
    {"center": "BBB", "lineage": "ALL", "protocol": "INTERFANT-06", "diagnosis_year": 2023, "age_class": "early_infant",
     "age_days": 60, "kmt2a_status": "rearranged", "wbc_ge_300": False},
]  # fmt: skip


def _spec(filters: RunFilters, *conditions: Condition) -> PlanSpec:
    return PlanSpec(
        name="p", filters=filters, conditions=conditions, analyses=(Analysis("a", "A", Outcome("os"), "km"),)
    )


def test_each_filter_counts_what_it_removed_from_what_was_left() -> None:
    ds = hand_dataset(ROWS)
    filters = RunFilters(centers=("AAA", "BBB"), lineages=("ALL",), year_from=2016, cal_only=False)
    pop = select_population(_spec(filters), ds)
    assert pop.cases["case_key"].tolist() == ["C003"]
    assert pop.removed == [
        {"rule": "centers AAA, BBB", "n": 0},
        {"rule": "lineage ALL", "n": 1},
        {"rule": "diagnosed 2016-...", "n": 1},
        {"rule": "exclusions applied", "n": 1},
    ]


def test_cal_only_and_kept_exclusions() -> None:
    pop = select_population(_spec(RunFilters(cal_only=True, apply_exclusions=False)), hand_dataset(ROWS))
    assert pop.cases["case_key"].tolist() == ["C000", "C002"]
    assert [r["n"] for r in pop.removed] == [2]


@pytest.mark.parametrize(
    ("op", "value", "kept"),
    [
        ("in", ["rearranged"], ["C000", "C003"]),
        ("not_in", ["rearranged"], ["C001"]),  # unknown fails every condition
        ("eq", "germline", ["C001"]),
        ("ne", "germline", ["C000", "C003"]),
        ("is_known", None, ["C000", "C001", "C003"]),
    ],
)
def test_text_conditions(op: str, value, kept: list[str]) -> None:
    ds = hand_dataset(ROWS)
    cond = Condition(Variable.of("kmt2a_status"), op, tuple(value) if isinstance(value, list) else value)
    pop = select_population(_spec(RunFilters(apply_exclusions=False), cond), ds)
    assert pop.cases["case_key"].tolist() == kept
    assert pop.removed[-1]["n"] == 4 - len(kept)


@pytest.mark.parametrize(
    ("op", "value", "kept"),
    [("lt", 60, [0, 2]), ("le", 60, [0, 2, 3]), ("gt", 60, [1]), ("ge", 60, [1, 3]), ("eq", 60.0, [3])],
)
def test_number_conditions(op: str, value, kept: list[int]) -> None:
    ds = hand_dataset(ROWS)
    mask = condition_mask(Condition(Variable.of("age_days"), op, value), ds.cases.set_index("case_key")["age_days"])
    assert [i for i, ok in enumerate(mask) if ok] == kept


def test_yes_no_conditions_and_json_spellings() -> None:
    values = hand_dataset(ROWS).cases.set_index("case_key")["wbc_ge_300"]
    assert condition_mask(Condition(Variable.of("wbc_ge_300"), "is_true"), values).tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert condition_mask(Condition(Variable.of("wbc_ge_300"), "is_false"), values).tolist() == [
        False,
        True,
        False,
        True,
    ]
    assert condition_mask(Condition(Variable.of("wbc_ge_300"), "eq", "yes"), values).tolist()[0] is True
    assert condition_mask(Condition(Variable.of("wbc_ge_300"), "in", (False,)), values).sum() == 2
