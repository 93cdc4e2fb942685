"""Proportions by group: n/N with a CI, the test of independence, and for two groups the odds ratio and the
difference of proportions. Every number is from ``analytics.core.tables`` except the difference's Wald interval
(R's ``prop.test(correct = FALSE)``), which is computed here. No Django here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.core.tables import compare_categorical, odds_ratio, proportion_ci
from analytics.core.tables.differences import difference_of_proportions
from analytics.plans.result import AnalysisResult, Effect
from analytics.plans.spec import Analysis
from analytics.plans.words import gettext_noop

__all__ = ["CI_ARGUMENTS", "TEST_NAMES", "run_proportions"]

CI_ARGUMENTS = {
    "wilson": {"method": "wilson", "correct": False},
    "wilson_cc": {"method": "wilson", "correct": True},
    "clopper_pearson": {"method": "clopper-pearson"},
}
TEST_NAMES = {
    "chisq": "Pearson's chi-square test (uncorrected)",
    "chisq_yates": "Pearson's chi-square test with Yates' continuity correction",
    "fisher": "Fisher's exact test",
}
DIFFERENCE_METHOD = gettext_noop("difference of proportions with Wald CI (R prop.test, correct = FALSE)")
WHY_NAMED = gettext_noop("named in the plan")
WHY_AUTO_FISHER = gettext_noop("smallest expected count {e:.2f} < 5: Fisher's exact test (plan: auto)")
WHY_AUTO_CHISQ = gettext_noop("every expected count >= 5 (smallest {e:.2f}): uncorrected chi-square (plan: auto)")
NO_TEST_ONE_GROUP = gettext_noop("one group: no test")


def _tests(table: np.ndarray, wanted: str) -> tuple[list[dict], float | None, str]:
    res = compare_categorical(table)
    if not res.ok:
        return [], None, res.message or ""
    two_by_two = table.shape == (2, 2) and res.table.shape == (2, 2)
    if wanted == "auto":
        chosen = "fisher" if res.min_expected < 5 else "chisq"
        why = (WHY_AUTO_FISHER if chosen == "fisher" else WHY_AUTO_CHISQ).format(e=res.min_expected)
    else:
        chosen, why = wanted, WHY_NAMED
    rows = [{"name": TEST_NAMES["chisq"], "key": "chisq", "statistic": res.chisq, "df": res.df, "p": res.chisq_p}]
    if two_by_two:
        rows.append(
            {
                "name": TEST_NAMES["chisq_yates"],
                "key": "chisq_yates",
                "statistic": res.yates_chisq,
                "df": 1,
                "p": res.yates_p,
            }
        )
    fisher = TEST_NAMES["fisher"] + ("" if res.fisher_method == "exact" else f" ({res.fisher_method})")
    rows.append({"name": fisher, "key": "fisher", "statistic": None, "df": None, "p": res.fisher_p})
    if chosen == "chisq_yates" and not two_by_two:
        chosen, why = "chisq", "Yates' correction applies to 2x2 tables only: uncorrected chi-square"
    p = None
    for row in rows:
        row["chosen"] = row["key"] == chosen
        row["why"] = why if row["chosen"] else ""
        if row["chosen"]:
            p = row["p"]
    note = res.note or ""
    return rows, p, note


def run_proportions(frame: pd.DataFrame, analysis: Analysis, groups: list[str] | None = None) -> AnalysisResult:
    """Per group n, events, proportion with CI; the chosen test; for two groups the odds ratio and difference.

    Parameters
    ----------
    frame : pandas.DataFrame
        The analysis frame (``group``, ``outcome`` 0/1).
    analysis : Analysis
        ``ci_method`` and ``test`` are read.
    groups : list of str, optional
        Group labels in order (the frame's categories by default).

    Returns
    -------
    AnalysisResult
        Effects: for two groups "difference" (first minus second) and "odds_ratio" (first vs second) with the
        chosen test's p, then "p" (the chosen test), then one "estimate" per group.
    """
    labels = list(groups if groups is not None else frame["group"].cat.categories)
    ci_args = CI_ARGUMENTS[analysis.ci_method]
    result = AnalysisResult(key=analysis.key, title=analysis.title, method="proportions")
    result.n, result.n_events = len(frame), int(frame["outcome"].sum())
    rows, estimates = [], []
    ci_method = ""
    for label in labels:
        y = frame.loc[frame["group"] == label, "outcome"]
        n, x = len(y), int(y.sum())
        row = {"label": label, "n": n, "events": x, "proportion": None, "lower": None, "upper": None}
        if n:
            ci = proportion_ci(x, n, **ci_args)
            ci_method = ci.method
            row.update(proportion=ci.estimate, lower=ci.lower, upper=ci.upper)
            estimates.append(Effect("estimate", ci.estimate, ci.lower, ci.upper, None, ci.method, comparison=label))
        rows.append(row)
    result.groups = rows
    result.settings = {"ci_method": analysis.ci_method, "test": analysis.test, "conf_level": 0.95}
    methods = [ci_method] if ci_method else []
    effects: list[Effect] = []
    present = [r for r in rows if r["n"]]
    if len(present) >= 2:
        table = np.array([[r["events"], r["n"] - r["events"]] for r in present], dtype=np.int64)
        tests, p, note = _tests(table, analysis.test)
        result.tests = tests
        if note:
            result.notes.append(note)
        chosen = next((t for t in tests if t["chosen"]), None)
        if chosen is None:
            result.notes.append(f"No test: {note}")
        else:
            methods.append(chosen["name"])
        if len(labels) == 2 and len(present) == 2:
            (a, b), (c, d) = table.tolist()
            comparison = f"{present[0]['label']} vs {present[1]['label']}"
            diff, lo, up = difference_of_proportions(a, a + b, c, c + d)
            effects.append(Effect("difference", diff, lo, up, p, DIFFERENCE_METHOD, comparison=comparison))
            ratio = odds_ratio(table)
            effects.append(
                Effect("odds_ratio", ratio.odds_ratio, ratio.lower, ratio.upper, p, ratio.method, comparison=comparison)
            )
            methods += [DIFFERENCE_METHOD, ratio.method]
        if chosen is not None:
            effects.append(Effect("p", None, None, None, p, chosen["name"], comparison=" vs ".join(labels)))
    else:
        result.notes.append(NO_TEST_ONE_GROUP)
    result.effects = effects + estimates
    result.settings["methods"] = methods
    return result
