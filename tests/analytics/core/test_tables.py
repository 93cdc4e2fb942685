"""Table statistics against scipy.stats, DOMAIN.md's worked figures and a few values printed by R.

DOMAIN.md (seed 000's caution): toxicity in 14 patients with 4 adverse outcomes vs 19 with 1 gives OR 7.20,
Woolf 95% CI 0.70-73.53, uncorrected χ² p = 0.0649 and Fisher p = 0.138; 20 boys vs 13 girls gives χ² = 1.48
against 1:1 (not the 2.45 the seed prints). R values below were printed by R 4.2 with the call shown and are
hard-coded, so the tests do not need R.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics.core.exceptions import AnalysisInputError
from analytics.core.results import to_jsonable
from analytics.core.tables import (
    NO_COUNTS,
    NO_VALUES,
    NO_VARIANCE,
    ONE_GROUP,
    TOO_FEW,
    TOO_FEW_PAIRS,
    _fisher_rxc,
    compare_categorical,
    compare_paired,
    compare_two_groups,
    goodness_of_fit,
    odds_ratio,
    summarize_categorical,
    summarize_continuous,
)

TOXICITY = [[4, 10], [1, 18]]  # adverse outcome yes/no: 14 patients with the exposure, 19 without


class TestDomainWorkedFigures:
    def test_toxicity_odds_ratio_and_woolf_interval(self) -> None:
        res = odds_ratio(TOXICITY)
        assert round(res.odds_ratio, 2) == 7.20
        assert (round(res.lower, 2), round(res.upper, 2)) == (0.70, 73.53)
        assert not res.corrected and "Woolf" in res.method

    def test_toxicity_chi_square_and_fisher(self) -> None:
        res = compare_categorical(TOXICITY)
        assert round(res.chisq_p, 4) == 0.0649
        assert round(res.fisher_p, 3) == 0.138
        # The smallest expected count is 2.12, so the chosen test is Fisher's, and both are reported.
        assert res.min_expected == pytest.approx(5 * 14 / 33)
        assert res.test == "Fisher's exact test" and res.p == res.fisher_p
        assert not math.isnan(res.yates_p) and res.yates_p > res.chisq_p

    def test_sex_ratio_goodness_of_fit(self) -> None:
        res = goodness_of_fit([20, 13])
        assert round(res.chisq, 2) == 1.48
        assert res.df == 1
        assert res.p == pytest.approx(0.223017469946615, rel=1e-9)  # R: chisq.test(c(20, 13))


class TestContingencyAgainstScipyAndR:
    @pytest.mark.parametrize("table", [TOXICITY, [[12, 5], [7, 30]], [[25, 30], [28, 22]]])
    def test_2x2_matches_scipy(self, table) -> None:
        res = compare_categorical(table)
        pearson = stats.chi2_contingency(table, correction=False)
        yates = stats.chi2_contingency(table, correction=True)
        assert res.chisq == pytest.approx(pearson.statistic, rel=1e-12)
        assert res.chisq_p == pytest.approx(pearson.pvalue, rel=1e-12)
        assert res.yates_chisq == pytest.approx(yates.statistic, rel=1e-12)
        assert res.yates_p == pytest.approx(yates.pvalue, rel=1e-12)
        assert res.fisher_p == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-12)
        chosen = "Fisher's exact test" if pearson.expected_freq.min() < 5 else "Pearson's chi-square test"
        assert res.test == chosen

    def test_a_large_2x2_chooses_uncorrected_chi_square(self) -> None:
        res = compare_categorical([[25, 30], [28, 22]])
        assert res.test == "Pearson's chi-square test" and res.p == res.chisq_p

    @pytest.mark.parametrize(
        ("table", "r_p"),
        [
            ([[4, 10, 3], [1, 18, 5]], 0.233041261843765),  # fisher.test(matrix(c(4,1,10,18,3,5), 2))
            ([[3, 1, 4, 2], [1, 5, 2, 6], [4, 4, 1, 0]], 0.0535975735279554),
            ([[8, 4, 1], [2, 4, 3], [0, 3, 6]], 0.0116242956351415),
        ],
    )
    def test_rxc_fisher_is_exact_as_r(self, table, r_p: float) -> None:
        res = compare_categorical(table)
        assert res.fisher_p == pytest.approx(r_p, rel=1e-9)
        assert res.fisher_method.startswith("exact")
        assert res.chisq == pytest.approx(stats.chi2_contingency(table, correction=False).statistic)
        assert math.isnan(res.yates_p)

    def test_it_cross_tabulates_two_label_columns(self) -> None:
        rows = ["exposed"] * 14 + ["unexposed"] * 19
        cols = ["yes"] * 4 + ["no"] * 10 + ["yes"] * 1 + ["no"] * 18
        res = compare_categorical(rows, cols)
        assert res.row_labels == ("exposed", "unexposed") and res.col_labels == ("no", "yes")
        assert res.fisher_p == pytest.approx(stats.fisher_exact(TOXICITY).pvalue)

    def test_it_drops_empty_rows_and_columns_and_says_so(self) -> None:
        res = compare_categorical([[4, 0, 10], [1, 0, 18], [0, 0, 0]])
        assert res.table.shape == (2, 2) and res.note
        assert res.fisher_p == pytest.approx(stats.fisher_exact(TOXICITY).pvalue)

    def test_it_reports_a_table_without_two_levels(self) -> None:
        res = compare_categorical([[3, 4], [0, 0]])
        assert not res.ok and "2x2" in res.message
        assert compare_categorical([[0, 0], [0, 0]]).message == NO_COUNTS

    @pytest.mark.parametrize("table", [[[1, -2], [3, 4]], [[1.5, 2], [3, 4]], [1, 2, 3], [["a", "b"], ["c", "d"]]])
    def test_it_rejects_tables_that_are_not_counts(self, table) -> None:
        with pytest.raises(AnalysisInputError):
            compare_categorical(table)


class TestOddsRatio:
    def test_haldane_correction_when_a_cell_is_zero(self) -> None:
        res = odds_ratio([[5, 0], [3, 7]])
        assert res.corrected and "Haldane" in res.method
        assert res.odds_ratio == pytest.approx((5.5 * 7.5) / (0.5 * 3.5))
        assert res.se == pytest.approx(math.sqrt(1 / 5.5 + 1 / 0.5 + 1 / 3.5 + 1 / 7.5))
        np.testing.assert_allclose(res.table, [[5.5, 0.5], [3.5, 7.5]])

    def test_it_matches_scipy_odds_ratio_estimate(self) -> None:
        table = [[12, 5], [7, 30]]
        res = odds_ratio(table)
        assert res.odds_ratio == pytest.approx(stats.contingency.odds_ratio(table, kind="sample").statistic)

    def test_it_needs_a_2x2_table(self) -> None:
        with pytest.raises(AnalysisInputError, match="2x2"):
            odds_ratio([[1, 2, 3], [4, 5, 6]])


class TestContinuousSummary:
    def test_quartiles_are_r_type_7_and_normal_data_gives_mean_sd(self) -> None:
        x = [3.1, 4.7, 1.2, 9.9, 5.5, 6.0, 2.2, 7.8, None]
        res = summarize_continuous(x)
        # R: quantile(x, c(.25, .5, .75)) -> 2.875 5.1 6.45; shapiro.test(x) -> W 0.97498754325516, p 0.934013110366824
        assert (res.q1, res.median, res.q3) == pytest.approx((2.875, 5.1, 6.45))
        assert res.shapiro_w == pytest.approx(0.97498754325516, rel=1e-6)
        assert res.shapiro_p == pytest.approx(0.934013110366824, rel=1e-6)
        assert res.presentation == "mean ± SD" and res.text == "5.0 ± 2.9"  # mean 5.05 is 5.0499... in binary
        assert res.n == 8 and res.missing == 1
        assert res.sd == pytest.approx(np.std([3.1, 4.7, 1.2, 9.9, 5.5, 6.0, 2.2, 7.8], ddof=1))
        assert "Shapiro-Wilk" in res.method and "0.05" in res.method

    def test_skewed_data_gives_median_and_quartiles(self) -> None:
        res = summarize_continuous([1, 2, 3, 4, 5, 6, 7, 8, 9, 300])
        assert res.shapiro_p < 0.05
        assert res.presentation == "median [Q1; Q3]"
        assert res.text == "5.5 [3.2; 7.8]"

    def test_too_few_or_equal_values_skip_the_test_and_say_why(self) -> None:
        assert "at least 3" in summarize_continuous([1, 2]).note
        res = summarize_continuous([4, 4, 4, 4])
        assert "equal" in res.note and res.presentation == "median [Q1; Q3]" and res.sd == 0
        assert summarize_continuous([None, None]).message == NO_VALUES

    def test_it_rejects_text(self) -> None:
        with pytest.raises(AnalysisInputError):
            summarize_continuous(["1", "two"])


class TestCategoricalSummary:
    def test_it_counts_and_percentages_non_missing_values(self) -> None:
        res = summarize_categorical(["M"] * 20 + ["F"] * 13 + [None])
        assert res.levels == ("F", "M") and res.counts == (13, 20) and res.missing == 1
        assert res.text == {"F": "13 (39.4%)", "M": "20 (60.6%)"}

    def test_it_reports_requested_levels_with_zero(self) -> None:
        res = summarize_categorical(["CNS1", "CNS1", "CNS3"], levels=["CNS1", "CNS2", "CNS3"])
        assert res.counts == (2, 0, 1)
        json.dumps(to_jsonable(res.to_dict()))


class TestTwoGroups:
    X = [1.1, 2.3, 3.4, 4.2, 5.9, 6.1]
    Y = [2.5, 3.6, 7.2, 8.1, 9.4, 10.3, 11.0]

    def frame(self) -> tuple[list, list]:
        return self.X + self.Y, ["a"] * len(self.X) + ["b"] * len(self.Y)

    def test_welch_t_matches_scipy_and_r(self) -> None:
        res = compare_two_groups(*self.frame())
        ref = stats.ttest_ind(self.X, self.Y, equal_var=False)
        assert res.t_statistic == pytest.approx(ref.statistic) and res.t_p == pytest.approx(ref.pvalue)
        # R: t.test(x, y) -> t -2.44265383710316, df 10.0161134835275, p 0.0346550593190065
        assert res.t_df == pytest.approx(10.0161134835275, rel=1e-9)
        assert res.t_p == pytest.approx(0.0346550593190065, rel=1e-9)
        assert res.test == "Welch's t-test" and res.p == res.t_p

    def test_mann_whitney_is_exact_without_ties_as_r(self) -> None:
        res = compare_two_groups(*self.frame(), test="rank")
        ref = stats.mannwhitneyu(self.X, self.Y, method="exact")
        assert (res.u_statistic, res.u_p) == pytest.approx((ref.statistic, ref.pvalue))
        assert res.u_p == pytest.approx(0.05128205, rel=1e-6)  # R: wilcox.test(x, y)$p.value, W = 7
        assert res.u_method == "exact" and res.test == "Mann-Whitney U test"

    def test_mann_whitney_with_ties_uses_the_corrected_normal_approximation(self) -> None:
        x = [1, 2, 2, 3, 4, 5]
        res = compare_two_groups(x + self.Y, ["a"] * 6 + ["b"] * 7, test="rank")
        ref = stats.mannwhitneyu(x, self.Y, method="asymptotic", use_continuity=True)
        assert res.u_p == pytest.approx(ref.pvalue) and res.u_p == pytest.approx(0.0266003, rel=1e-5)
        assert res.u_method.startswith("normal approximation")

    def test_non_normal_groups_choose_mann_whitney(self) -> None:
        x = [1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 50]
        res = compare_two_groups(x + self.Y, ["a"] * 9 + ["b"] * 7)
        assert res.shapiro_p[0] < 0.05 and res.test == "Mann-Whitney U test" and res.p == res.u_p

    def test_degenerate_groups_give_a_message(self) -> None:
        assert compare_two_groups([1, 2, 3], ["a", "a", "b"]).message == TOO_FEW.format(group="b", n=1)
        assert compare_two_groups([2, 2, 2, 2], ["a", "a", "b", "b"]).message == NO_VARIANCE
        assert compare_two_groups([1, 2, 3], ["a", "a", "a"]).message == ONE_GROUP.format(labels=["a"])
        with pytest.raises(AnalysisInputError, match="exactly two groups"):
            compare_two_groups([1, 2, 3], ["a", "b", "c"])

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["a", "b"])), min_size=6, max_size=40), st.randoms())
    def test_permuting_rows_changes_nothing(self, data, rnd) -> None:
        shuffled = data[:]
        rnd.shuffle(shuffled)
        a = compare_two_groups([v for v, _ in data], [g for _, g in data])
        b = compare_two_groups([v for v, _ in shuffled], [g for _, g in shuffled])
        assert a.message == b.message
        if a.ok:
            assert (b.u_statistic, b.u_p) == pytest.approx((a.u_statistic, a.u_p))
            assert b.t_p == pytest.approx(a.t_p, nan_ok=True) and b.test == a.test


class TestPaired:
    BEFORE = [10, 12, 9, 15, 11, 13, 8]
    AFTER = [12, 15, 9, 14, 16, 15, 10]

    def test_paired_t_matches_scipy(self) -> None:
        res = compare_paired(self.BEFORE, self.AFTER)
        ref = stats.ttest_rel(self.BEFORE, self.AFTER)
        assert (res.t_statistic, res.t_p) == pytest.approx((ref.statistic, ref.pvalue))
        assert res.test == "paired t-test" and res.mean_difference == pytest.approx(-13 / 7)

    def test_signed_rank_drops_zeros_and_corrects_as_r(self) -> None:
        res = compare_paired(self.BEFORE, self.AFTER, test="rank")
        # R: wilcox.test(before, after, paired = TRUE) -> V = 1, p-value = 0.05639 (continuity correction)
        assert res.v_statistic == 1 and res.zero_differences == 1
        assert res.w_p == pytest.approx(0.05639170948707064, rel=1e-9)
        ref = stats.wilcoxon(self.BEFORE, self.AFTER, zero_method="wilcox", correction=True, method="asymptotic")
        assert res.w_p == pytest.approx(ref.pvalue)
        assert res.test == "Wilcoxon signed-rank test"

    def test_signed_rank_is_exact_without_ties_or_zeros(self) -> None:
        res = compare_paired([1.1, 2.2, 3.5, 4.1, 5.6], [2.0, 2.9, 3.0, 6.2, 7.9], test="rank")
        assert res.w_method == "exact" and res.w_p == pytest.approx(0.125)  # R: V = 1, p-value = 0.125

    def test_missing_pairs_are_dropped_and_degenerate_input_reported(self) -> None:
        res = compare_paired([1, 2, None, 4, 5], [2, 3, 4, None, 7])
        assert res.n_pairs == 3 and res.dropped == 2
        assert compare_paired([1], [2]).message == TOO_FEW_PAIRS.format(n=1)
        assert compare_paired([1, 2, 3], [2, 3, 4]).message == NO_VARIANCE
        with pytest.raises(AnalysisInputError):
            compare_paired([1, 2], [1, 2, 3])


class TestProperties:
    @settings(max_examples=80, deadline=None)
    @given(st.lists(st.integers(0, 12), min_size=4, max_size=4))
    def test_fisher_enumeration_equals_scipy_on_2x2(self, cells) -> None:
        table = np.array(cells).reshape(2, 2)
        if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
            return
        p, _ = _fisher_rxc(table)
        assert p == pytest.approx(stats.fisher_exact(table).pvalue, rel=1e-9, abs=1e-12)

    @settings(max_examples=80, deadline=None)
    @given(st.lists(st.integers(0, 40), min_size=4, max_size=4))
    def test_odds_ratio_interval_contains_the_estimate(self, cells) -> None:
        res = odds_ratio(np.array(cells).reshape(2, 2))
        assert res.lower <= res.odds_ratio <= res.upper
        assert res.corrected == (0 in cells)

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, 8), min_size=6, max_size=6))
    def test_transposing_a_table_changes_no_p_value(self, cells) -> None:
        table = np.array(cells).reshape(2, 3)
        a, b = compare_categorical(table), compare_categorical(table.T)
        assert a.ok == b.ok
        if a.ok:
            assert b.fisher_p == pytest.approx(a.fisher_p, rel=1e-9)
            assert b.chisq == pytest.approx(a.chisq, rel=1e-9)

    def test_pandas_input_is_accepted(self) -> None:
        df = pd.DataFrame(TOXICITY, index=["exposed", "unexposed"], columns=["yes", "no"])
        res = compare_categorical(df)
        assert res.row_labels == ("exposed", "unexposed") and res.col_labels == ("yes", "no")
