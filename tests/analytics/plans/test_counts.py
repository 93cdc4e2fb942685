"""What a plan's JSON document hands out obeys the small-cell rule, like the report section."""

from __future__ import annotations

from analytics.reports.sections.plans.counts import counts_suppressed


def _result(per_center, groups, n_centers):
    return {"plan": {"n_centers": n_centers}, "analyses": [{"per_center": per_center, "groups": groups}]}


def test_per_center_counts_under_the_threshold_are_hidden_and_the_stored_copy_is_untouched():
    per_center = [{"center": "A", "n": 40, "n_events": 3}, {"center": "B", "n": 30, "n_events": 12}]
    data = _result(per_center, [{"label": "x", "n": 70, "events": 15}], n_centers=2)
    out = counts_suppressed(data, threshold=5)
    assert [(c["n"], c["n_events"]) for c in out["analyses"][0]["per_center"]] == [(40, "<5"), (30, "suppr.")]
    assert out["analyses"][0]["groups"] == [{"label": "x", "n": 70, "events": 15}]  # pooled over two centers
    assert data["analyses"][0]["per_center"][0]["n_events"] == 3


def test_a_one_center_population_hides_its_small_group_counts_and_numbers_at_risk():
    groups = [{"label": "x", "n": 14, "events": 4, "estimates": [{"time": 730, "n_risk": 2}]}]
    out = counts_suppressed(_result([], groups, n_centers=1), threshold=5)
    assert out["analyses"][0]["groups"] == [
        {"label": "x", "n": 14, "events": "<5", "estimates": [{"time": 730, "n_risk": "<5"}]}
    ]
