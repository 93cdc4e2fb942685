"""Building a run's dataset makes no pass of Python's cyclic garbage collector (each pass walks every live
object, so at 100 000 cases the passes took half of the dataset's CPU time), and leaves the collector as it
found it. Counted, not timed: the collector is made as eager as it can be, then its passes are counted."""

from __future__ import annotations

import gc

import pytest

from analytics import derive as d
from analytics.dataset import dataset_rows
from registry.access import cases_for_system
from registry.derivation import risk_ruleset
from tests.analytics import fixtures
from tests.crowded import make_crowded_registry

people, center_a, center_b = fixtures.people, fixtures.center_a, fixtures.center_b

pytestmark = pytest.mark.django_db


@pytest.fixture
def passes():
    """The collections made while the test runs, with a collector that collects at every chance. (A full pass
    also waits for the long-lived objects to have grown by a quarter, which a small registry never does: every
    pass is counted.)"""
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info)

    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    gc.callbacks.append(count)
    try:
        yield passes
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*threshold)


def test_the_dataset_is_built_without_a_collection(people, center_a, center_b, passes):
    make_crowded_registry(people, center_a, center_b)
    assert gc.isenabled()
    cases, rules, settings = cases_for_system(), risk_ruleset(), d.EndpointSettings()
    passes.clear()
    rows = dataset_rows(cases, rules=rules, settings=settings)
    during = len(passes)  # counted at once: the resumed collector runs again on the next allocations
    # A few on the way in and out (the pause's own objects); without the pause, thousands (about 15 000).
    assert during < 10
    assert rows["cases"] and rows["findings"]
    assert gc.isenabled()
    gc.collect()  # the collector still works afterwards
    assert passes


def test_a_collector_paused_by_the_caller_stays_paused(people, center_a, center_b):
    make_crowded_registry(people, center_a, center_b)
    gc.disable()
    try:
        dataset_rows(cases_for_system(), rules=risk_ruleset(), settings=d.EndpointSettings())
        assert not gc.isenabled()
    finally:
        gc.enable()
