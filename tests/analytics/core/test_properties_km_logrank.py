"""Properties of Kaplan-Meier and log-rank that hold on any data (hypothesis, fixed seed)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from analytics.core.km import CONF_TYPES, _stable_order, kaplan_meier
from analytics.core.logrank import logrank_test

SEED = 20261121
PROFILE = settings(max_examples=150, deadline=None)


@st.composite
def cohorts(draw, min_size: int = 1, max_size: int = 60, n_groups: int = 3, n_strata: int = 1):
    """Integer follow-up times (so that ties happen), 0/1 events, group and stratum codes."""
    n = draw(st.integers(min_size, max_size))
    time = draw(st.lists(st.integers(0, 40), min_size=n, max_size=n))
    event = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    group = draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n))
    strata = draw(st.lists(st.integers(0, n_strata - 1), min_size=n, max_size=n))
    return np.array(time, float), np.array(event), np.array(group), np.array(strata)


def same_logrank(a, b) -> None:
    assert a.message == b.message
    if a.ok:
        np.testing.assert_allclose(a.chisq, b.chisq, rtol=1e-9, atol=1e-12)
        assert a.df == b.df
    np.testing.assert_allclose(a.observed, b.observed, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.expected, b.expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.variance, b.variance, rtol=1e-9, atol=1e-12)


class TestKaplanMeierProperties:
    @seed(SEED)
    @PROFILE
    @given(cohorts(), st.sampled_from(CONF_TYPES))
    def test_it_is_non_increasing_and_inside_zero_one(self, data, conf_type):
        time, event, group, _ = data
        for curve in kaplan_meier(time, event, group, conf_type=conf_type).curves.values():
            assert ((curve.survival >= 0) & (curve.survival <= 1)).all()
            assert (np.diff(curve.survival) <= 0).all()
            assert (np.diff(curve.n_risk) < 0).all()

    @seed(SEED)
    @PROFILE
    @given(cohorts(), st.sampled_from(CONF_TYPES), st.floats(0.5, 0.99))
    def test_its_confidence_limits_contain_the_estimate(self, data, conf_type, level):
        time, event, group, _ = data
        for curve in kaplan_meier(time, event, group, conf_type=conf_type, conf_level=level).curves.values():
            both = np.isfinite(curve.lower) & np.isfinite(curve.upper)
            s = curve.survival[both]
            assert (curve.lower[both] <= s * (1 + 1e-12)).all()
            assert (curve.upper[both] >= s * (1 - 1e-12)).all()
            assert ((curve.lower[both] >= 0) & (curve.upper[both] <= 1)).all()
            med = curve.median()
            if np.isfinite(med.lower) and np.isfinite(med.upper):
                assert med.lower <= med.median <= med.upper

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2), st.randoms(use_true_random=False))
    def test_permuting_rows_changes_nothing(self, data, rnd):
        time, event, group, _ = data
        perm = np.array(rnd.sample(range(len(time)), len(time)))
        a = kaplan_meier(time, event, group)
        b = kaplan_meier(time[perm], event[perm], group[perm])
        assert list(a.curves) == list(b.curves)
        for label in a.curves:
            ca, cb = a[label], b[label]
            for name in ("time", "n_risk", "n_event", "survival", "log_std_err", "lower", "upper"):
                np.testing.assert_array_equal(getattr(ca, name), getattr(cb, name))

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2))
    def test_relabelling_groups_only_renames_the_curves(self, data):
        time, event, group, _ = data
        names = np.array(["unfavorable", "favorable", "intermediate"])
        a = kaplan_meier(time, event, group)
        b = kaplan_meier(time, event, names[group])
        for code, curve in a.curves.items():
            np.testing.assert_array_equal(curve.survival, b[str(names[code])].survival)


class TestSortingProperties:
    @seed(SEED)
    @PROFILE
    @given(
        st.lists(
            st.tuples(
                st.one_of(st.integers(0, 2**40).map(float), st.floats(0, 1e6, allow_nan=False)),
                st.integers(0, 2),
                st.integers(0, 70_000),
            ),
            min_size=1,
            max_size=80,
        )
    )
    def test_the_radix_order_is_lexsorts_order(self, rows):
        t = np.array([r[0] for r in rows])
        g = np.array([r[1] for r in rows])
        s = np.array([r[2] for r in rows])
        np.testing.assert_array_equal(_stable_order(t, g), np.lexsort((t, g)))
        np.testing.assert_array_equal(_stable_order(t, s, g), np.lexsort((t, g, s)))
        np.testing.assert_array_equal(_stable_order(np.floor(t)), np.argsort(np.floor(t), kind="stable"))


class TestLogRankProperties:
    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2, n_strata=4), st.sampled_from([0.0, 1.0]), st.randoms(use_true_random=False))
    def test_permuting_rows_changes_nothing(self, data, rho, rnd):
        time, event, group, strata = data
        perm = np.array(rnd.sample(range(len(time)), len(time)))
        same_logrank(
            logrank_test(time, event, group, strata, rho=rho),
            logrank_test(time[perm], event[perm], group[perm], strata[perm], rho=rho),
        )

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2, n_strata=3), st.sampled_from([0.0, 1.0]))
    def test_relabelling_groups_and_strata_changes_nothing_but_the_order(self, data, rho):
        time, event, group, strata = data
        a = logrank_test(time, event, group, strata, rho=rho)
        # Reversed labels reverse the group order; the statistic must not move.
        b = logrank_test(time, event, np.array(["z", "y", "x"])[group], np.array(["s3", "s2", "s1"])[strata], rho=rho)
        assert a.message == b.message
        if a.ok:
            np.testing.assert_allclose(a.chisq, b.chisq, rtol=1e-8, atol=1e-10)
            np.testing.assert_allclose(a.observed, b.observed[::-1], rtol=1e-9, atol=1e-12)

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2), st.sampled_from([0.0, 1.0]))
    def test_stratified_with_one_stratum_equals_the_plain_test(self, data, rho):
        time, event, group, _ = data
        same_logrank(
            logrank_test(time, event, group, rho=rho),
            logrank_test(time, event, group, np.full(len(time), "only"), rho=rho),
        )

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2, n_strata=3), st.sampled_from([0.0, 1.0]))
    def test_stratified_sums_the_per_stratum_observed_expected_and_variance(self, data, rho):
        time, event, group, strata = data
        whole = logrank_test(time, event, group, strata, rho=rho)
        if whole.message:
            return
        observed, expected, variance = np.zeros(3), np.zeros(3), np.zeros((3, 3))
        labels = {g: i for i, g in enumerate(whole.groups)}
        for s in np.unique(strata):
            part = strata == s
            sub = logrank_test(time[part], event[part], group[part], rho=rho)
            idx = [labels[g] for g in sub.groups]
            observed[idx] += sub.observed
            expected[idx] += sub.expected
            variance[np.ix_(idx, idx)] += sub.variance
        k = len(whole.groups)
        np.testing.assert_allclose(whole.observed, observed[:k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(whole.expected, expected[:k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(whole.variance, variance[:k, :k], rtol=1e-9, atol=1e-12)

    @seed(SEED)
    @PROFILE
    @given(cohorts(min_size=2, n_strata=3), st.sampled_from([0.0, 1.0]))
    def test_the_statistic_is_a_non_negative_chi_square(self, data, rho):
        time, event, group, strata = data
        result = logrank_test(time, event, group, strata, rho=rho)
        if result.ok:
            assert result.chisq >= -1e-9 and 0 <= result.p <= 1
            assert result.df == int((result.expected > 0).sum()) - 1
            np.testing.assert_allclose(result.observed.sum(), result.expected.sum(), rtol=1e-9, atol=1e-9)
