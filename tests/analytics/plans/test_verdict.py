"""Verdicts: a published claim read against the pooled result, every branch with its numbers in the reason."""

from __future__ import annotations

import pytest

from analytics.plans.result import AnalysisResult, Effect
from analytics.plans.spec import Claim
from analytics.plans.verdict import (
    CONSISTENT,
    CONTRADICTED,
    MAX_DIFFERENCE_WIDTH,
    MAX_RATIO_WIDTH,
    MIN_EVENTS_FOR_P,
    TOO_FEW,
    verdict_for,
)

SEED = "000_743ea5dade156a28.txt"


def claim(effect: str, not_recomputable: str = "", **values) -> Claim:
    return Claim.from_dict(
        {
            "source": SEED,
            "quote": "as printed",
            "values": values,
            "effect": effect,
            "not_recomputable": not_recomputable,
        }
    )


def effect(kind: str, estimate, lower, upper, p=None, comparison="", at_time=None) -> Effect:
    return Effect(kind, estimate, lower, upper, p, "a method", comparison=comparison, at_time=at_time)


def result(*effects: Effect, n_events: int = 120, message: str | None = None) -> AnalysisResult:
    return AnalysisResult(
        key="a", title="a", method="m", n=300, n_events=n_events, effects=list(effects), message=message
    )


OR = effect("odds_ratio", 2.1, 1.3, 3.4, p=0.002, comparison="toxicity vs none")
HR = effect("hazard_ratio", 1.8, 1.2, 2.7, p=0.004, comparison="KMT2A-r vs germline")


class TestRatios:
    def test_a_published_ratio_inside_the_pooled_ci_is_consistent(self) -> None:
        v = verdict_for(claim("hazard_ratio", estimate=2.5), result(HR))
        assert v.word == CONSISTENT
        assert v.reason == (
            "The published hazard ratio (KMT2A-r vs germline) 2.5 is inside the pooled 95% CI 1.2 to 2.7 (pooled 1.8)."
        )
        assert v.ci_width == pytest.approx(2.7 / 1.2)

    def test_a_bound_counts_as_inside(self) -> None:
        assert verdict_for(claim("hazard_ratio", estimate=1.2), result(HR)).word == CONSISTENT

    def test_a_published_ratio_above_the_pooled_ci_is_contradicted(self) -> None:
        # Seed 000's toxicity odds ratio, 7.20 (Woolf 0.70-73.53), against a pooled 2.1 (1.3-3.4).
        v = verdict_for(claim("odds_ratio", estimate=7.2, lower=0.7, upper=73.53), result(OR))
        assert v.word == CONTRADICTED
        assert "7.2 is above the pooled 95% CI 1.3 to 3.4 (pooled 2.1)" in v.reason
        assert v.ci_width == pytest.approx(3.4 / 1.3)

    def test_a_published_ratio_below_the_pooled_ci_is_contradicted(self) -> None:
        v = verdict_for(claim("odds_ratio", estimate=0.9), result(OR))
        assert v.word == CONTRADICTED
        assert "0.9 is below the pooled 95% CI 1.3 to 3.4" in v.reason

    def test_a_pooled_ci_wider_than_a_factor_of_ten_cannot_tell(self) -> None:
        wide = effect("odds_ratio", 3.0, 0.5, 5.5, comparison="a vs b")
        v = verdict_for(claim("odds_ratio", estimate=20.0), result(wide))
        assert v.word == TOO_FEW
        assert v.ci_width == pytest.approx(11.0)
        assert f"wider than a factor of {MAX_RATIO_WIDTH:g} (upper / lower = 11)" in v.reason
        assert v.reason == (
            "The pooled odds ratio (a vs b) 3 has a 95% CI 0.5 to 5.5, wider than a factor of 10 (upper / lower = "
            "11): too imprecise to check the published 20."
        )

    def test_no_pooled_estimate_cannot_tell(self) -> None:
        v = verdict_for(claim("hazard_ratio", estimate=2.5), result(message="no events among the 4 rows"))
        assert v.word == TOO_FEW
        assert v.reason == (
            "The pooled analysis gives no hazard ratio: no events among the 4 rows, so the published 2.5 cannot "
            "be checked."
        )
        assert v.ci_width is None

    def test_a_pooled_estimate_without_a_ci_cannot_tell(self) -> None:
        v = verdict_for(claim("hazard_ratio", estimate=2.5), result(effect("hazard_ratio", 1.8, None, None)))
        assert v.word == TOO_FEW and "confidence interval" in v.reason

    def test_a_claim_without_its_published_value_cannot_tell(self) -> None:
        v = verdict_for(claim("hazard_ratio", p=0.01), result(HR))
        assert (v.word, v.reason) == (TOO_FEW, "The claim gives no published hazard ratio to compare.")


class TestDifferences:
    KM = (
        effect("difference", 0.12, 0.02, 0.22, comparison="favorable vs unfavorable", at_time=730.0),
        effect("difference", 0.10, -0.02, 0.22, comparison="favorable vs unfavorable", at_time=1825.0),
    )

    def test_a_published_difference_from_the_groups_in_percent(self) -> None:
        # Seed 000: 91.6% vs 58.3% is a difference of 0.333, above the pooled CI at 2 years.
        c = claim("difference", groups={"favorable": 91.6, "unfavorable": 58.3}, time=730)
        v = verdict_for(c, result(*self.KM))
        assert v.word == CONTRADICTED
        assert "difference (favorable vs unfavorable) at 730 days 0.333 is above the pooled 95% CI 0.02 to 0.22" in (
            v.reason
        )
        assert v.ci_width == pytest.approx(0.20)

    def test_the_time_of_the_claim_chooses_the_estimate(self) -> None:
        v = verdict_for(claim("difference", estimate=0.2, time=1825), result(*self.KM))
        assert v.word == CONSISTENT
        assert "at 1825 days" in v.reason and "-0.02 to 0.22" in v.reason

    def test_a_claim_at_a_time_the_analysis_did_not_estimate_cannot_tell(self) -> None:
        v = verdict_for(claim("difference", estimate=0.2, time=365), result(*self.KM))
        assert v.word == TOO_FEW and "gives no difference" in v.reason

    def test_a_difference_ci_wider_than_one_half_cannot_tell(self) -> None:
        wide = effect("difference", 0.1, -0.25, 0.45, comparison="a vs b")
        v = verdict_for(claim("difference", estimate=0.3), result(wide))
        assert v.word == TOO_FEW
        assert f"wider than {MAX_DIFFERENCE_WIDTH:g} (upper - lower = 0.7)" in v.reason
        assert v.ci_width == pytest.approx(0.7)


class TestGroupEstimates:
    EST = (
        effect("estimate", 0.80, 0.70, 0.88, comparison="favorable", at_time=730.0),
        effect("estimate", 0.55, 0.45, 0.64, comparison="unfavorable", at_time=730.0),
    )

    def test_every_group_inside_its_ci_is_consistent(self) -> None:
        v = verdict_for(claim("estimate", groups={"favorable": 0.85, "unfavorable": 0.583}), result(*self.EST))
        assert v.word == CONSISTENT
        assert v.reason.startswith("favorable: the published estimate at 730 days 0.85 is inside")
        assert "unfavorable: the published estimate at 730 days 0.583 is inside the pooled 95% CI 0.45 to 0.64" in (
            v.reason
        )
        assert v.ci_width == pytest.approx(0.19)  # the widest

    def test_one_group_outside_its_ci_contradicts(self) -> None:
        v = verdict_for(claim("estimate", groups={"favorable": "91.6%", "unfavorable": "58.3%"}), result(*self.EST))
        assert v.word == CONTRADICTED
        assert v.reason.startswith(
            "favorable: the published estimate at 730 days 0.916 is above the pooled 95% CI 0.7 to 0.88 (pooled 0.8);"
        )

    def test_a_group_the_analysis_lacks_cannot_tell(self) -> None:
        v = verdict_for(claim("estimate", groups={"favorable": 0.85, "other": 0.5}), result(*self.EST))
        assert v.word == TOO_FEW
        assert "other: the pooled analysis has no estimate for this group" in v.reason


class TestPValues:
    def test_both_below_alpha_is_consistent(self) -> None:
        v = verdict_for(claim("p", p=0.012), result(HR, effect("p", None, None, None, p=0.003)))
        assert v.word == CONSISTENT
        assert v.reason == "The published p = 0.012 and the pooled p = 0.003 are both below 0.05."

    def test_a_published_p_below_a_bound_is_read_as_the_bound(self) -> None:
        v = verdict_for(claim("p", p="< 0.001"), result(effect("p", None, None, None, p=0.0004)))
        assert v.word == CONSISTENT and "published p = 0.001" in v.reason

    def test_different_sides_with_enough_events_contradict(self) -> None:
        # Seed 000's uncorrected chi-square p = 0.0649 for toxicity, against a pooled p = 0.002.
        v = verdict_for(claim("p", p=0.0649), result(OR, n_events=MIN_EVENTS_FOR_P))
        assert v.word == CONTRADICTED
        assert v.reason == (
            "The published p = 0.0649 is at or above 0.05 but the pooled p = 0.002 is below, with 50 events in the "
            "pooled analysis (at least 50)."
        )
        assert v.ci_width == pytest.approx(3.4 / 1.3)

    def test_different_sides_with_few_events_cannot_tell(self) -> None:
        v = verdict_for(claim("p", p=0.01), result(effect("p", None, None, None, p=0.3), n_events=12))
        assert v.word == TOO_FEW
        assert "but the pooled analysis has only 12 events (fewer than 50) to tell" in v.reason

    def test_no_pooled_p_cannot_tell(self) -> None:
        v = verdict_for(claim("p", p=0.01), result(message="one group"))
        assert v.word == TOO_FEW and "gives no p: one group" in v.reason


class TestNotRecomputable:
    def test_the_reason_says_the_figure_cannot_be_recomputed(self) -> None:
        why = "8 favorable and 7 unfavorable cases cannot give 11/12 and 7/12."
        v = verdict_for(claim("difference", not_recomputable=why, estimate=0.333), result(*TestDifferences.KM))
        assert v.word == CONTRADICTED
        assert v.reason.endswith(
            "The published figure cannot be recomputed from the source's own counts: 8 favorable and 7 unfavorable "
            "cases cannot give 11/12 and 7/12."
        )

    def test_it_still_gets_a_verdict_when_the_analysis_cannot_tell(self) -> None:
        v = verdict_for(claim("p", not_recomputable="chi-square 2.45 is 1.48", p=0.12), result())
        assert v.word == TOO_FEW and "cannot be recomputed from the source's own counts: chi-square 2.45" in v.reason
