"""Per-center estimates and their pooling against metafor::rma (reference/plans_reference.R), tolerance 1e-6.

Log odds ratio of CR, KMT2A-rearranged vs germline, per center (center F has a zero cell: Haldane's +0.5, as
escalc's add = 1/2, to = "only0"); log hazard ratio of OS from a Cox model of each center alone with two
covariates (center F has no death among the germline cases and is left out with the reason).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.core.meta import (
    NO_CENTERS,
    NO_CENTERS_ESTIMATE,
    ONE_CENTER,
    ONE_CENTER_ESTIMATE,
    REASON_NOT_ESTIMABLE,
    pool_hazard_ratios,
    pool_log_estimates,
)
from analytics.plans.pooling import (
    CENTER_GROUP_EMPTY,
    GROUP_NO_EVENTS,
    NEEDS_TWO_GROUPS,
    NO_EXPOSURE,
    center_estimates,
    pool,
)
from analytics.plans.result import CenterEstimate
from analytics.plans.spec import Analysis, Outcome, Variable
from tests.analytics.plans.reference import (
    KMT2A_GROUPS,
    RISK_GROUPS,
    RTOL,
    cox_analysis,
    dataset,
    frame,
    groups,
    reference,
)


def proportions_analysis(labels=KMT2A_GROUPS) -> Analysis:
    return Analysis(
        key="cr",
        title="CR by KMT2A",
        outcome=Outcome("cr"),
        method="proportions",
        exposure=Variable.of("kmt2a_status"),
        groups=groups(labels),
        pool_centers=True,
    )


def or_estimates() -> list[CenterEstimate]:
    return center_estimates(frame("kmt2a", outcome="cr"), proportions_analysis())


def hr_estimates() -> list[CenterEstimate]:
    analysis = cox_analysis("os", KMT2A_GROUPS, exposure="kmt2a", covariates=("age_lt6m", "wbc"), pool=True)
    return center_estimates(frame("kmt2a", covariates=("age_lt6m", "wbc")), analysis)


ESTIMATES = {"odds_ratio": or_estimates, "hazard_ratio": hr_estimates}


class TestCenterEstimates:
    def test_the_log_odds_ratios_match_escalc(self) -> None:
        r = reference()["pooling"]["odds_ratio"]
        est = or_estimates()
        assert [e.center for e in est] == r["centers"]
        np.testing.assert_allclose([e.log_estimate for e in est], r["log_estimate"], rtol=RTOL)
        np.testing.assert_allclose([e.se for e in est], r["se"], rtol=RTOL)
        for e, table in zip(est, r["tables"], strict=True):
            assert e.n == sum(table.values())
            assert e.n_events == table["ai"] + table["ci"]
            assert e.effect.kind == "odds_ratio" and e.effect.comparison == "rearranged vs germline"
            assert e.effect.estimate == pytest.approx(math.exp(e.log_estimate))

    def test_a_zero_cell_gets_haldanes_correction(self) -> None:
        (f,) = [e for e in or_estimates() if e.center == "F"]
        # 5/5 rearranged in CR, 3/5 germline: (5.5 * 2.5) / (0.5 * 3.5)
        assert f.effect.estimate == pytest.approx(5.5 * 2.5 / (0.5 * 3.5))
        assert "Haldane" in f.effect.method

    def test_the_log_hazard_ratios_match_per_center_coxph(self) -> None:
        r = reference()["pooling"]["hazard_ratio"]
        est = [e for e in hr_estimates() if e.message is None]
        assert [e.center for e in est] == r["centers"]
        np.testing.assert_allclose([e.log_estimate for e in est], r["log_estimate"], rtol=RTOL)
        np.testing.assert_allclose([e.se for e in est], r["se"], rtol=RTOL)
        assert [e.n for e in est] == r["n"]
        assert [e.n_events for e in est] == r["nevent"]

    def test_a_center_with_no_events_in_a_group_has_a_message(self) -> None:
        (f,) = [e for e in hr_estimates() if e.center == "F"]
        assert f.message == GROUP_NO_EVENTS.format(label="germline")
        assert f.effect is None and f.log_estimate is None
        assert (f.n, f.n_events) == (10, 3)

    def test_a_center_without_one_of_the_groups_has_a_message(self) -> None:
        d = dataset()
        f = frame("kmt2a", outcome="cr")
        f = f[~((d["center"] == "E") & (d["kmt2a"] == "germline"))]
        (e,) = [x for x in center_estimates(f, proportions_analysis()) if x.center == "E"]
        assert e.message == CENTER_GROUP_EMPTY.format(label="germline")

    def test_every_center_compares_the_same_groups_in_the_same_order(self) -> None:
        # Without named groups the order is the whole frame's (sorted), not each center's.
        analysis = cox_analysis("os", KMT2A_GROUPS, exposure="kmt2a")
        analysis = Analysis(**{**analysis.__dict__, "groups": ()})
        est = center_estimates(frame("kmt2a"), analysis)
        assert {e.effect.comparison for e in est if e.effect} == {"germline vs rearranged"}

    def test_proportions_need_two_groups(self) -> None:
        with pytest.raises(ValueError, match=NEEDS_TWO_GROUPS):
            center_estimates(frame("risk", outcome="cr"), proportions_analysis(RISK_GROUPS))

    def test_a_cox_model_needs_an_exposure(self) -> None:
        analysis = Analysis(key="c", title="c", outcome=Outcome("os"), method="cox", covariates=(Variable.of("sex"),))
        with pytest.raises(ValueError, match=NO_EXPOSURE):
            center_estimates(frame("risk", covariates=("sex",)), analysis)


class TestPoolingMatchesMetafor:
    @pytest.mark.parametrize("kind", sorted(ESTIMATES))
    def test_the_pooled_estimates_match(self, kind: str) -> None:
        r = reference()["pooling"][kind]
        res = pool(ESTIMATES[kind](), kind)
        for model in ("fixed", "random"):
            for key in ("log_estimate", "se", "z", "p", "estimate", "lower", "upper"):
                np.testing.assert_allclose(res[model][key], r[model][key], rtol=RTOL, err_msg=f"{kind} {model} {key}")

    @pytest.mark.parametrize("kind", sorted(ESTIMATES))
    def test_the_heterogeneity_matches(self, kind: str) -> None:
        r = reference()["pooling"][kind]
        het = pool(ESTIMATES[kind](), kind)["heterogeneity"]
        np.testing.assert_allclose([het["q"], het["p"], het["i2"]], [r["q"], r["q_p"], r["i2"]], rtol=RTOL)
        np.testing.assert_allclose(het["tau2"], r["tau2"], rtol=RTOL, atol=1e-12)
        assert het["df"] == r["q_df"]

    @pytest.mark.parametrize("kind", sorted(ESTIMATES))
    def test_the_weights_match(self, kind: str) -> None:
        r = reference()["pooling"][kind]
        centers = pool(ESTIMATES[kind](), kind)["centers"]
        np.testing.assert_allclose([c["weight_fixed"] for c in centers], r["weight_fixed"], rtol=RTOL)
        np.testing.assert_allclose([c["weight_random"] for c in centers], r["weight_random"], rtol=RTOL)

    def test_the_odds_ratios_are_heterogeneous_and_the_hazard_ratios_are_not(self) -> None:
        assert pool(or_estimates(), "odds_ratio")["heterogeneity"]["tau2"] > 0.1
        assert pool(hr_estimates(), "hazard_ratio")["heterogeneity"]["tau2"] == 0.0

    def test_an_excluded_center_is_listed_with_its_reason_and_counts(self) -> None:
        res = pool(hr_estimates(), "hazard_ratio")
        reason = REASON_NOT_ESTIMABLE.format(measure="hazard ratio", message=GROUP_NO_EVENTS.format(label="germline"))
        assert res["excluded"] == [{"center": "F", "n": 10, "n_events": 3, "reason": reason}]
        assert res["k"] == len(reference()["pooling"]["hazard_ratio"]["centers"])
        assert res["comparison"] == "rearranged vs germline" and res["measure"] == "hazard ratio"

    def test_it_refuses_an_unknown_kind(self) -> None:
        with pytest.raises(ValueError, match="difference"):
            pool(or_estimates(), "difference")


class TestCoreGeneralization:
    def test_pool_hazard_ratios_is_pool_log_estimates_renamed(self) -> None:
        rows = [("A", 0.2, 0.1), ("B", 0.5, 0.2), ("C", -0.1, 0.3), ("D", None, None)]
        hr = pool_hazard_ratios(rows)
        gen = pool_log_estimates(rows, measure="hazard ratio")
        assert (hr.fixed_hr, hr.random_hr_upper, hr.q, hr.tau2) == (
            gen.fixed_estimate,
            gen.random_upper,
            gen.q,
            gen.tau2,
        )
        assert [c.weight_random for c in hr.centers] == [c.weight_random for c in gen.centers]

    def test_its_messages_name_the_measure(self) -> None:
        assert pool_log_estimates([], measure="odds ratio").message == NO_CENTERS_ESTIMATE.format(measure="odds ratio")
        one = pool_log_estimates([("A", 0.3, 0.2)], measure="odds ratio")
        assert one.message == ONE_CENTER_ESTIMATE.format(measure="odds ratio")
        assert pool_hazard_ratios([]).message == NO_CENTERS
        assert pool_hazard_ratios([("A", 0.3, 0.2)]).message == ONE_CENTER
        gen = pool_log_estimates([("A", 0.3, 0.2, "no events"), ("B", 0.1, 0.2)], measure="odds ratio")
        assert gen.excluded[0].reason == "odds ratio not estimable: no events"
