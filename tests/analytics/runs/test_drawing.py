"""The join draws the report's figures in other processes: the same bytes as drawn in the join's own process,
in the run's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from analytics.reports import build_report, render_figures
from analytics.runs import drawing
from tests.analytics.reports.synthetic import make_dataset


@pytest.fixture(scope="module")
def dataset():
    return make_dataset(300, n_centers=3, seed=7)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_figures_drawn_in_other_processes_are_those_drawn_here_in_the_runs_language(dataset, language):
    with translation.override(language):
        report = build_report(dataset)
        here = render_figures(report)
        assert drawing.drawing_processes(len(here)) >= 2 or pytest.skip("one CPU: drawn here")
        with drawing.figures_drawn_aside(report) as drawn:
            aside = drawn()
    assert list(aside) == list(here)
    assert aside == here
    if language == "ru":
        assert any("Годы" in formats["svg"].decode() for formats in aside.values())
