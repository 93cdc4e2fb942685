"""The join draws the report's figures, and writes the dataset's CSV files, in other processes: the same bytes as
in the join's own process, in the run's language."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time

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


def test_the_dataset_files_written_aside_are_those_written_here(dataset):
    from analytics.reports import dataset_csv
    from analytics.runs.reporting import CSV_TABLES, dataset_files_aside

    here = {name: dataset_csv(dataset, table) for name, table in CSV_TABLES.items()}
    with dataset_files_aside(dataset) as written:
        assert len(multiprocessing.active_children()) == (1 if drawing.drawing_processes(2) else 0)
        aside = written()
    assert [(f.kind, f.name) for f in aside] == [("csv", name) for name in CSV_TABLES]
    assert {f.name: f.content for f in aside} == here
    assert all(len(content) > 1000 for content in here.values())


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return not any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return False


def _hold_a_pool(report, pids_file) -> None:
    with drawing.figures_drawn_aside(report):
        pids_file.write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
        time.sleep(600)  # until killed


@pytest.mark.skipif(sys.platform != "linux", reason="the parent-death signal is Linux's")
def test_the_drawing_processes_of_a_worker_killed_mid_join_do_not_outlive_it(dataset, tmp_path):
    report = build_report(dataset)
    if drawing.drawing_processes(len(list(report.figures()))) < 2:
        pytest.skip("one CPU: drawn here")
    pids_file = tmp_path / "pids"
    worker = multiprocessing.get_context("fork").Process(target=_hold_a_pool, args=(report, pids_file))
    worker.start()
    deadline = time.monotonic() + 60
    while not (pids_file.exists() and pids_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    pids = [int(p) for p in pids_file.read_text().split()]
    assert pids
    os.kill(worker.pid, signal.SIGKILL)
    worker.join(10)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # do not leave them behind when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not left
