"""Proportions: R's numbers for the difference and the tests, and seed 000's toxicity table through execute_plan."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.core.tables.differences import difference_of_proportions
from analytics.plans.execute import execute_plan
from analytics.plans.methods.proportions import run_proportions
from analytics.plans.spec import Analysis, Outcome, PlanSpec, Variable
from tests.analytics.plans.helpers import hand_dataset

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "plan_proportions_reference.json"
RTOL = 1e-6


@cache
def reference() -> list[dict]:
    return json.loads(REFERENCE.read_text())["cases"]


def _frame(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    outcome = [1] * x1 + [0] * (n1 - x1) + [1] * x2 + [0] * (n2 - x2)
    group = pd.Categorical(["A"] * n1 + ["B"] * n2, categories=["A", "B"])
    return pd.DataFrame({"case_key": range(n1 + n2), "center": "AAA", "group": group, "outcome": outcome})


def test_the_difference_and_its_wald_ci_are_rs_prop_test() -> None:
    for case in reference():
        d, lo, up = difference_of_proportions(
            case["x1"], case["n1"], case["x2"], case["n2"], conf_level=case["conf_level"]
        )
        what = f"{case['x1']}/{case['n1']} vs {case['x2']}/{case['n2']} at {case['conf_level']}"
        assert d == pytest.approx(case["difference"], rel=RTOL, abs=1e-12), what
        assert [lo, up] == pytest.approx(case["conf_int"], rel=RTOL, abs=1e-12), what


@pytest.mark.parametrize("test", ["chisq", "chisq_yates", "fisher"])
def test_every_test_is_reported_with_rs_p_and_the_named_one_is_chosen(test: str) -> None:
    for case in reference():
        if case["conf_level"] != 0.95 or case["chisq_p"] is None:
            continue
        res = run_proportions(
            _frame(case["x1"], case["n1"], case["x2"], case["n2"]),
            Analysis("a", "A", Outcome("cr"), "proportions", test=test),
        )
        by_key = {t["key"]: t for t in res.tests}
        assert by_key["chisq"]["p"] == pytest.approx(case["chisq_p"], rel=RTOL)
        assert by_key["chisq_yates"]["p"] == pytest.approx(case["yates_p"], rel=RTOL)
        assert by_key["fisher"]["p"] == pytest.approx(case["fisher_p"], rel=RTOL)
        assert [t["key"] for t in res.tests if t["chosen"]] == [test]
        headline = res.effects[0]
        assert headline.kind == "difference" and headline.p == by_key[test]["p"]


def test_auto_chooses_fisher_when_an_expected_count_is_below_five() -> None:
    res = run_proportions(_frame(4, 14, 1, 19), Analysis("a", "A", Outcome("cr"), "proportions"))
    chosen = next(t for t in res.tests if t["chosen"])
    assert chosen["key"] == "fisher" and "< 5" in chosen["why"]
    res = run_proportions(_frame(30, 40, 20, 45), Analysis("a", "A", Outcome("cr"), "proportions"))
    assert next(t for t in res.tests if t["chosen"])["key"] == "chisq"


@pytest.mark.parametrize("ci_method", ["wilson", "wilson_cc", "clopper_pearson"])
def test_the_group_ci_is_the_plans_method(ci_method: str) -> None:
    for case in reference():
        frame = _frame(case["x1"], case["n1"], case["x2"], case["n2"])
        analysis = Analysis("a", "A", Outcome("cr"), "proportions", ci_method=ci_method)
        first = run_proportions(frame, analysis).groups[0]
        if case["conf_level"] != 0.95:
            continue
        assert first["proportion"] == pytest.approx(case["x1"] / case["n1"])
        assert [first["lower"], first["upper"]] == pytest.approx(case[f"first_{ci_method}"], rel=RTOL, abs=1e-12)


def test_a_zero_cell_gives_haldanes_odds_ratio() -> None:
    res = run_proportions(_frame(0, 10, 3, 12), Analysis("a", "A", Outcome("cr"), "proportions"))
    ratio = next(e for e in res.effects if e.kind == "odds_ratio")
    assert ratio.estimate == pytest.approx((0.5 * 9.5) / (10.5 * 3.5)) and "Haldane" in ratio.method


def _seed_toxicity_dataset():
    """33 cases: 14 with a grade >= 3 toxicity, 4 of them died of treatment; 19 without, 1 of them died."""
    rows, events = [], []
    for i in range(33):
        toxic = i < 14
        died = i < 4 or i == 14
        rows.append({"center": "ALM" if i % 2 else "AST", "trm": died})
        if toxic:
            events.append(
                {"case_key": f"C{i:03d}", "center": "ALM", "event_type": "sepsis", "grade": 3, "phase": "induction"}
            )
    return hand_dataset(rows, adverse_events=events)


def test_seed_000s_toxicity_table_through_execute_plan() -> None:
    analysis = Analysis(
        "tox",
        "TRM by toxicity",
        Outcome("trm"),
        "proportions",
        exposure=Variable.of("toxicity", min_grade=3),
        test="chisq",
    )
    result = execute_plan(PlanSpec(name="seed 000", analyses=(analysis,)), _seed_toxicity_dataset(), plan_meta={})
    res = result.analyses[0]
    assert res.message is None and result.n_population == 33
    assert [(g["label"], g["n"], g["events"]) for g in res.groups] == [("yes", 14, 4), ("no", 19, 1)]
    ratio = next(e for e in res.effects if e.kind == "odds_ratio")
    assert round(ratio.estimate, 2) == 7.20
    assert (round(ratio.lower, 2), round(ratio.upper, 2)) == (0.70, 73.53)
    assert round(ratio.p, 4) == 0.0649
    fisher = next(t for t in res.tests if t["key"] == "fisher")
    assert round(fisher["p"], 3) == 0.138 and not fisher["chosen"]
    assert np.isclose(next(e for e in res.effects if e.kind == "difference").estimate, 4 / 14 - 1 / 19)
