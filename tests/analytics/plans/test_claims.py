# ruff: noqa: RUF001  (CIs are written with the papers' en dash)
"""The built-in plans of the seeds' claims: each passes check_spec, and every ``not_recomputable`` sentence says
what the paper's own counts give, recomputed here with analytics.core (and R, tests/analytics/reference/
seed_claims_reference.R), so the sentences cannot drift from the arithmetic."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.core.cox import cox_ph
from analytics.core.km import kaplan_meier
from analytics.core.logrank import logrank_test
from analytics.core.tables.contingency import compare_categorical
from analytics.core.tables.odds import odds_ratio
from analytics.plans import claims
from analytics.plans.claims import seed003
from analytics.plans.spec import SLUG, Claim, PlanSpec, Variable, check_spec

REFERENCE = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "seed_claims_reference.json").read_text(encoding="utf-8")
)
EFFECTS = ("difference", "odds_ratio", "hazard_ratio", "estimate", "p")

# Seed 000's own counts.
FAVORABLE = {"t(12;21)": 4, "t(8;21)": 2, "inv(16)": 2}
UNFAVORABLE = {"t(4;11)": 4, "t(9;22)": 3}


def _analysis(slug: str, key: str):
    return next(a for a in claims.builtin_plan(slug).analyses if a.key == key)


def _g(x: float) -> str:
    return f"{x:.3g}"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _printed(x: float) -> set[str]:
    """A fraction as a paper may print it to one decimal: rounded or cut."""
    return {f"{100 * x:.1f}", f"{math.floor(1000 * x) / 10:.1f}"}


# ---------------------------------------------------------------------------------------------------------------
# The plans
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("slug", [slug for slug, _ in claims.BUILTIN_PLANS])
def test_every_builtin_plan_passes_check_spec_and_survives_its_json(slug):
    spec = claims.builtin_plan(slug)
    check_spec(spec)
    assert PlanSpec.from_dict(json.loads(json.dumps(spec.as_dict()))) == spec


def test_one_plan_per_seed_with_distinct_slugs_and_a_claim_on_every_analysis():
    slugs = [slug for slug, _ in claims.BUILTIN_PLANS]
    assert len(set(slugs)) == len(slugs) and all(SLUG.match(s) for s in slugs)
    sources = {a.claim.source for _, spec in claims.BUILTIN_PLANS for a in spec.analyses}
    assert sources == {claims.SEED_000, claims.SEED_001, claims.SEED_003}
    for _, spec in claims.BUILTIN_PLANS:
        assert len({a.claim.source for a in spec.analyses}) == 1
        for analysis in spec.analyses:
            claim = analysis.claim
            assert claim.quote and claim.effect in EFFECTS, analysis.key
            groups = claim.value("groups") or {}
            assert set(groups) <= {g.label for g in analysis.groups}, analysis.key
            assert all(0 <= v <= 1 for v in groups.values()), analysis.key
            if analysis.method == "km":  # the estimate the claim reads is one the analysis gives
                assert claim.value("time") in analysis.times, analysis.key
            if claim.effect in ("odds_ratio", "hazard_ratio"):
                assert claim.value("lower") < claim.value("estimate") < claim.value("upper"), analysis.key


def test_a_claims_per_group_values_read_back_as_a_mapping_in_python_and_json():
    claim = _analysis("seed-000-almaty", "cr-by-risk").claim
    assert claim.value("groups") == {"favorable": 0.916, "unfavorable": 0.583}
    stored = json.loads(json.dumps(claim.as_dict()))
    assert stored["values"]["groups"] == {"favorable": 0.916, "unfavorable": 0.583}
    again = Claim.from_dict(stored)
    assert again == claim and hash(again) == hash(claim) and again.value("groups") == claim.value("groups")
    variable = Variable.of("finding_gene", genes=["NUTM1"])
    assert variable.param("genes") == ["NUTM1"] and variable.as_dict()["params"] == {"genes": ["NUTM1"]}


def test_the_seed_000_plan_asks_the_papers_questions_in_the_registrys_codes():
    odds = _analysis("seed-000-almaty", "toxicity-relapse-death")
    assert odds.exposure.name == "toxicity" and odds.exposure.param("min_grade") == 1
    assert (odds.outcome.kind, odds.outcome.events, odds.test) == ("composite", ("relapse", "death"), "chisq")
    assert [g.levels for g in odds.groups] == [(True,), (False,)]  # the exposed row first: OR = a d / (b c)
    response = _analysis("seed-000-almaty", "toxicity-by-response")
    assert {level for g in response.groups for level in g.levels} == {"CR", "no_CR", "induction_death"}


def test_the_table_6_models_hold_every_term_of_the_model_once():
    for analysis in claims.builtin_plan("seed-003-kmt2a-cox").analyses:
        terms = [analysis.exposure, *analysis.covariates]
        assert sorted(t.describe() for t in terms) == sorted(t.describe() for t in seed003.TABLE_6_MODEL)
        assert analysis.groups[-1].label.endswith(("female", "< 300", "negative"))  # the reference is last
    tp2 = seed003.TP2_FLOW
    assert (tp2.param("day_from"), tp2.param("day_to"), tp2.param("flow_threshold")) == (43, 49, 0.01)  # day 46, 10^-4


def test_table_6_rows_with_na_are_score_tests_of_terms_left_out_of_the_model():
    # The number in their B column is a chi-square(1) statistic whose tail is the printed Sig (one row excepted),
    # allowing for the statistic's rounding to 3 decimals.
    def tail(score: float) -> float:
        return round(float(stats.chi2.sf(score, 1)), 3)

    agree = {
        row: tail(score + 0.0005) <= sig <= tail(score - 0.0005)
        for row, (score, sig) in seed003.TABLE_6_NOT_IN_EQUATION.items()
    }
    assert agree == {
        "Age Infant vs. non infant": True,
        "Dexamethasone induction DGR vs. DPR": False,
        "TP1 FCM-MRD Pos. vs. Neg": True,
        "TP1 PCR-MRD Pos. vs. Neg": True,
        "TP2 PCR-MRD Pos. vs. Neg": True,
    }


# ---------------------------------------------------------------------------------------------------------------
# Seed 000: what its counts give
# ---------------------------------------------------------------------------------------------------------------
def test_cr_by_risk_percentages_cannot_come_from_groups_of_8_and_7():
    text = _analysis("seed-000-almaty", "cr-by-risk").claim.not_recomputable
    n_fav, n_unfav = sum(FAVORABLE.values()), sum(UNFAVORABLE.values())
    assert (n_fav, n_unfav) == (8, 7)
    assert "91.6" in _printed(11 / 12) and "58.3" in _printed(7 / 12)
    assert not any("91.6" in _printed(k / n_fav) for k in range(n_fav + 1))
    assert not any("58.3" in _printed(k / n_unfav) for k in range(n_unfav + 1))
    nearest_fav = min(range(n_fav + 1), key=lambda k: abs(k / n_fav - 0.916))
    nearest_unfav = min(range(n_unfav + 1), key=lambda k: abs(k / n_unfav - 0.583))
    assert f"{nearest_fav}/{n_fav} = {_pct(nearest_fav / n_fav)}" in text
    assert f"{nearest_unfav}/{n_unfav} = {_pct(nearest_unfav / n_unfav)}" in text
    twelves = compare_categorical([[11, 1], [7, 5]])
    for p in (twelves.chisq_p, twelves.yates_p, twelves.fisher_p):
        assert _g(p) in text and round(p, 3) != 0.019
    ref = REFERENCE["cr_11_of_12_vs_7_of_12"]
    assert twelves.chisq_p == pytest.approx(ref["chisq_p"], rel=1e-6)
    assert twelves.yates_p == pytest.approx(ref["yates_p"], rel=1e-6)
    assert twelves.fisher_p == pytest.approx(ref["fisher_p"], rel=1e-6)


def test_no_test_gives_p_0017_for_toxicity_5_of_6_vs_7_of_22():
    text = _analysis("seed-000-almaty", "toxicity-by-response").claim.not_recomputable
    assert (_pct(5 / 6), _pct(7 / 22)) == ("83.3%", "31.8%")
    res = compare_categorical([[5, 1], [7, 15]])
    for p in (res.chisq_p, res.yates_p, res.fisher_p):
        assert _g(p) in text and round(p, 3) != 0.017
    assert f"{res.min_expected:.2f}" in text and res.test == "Fisher's exact test"
    ref = REFERENCE["toxicity_by_response"]
    for name in ("chisq_p", "yates_p", "fisher_p"):
        assert getattr(res, name) == pytest.approx(ref[name], rel=1e-6)


def test_the_odds_ratio_claim_is_recomputable_from_4_of_14_vs_1_of_19():
    claim = _analysis("seed-000-almaty", "toxicity-relapse-death").claim
    assert claim.not_recomputable == ""
    res, test = odds_ratio([[4, 10], [1, 18]]), compare_categorical([[4, 10], [1, 18]])
    assert (round(res.odds_ratio, 2), round(res.lower, 2), round(res.upper, 2)) == (
        claim.value("estimate"),
        claim.value("lower"),
        claim.value("upper"),
    )
    assert round(test.chisq_p, 4) == claim.value("p")
    assert _g(test.fisher_p) in claim.value("test")  # the paper's p is not Fisher's
    assert claim.value("groups") == {"toxicity": round(4 / 14, 3), "no toxicity": round(1 / 19, 3)}


def _os_follow_up(unfav_death_first: bool, f1: int, u2: int) -> tuple[list, list, list]:
    """15 cases (7 unfavorable, 8 favorable) with one death each: the unfavorable one with 2 unfavorable at risk
    and ``f1`` favorable, the favorable one with 6 favorable at risk and ``u2`` unfavorable."""
    rows = []
    if unfav_death_first:  # unfavorable death at 10, favorable death at 20
        rows += [(1, 0, "u")] * 5 + [(10, 1, "u")] + [(15 if u2 == 0 else 30, 0, "u")]
        rows += [(1, 0, "f")] * (8 - f1) + [(15, 0, "f")] * (f1 - 6) + [(20, 1, "f")] + [(40, 0, "f")] * 5
    else:  # favorable death at 10, unfavorable death at 20
        rows += [(1, 0, "f")] * 2 + [(10, 1, "f")] + [(15, 0, "f")] * (5 - f1) + [(40, 0, "f")] * f1
        rows += [(1, 0, "u")] * (7 - u2) + [(15, 0, "u")] * (u2 - 2) + [(20, 1, "u")] + [(40, 0, "u")]
    time, event, group = zip(*rows, strict=True)
    return list(time), list(event), list(group)


def test_no_follow_up_gives_the_os_log_rank_p_0032_with_two_deaths():
    text = _analysis("seed-000-almaty", "os-by-risk").claim.not_recomputable
    # Both groups are below 100%, so each has a death: with 2 deaths in all, one each, and a single death gives
    # 1 - 1/(number at risk): 83.3% only with 6 favorable cases at risk, 50.0% only with 2 unfavorable.
    assert [n for n in range(1, 9) if _pct(1 - 1 / n) == "83.3%"] == [6]
    assert [n for n in range(1, 8) if _pct(1 - 1 / n) == "50.0%"] == [2]
    configurations = [(True, f1, u2) for f1 in (6, 7, 8) for u2 in (0, 1)]
    configurations += [(False, f1, u2) for f1 in range(0, 6) for u2 in range(2, 8)]
    best = None
    for config in configurations:
        time, event, group = _os_follow_up(*config)
        curves = kaplan_meier(time, event, group)
        fav_death, unfav_death = (20, 10) if config[0] else (10, 20)
        assert curves["f"].at([fav_death]).survival[0] == pytest.approx(5 / 6), config
        assert curves["u"].at([unfav_death]).survival[0] == pytest.approx(1 / 2), config
        test = logrank_test(time, event, group)
        if best is None or test.chisq > best[0].chisq:
            best = (test, config)
    test, config = best
    assert config == (True, 8, 0)
    assert f"{test.chisq:.2f}" in text and _g(test.p) in text and test.p > 0.032
    ref = REFERENCE["os_logrank_bound"]
    r_test = logrank_test(ref["time"], ref["event"], ref["group"])
    assert (r_test.chisq, r_test.p) == (pytest.approx(ref["chisq"], rel=1e-6), pytest.approx(ref["p"], rel=1e-6))
    assert test.chisq == pytest.approx(ref["chisq"], rel=1e-6)


def test_the_efs_hazard_ratio_needs_more_events_than_the_paper_has():
    text = _analysis("seed-000-almaty", "efs-hr-by-risk").claim.not_recomputable
    z = 1.959964
    se = (math.log(10.84) - math.log(1.12)) / (2 * z)
    widest = (math.log(10.845) - math.log(1.115)) / (2 * z)  # the printed limits at their rounding edge
    needed = 4 / widest**2
    most_events = 6 + 3 + 2  # non-CR (day 0), relapses (all after a CR), deaths: Table 4
    assert math.ceil(needed) == 12 > most_events
    assert f"{se:.3f}" in text and f"{4 / se**2:.1f}" in text and f"at most {most_events} EFS events" in text
    # The bound the sentence uses, SE >= 2 / sqrt(events) for a yes/no covariate, on the core's Cox fits.
    rng, checked = np.random.default_rng(20260407), 0
    for _ in range(20):
        frame = pd.DataFrame(
            {"time": rng.integers(1, 60, 15), "event": rng.random(15) < 0.75, "unfav": rng.integers(0, 2, 15)}
        )
        fit = cox_ph(frame, time="time", event="event", covariates="unfav")
        if fit.se and math.isfinite(fit.se[0]):
            assert fit.se[0] >= 2 / math.sqrt(fit.n_events), (fit.se, fit.n_events)
            checked += 1
    assert checked >= 15


# ---------------------------------------------------------------------------------------------------------------
# Seed 001: the figures its counts can give
# ---------------------------------------------------------------------------------------------------------------
def test_nutm1_80_percent_52_to_100_is_one_event_among_5_at_risk():
    claim = _analysis("seed-001-moscow", "efs-nutm1").claim
    assert claim.not_recomputable == ""
    # 9 cases: 4 censored before the event, the event with 5 at risk, 4 followed past two years.
    time, event = [100] * 4 + [300] + [800] * 4, [0] * 4 + [1] + [0] * 4
    at = kaplan_meier(time, event, conf_type="log")["all"].at([730])
    assert (round(at.survival[0], 2), round(at.lower[0], 2), round(at.upper[0], 2)) == (0.80, 0.52, 1.0)
    assert claim.value("groups_ci") == {"NUTM1-r": [0.52, 1.0]} and claim.value("n") == len(time)


# ---------------------------------------------------------------------------------------------------------------
# Seed 003: Table 6
# ---------------------------------------------------------------------------------------------------------------
def _row(key: str):
    claim = _analysis("seed-003-kmt2a-cox", key).claim
    b, se = claim.value("b"), claim.value("se")
    return claim, b, se, math.exp(b), math.exp(b - 1.96 * se), math.exp(b + 1.96 * se), (b / se) ** 2


@pytest.mark.parametrize("key", ["cox-sex", "cox-wbc-300"])
def test_table_6_rows_for_sex_and_wbc_agree_with_their_own_b_and_se(key):
    claim, b, _, hr, lower, upper, wald = _row(key)
    assert round(hr, 3) == claim.value("estimate")
    assert abs(lower - claim.value("lower")) < 0.001 and abs(upper - claim.value("upper")) < 0.0015
    assert abs(wald - claim.value("wald")) < 0.02
    text = claim.not_recomputable
    assert f"exp({b:g}) = {hr:.3f}" in text and f"{lower:.3f}–{upper:.3f}" in text and f"{wald:.2f}" in text


def test_table_6_labels_point_against_the_papers_own_table_4():
    # 5-year pEFS (Table 4): boys 57.80% vs girls 15.71%; WBC >= 300 16.67% vs < 300 49.57%.
    sex, wbc = _row("cox-sex")[0], _row("cox-wbc-300")[0]
    assert sex.value("estimate") > 1 and 57.80 > 15.71  # "male vs female" says boys fare worse
    assert wbc.value("estimate") < 1 and 16.67 < 49.57  # "> 300 vs < 300" says a high count protects
    assert "57.80%" in sex.not_recomputable and "16.67%" in wbc.not_recomputable


def test_the_tp2_flow_mrd_row_is_the_wbc_row_and_its_ci_is_not_its_own():
    mrd, b, se, hr, lower, upper, _ = _row("cox-tp2-flow-mrd")
    wbc = _row("cox-wbc-300")[0]
    for name in ("b", "se", "wald", "p", "estimate", "lower"):
        assert mrd.value(name) == wbc.value(name), name
    assert mrd.value("upper") == 0.328 and round(upper, 3) != 0.328
    assert round(lower, 3) == mrd.value("lower")
    text = mrd.not_recomputable
    assert f"{lower:.3f}–{upper:.3f}" in text and "0.328" in text
    assert all(f"{v:g}" in text for v in (b, se, mrd.value("wald"), mrd.value("p"), mrd.value("estimate")))
    assert round(hr, 3) == mrd.value("estimate")


def test_claims_with_nothing_to_object_to_leave_not_recomputable_empty():
    empty = {
        (slug, a.key) for slug, spec in claims.BUILTIN_PLANS for a in spec.analyses if not a.claim.not_recomputable
    }
    assert empty == {
        ("seed-000-almaty", "toxicity-relapse-death"),
        ("seed-000-almaty", "efs-by-risk"),
        ("seed-001-moscow", "efs-aff1-vs-other"),
        ("seed-001-moscow", "efs-nutm1"),
        ("seed-001-moscow", "efs-pax5"),
    }
