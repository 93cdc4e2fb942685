"""Kaplan-Meier and cumulative incidence by group: the core's numbers, put where the plan's result holds them."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.core.competing import cumulative_incidence, gray_test
from analytics.core.km import kaplan_meier
from analytics.core.logrank import logrank_test
from analytics.core.tables.differences import difference_of_estimates as estimate_difference
from analytics.plans.methods.survival import run_cif, run_km
from analytics.plans.spec import Analysis, Outcome


def _frame(time, status, group, center=None, order=("A", "B")) -> pd.DataFrame:
    n = len(time)
    return pd.DataFrame(
        {
            "case_key": [f"C{i}" for i in range(n)],
            "center": center or ["X"] * n,
            "group": pd.Categorical(group, categories=list(order)),
            "time": np.asarray(time, float),
            "status": np.asarray(status, int),
        }
    )


TIME = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
STATUS = [1, 0, 1, 1, 0, 1, 0, 1, 0, 0]
GROUP = ["A", "B", "A", "B", "A", "B", "A", "B", "A", "B"]
CENTER = ["X", "X", "Y", "Y", "X", "X", "Y", "Y", "X", "X"]


def test_km_by_hand_and_the_difference_of_the_two_curves() -> None:
    # Group A: times 1+,3+,5,7,9 with events at 1 and 3 -> S(4) = 4/5 * 3/4 = 0.6.
    frame = _frame(TIME, STATUS, GROUP)
    res = run_km(frame, Analysis("a", "A", Outcome("os"), "km", times=(4.0,)))
    a, b = res.groups
    assert (a["label"], a["n"], a["events"]) == ("A", 5, 2)
    assert a["estimates"][0]["estimate"] == pytest.approx(0.6)
    # Group B: events at 4 (n 4) -> S(4) = 3/4.
    assert b["estimates"][0]["estimate"] == pytest.approx(0.75) and b["estimates"][0]["n_risk"] == 4
    diff = res.effects[0]
    assert diff.kind == "difference" and diff.at_time == 4.0 and diff.estimate == pytest.approx(-0.15)
    se = math.hypot(a["estimates"][0]["se"], b["estimates"][0]["se"])
    assert diff.upper - diff.lower == pytest.approx(2 * 1.959963984540054 * se)
    lr = logrank_test(TIME, STATUS, GROUP)
    assert res.tests[0]["p"] == pytest.approx(lr.p) and res.tests[0]["chosen"]
    assert [e.kind for e in res.effects] == ["difference", "p", "estimate", "estimate"]
    core = kaplan_meier(TIME, STATUS, GROUP)
    assert res.curves["curves"][0]["value"][-1] == pytest.approx(core["A"].survival[-1])


def test_km_stratified_by_center_uses_the_stratified_log_rank() -> None:
    frame = _frame(TIME, STATUS, GROUP, center=CENTER)
    res = run_km(frame, Analysis("a", "A", Outcome("os"), "km", stratify_center=True))
    expected = logrank_test(TIME, STATUS, GROUP, CENTER).p
    assert math.isfinite(expected) and expected != pytest.approx(logrank_test(TIME, STATUS, GROUP).p)
    assert res.tests[0]["p"] == pytest.approx(expected)
    assert "stratified" in res.tests[0]["name"] and "stratified" in res.tests[0]["why"]


def test_km_keeps_the_plans_group_order_and_skips_empty_groups() -> None:
    frame = _frame(TIME, STATUS, GROUP, order=("B", "C", "A"))
    res = run_km(frame, Analysis("a", "A", Outcome("os"), "km"))
    assert [g["label"] for g in res.groups] == ["B", "A"]
    assert res.effects[0].comparison == "B vs A"


def test_cif_by_group_with_grays_test() -> None:
    status = [1, 2, 0, 1, 2, 1, 0, 0, 1, 2]
    frame = _frame(TIME, status, GROUP, center=CENTER)
    res = run_cif(frame, Analysis("r", "R", Outcome("relapse"), "cif", times=(5.0,)))
    core = cumulative_incidence(TIME, status, GROUP, times=[5.0])
    assert res.groups[0]["estimates"][0]["estimate"] == pytest.approx(float(core["A"].at_estimate[0]))
    assert res.groups[0]["competing"] == core["A"].competing_events
    assert res.tests[0]["p"] == pytest.approx(gray_test(TIME, status, GROUP).p)
    stratified = run_cif(frame, Analysis("r", "R", Outcome("relapse"), "cif", stratify_center=True))
    expected = gray_test(TIME, status, GROUP, CENTER).p
    assert math.isfinite(expected) and stratified.tests[0]["p"] == pytest.approx(expected)
    assert res.curves["kind"] == "cif" and len(res.curves["curves"]) == 2


def test_one_group_has_estimates_but_no_test() -> None:
    frame = _frame(TIME, STATUS, ["A"] * 10, order=("A",))
    res = run_km(frame, Analysis("a", "A", Outcome("os"), "km"))
    assert res.tests == [] and [e.kind for e in res.effects] == ["estimate"]


def test_the_difference_of_two_estimates() -> None:
    d, lo, up, p = estimate_difference(0.6, 0.1, 0.4, 0.1)
    assert d == pytest.approx(0.2)
    assert (lo, up) == pytest.approx(
        (0.2 - 1.959963984540054 * math.sqrt(0.02), 0.2 + 1.959963984540054 * math.sqrt(0.02))
    )
    assert p == pytest.approx(0.1572992, rel=1e-6)  # 2 * pnorm(-0.2 / sqrt(0.02)) in R
    assert math.isnan(estimate_difference(0.6, float("nan"), 0.4, 0.1)[1])
