"""execute_plan end to end: errors stop one analysis only, warnings travel, claims get verdicts, centers pool."""

from __future__ import annotations

import json

from analytics.core.exceptions import AnalysisInputError
from analytics.plans.document import plan_document
from analytics.plans.execute import FAILED, NOT_POOLED, NOT_RUN, PLAN_NOT_RUNNABLE, execute_plan
from analytics.plans.spec import Analysis, Claim, Condition, Group, Outcome, PlanSpec, Variable
from analytics.plans.validate import LEVEL_ABSENT, TOO_FEW_GROUPS
from tests.analytics.plans.helpers import synthetic_dataset

RISK = Variable.of("risk_class")
TWO = (Group("unfavorable", ("unfavorable",)), Group("other", ("favorable", "intermediate")))


def _run(*analyses: Analysis, conditions=()):
    spec = PlanSpec(name="plan", question="q?", conditions=conditions, analyses=analyses)
    return execute_plan(spec, synthetic_dataset(300, n_centers=4), plan_meta={"id": 7, "version": 1})


def test_an_analysis_with_an_error_has_a_message_and_no_numbers_and_the_others_run() -> None:
    res = _run(
        Analysis("bad", "Bad", Outcome("os"), "km", exposure=Variable.of("sex"), groups=(Group("boys", ("M",)),)),
        Analysis("good", "Good", Outcome("os"), "km", exposure=RISK, groups=TWO),
    )
    bad, good = res.analyses
    assert bad.message == NOT_RUN.format(reasons=TOO_FEW_GROUPS.format(variable="sex", n=1))
    assert bad.groups == [] and bad.effects == [] and bad.tests == []
    assert good.message is None and good.tests[0]["p"] is not None
    assert {
        "where": "analysis bad",
        "level": "error",
        "message": TOO_FEW_GROUPS.format(variable="sex", n=1),
    } in res.problems


def test_warnings_are_kept_with_the_numbers() -> None:
    groups = (Group("unfavorable", ("unfavorable", "t(99;99)")), TWO[1])
    (res,) = _run(Analysis("a", "A", Outcome("os"), "km", exposure=RISK, groups=groups)).analyses
    assert res.message is None and res.warnings == [LEVEL_ABSENT.format(level="t(99;99)", variable="risk_class")]


def test_the_plan_carries_the_population_and_what_each_rule_removed() -> None:
    res = _run(
        Analysis("a", "A", Outcome("cr"), "proportions"),
        conditions=(Condition(Variable.of("lineage"), "in", ("ALL",)),),
    )
    plan = res.plan
    assert plan["id"] == 7 and plan["name"] == "plan" and plan["question"] == "q?"
    assert plan["n_start"] == 300
    assert [r["rule"] for r in plan["removed"]] == ["exclusions applied", "lineage in ALL"]
    assert plan["n_start"] - sum(r["n"] for r in plan["removed"]) == res.n_population


def test_a_plan_that_fails_its_spec_runs_nothing() -> None:
    res = _run(Analysis("a", "A", Outcome("os"), "proportions"))
    assert res.analyses[0].message == PLAN_NOT_RUNNABLE and res.problems[0]["level"] == "error"


def test_a_claim_gets_a_verdict_and_pooling_fills_per_center_and_pooled() -> None:
    claim = Claim(
        source="003_4bb7de85ba20652f.txt",
        quote="HR 2.5",
        values=(("estimate", 2.5), ("lower", 1.2), ("upper", 5.0), ("p", 0.01)),
        effect="hazard_ratio",
    )
    analysis = Analysis(
        "cox", "EFS by risk", Outcome("efs"), "cox", exposure=RISK, groups=TWO, pool_centers=True, claim=claim
    )
    (res,) = _run(analysis).analyses
    assert res.message is None
    assert res.claim["source"] == "003_4bb7de85ba20652f.txt"
    assert res.verdict is not None and res.verdict.word in ("consistent", "contradicted", "too few cases to tell")
    assert len(res.per_center) == 4 and res.pooled["k"] >= 1


def test_the_document_is_stable_json() -> None:
    res = _run(Analysis("a", "A", Outcome("cr"), "proportions", exposure=RISK, groups=TWO))
    first, second = plan_document(res), plan_document(res.to_dict())
    assert first == second and first.endswith(b"\n")
    data = json.loads(first)
    assert list(data) == sorted(data) and data["analyses"][0]["key"] == "a"


def test_pooling_three_groups_is_a_note_not_a_crash() -> None:
    analysis = Analysis("a", "A", Outcome("cr"), "proportions", exposure=RISK, pool_centers=True)
    (res,) = _run(analysis).analyses
    assert res.message is None and res.pooled is None and res.per_center == []
    assert any(note.startswith(NOT_POOLED.format(reason="")) for note in res.notes)


def test_an_analysis_the_core_refuses_is_not_run_and_the_others_are(monkeypatch) -> None:
    from analytics.plans import execute

    def refuse(*args, **kwargs):
        raise AnalysisInputError("bad times")

    monkeypatch.setattr(execute, "run_km", refuse)
    res = _run(
        Analysis("km", "KM", Outcome("os"), "km", exposure=RISK, groups=TWO),
        Analysis("cr", "CR", Outcome("cr"), "proportions", exposure=RISK, groups=TWO),
    )
    assert res.analyses[0].message == FAILED.format(reason="bad times") and res.analyses[0].groups == []
    assert res.analyses[1].message is None


def test_a_claim_is_read_per_center_too_by_the_same_method_when_it_is_not_pooled() -> None:
    claim = Claim(source="s.txt", quote="q", values=Claim.from_dict({"source": "s", "values": {"p": 0.01}}).values)
    km = Analysis("km", "KM", Outcome("os"), "km", exposure=RISK, groups=TWO, claim=claim)
    (res,) = _run(km).analyses
    dataset = synthetic_dataset(300, n_centers=4)
    assert [c.center for c in res.per_center] == sorted(dataset.cases["center"].unique())
    assert all(c.effect is not None and c.effect.kind == "p" for c in res.per_center)
    assert sum(c.n for c in res.per_center) == res.n and sum(c.n_events for c in res.per_center) == res.n_events
    assert res.pooled is None  # a log-rank p is not pooled; each center's own test is shown
    # Each center's p is that center's own log-rank test, as the method gives it on the center's cases alone.
    first = res.per_center[0].center
    spec = PlanSpec(name="one", conditions=(Condition(Variable.of("center"), "in", (first,)),), analyses=(km,))
    (alone,) = execute_plan(spec, dataset, plan_meta={}).analyses
    assert res.per_center[0].effect.p == next(e.p for e in alone.effects if e.kind == "p")
